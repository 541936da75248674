#pragma once
// Internal to core: how a session file (.cscope) writes the values its CBOR sections share,
// so the calibration and the evaluation sections store them alike.
#include <QByteArray>
#include <QCborMap>
#include <QCborValue>
#include <QJsonObject>

#include <cstring>
#include <vector>

namespace cs::cbor {

// Large numeric arrays are stored as little-endian byte strings (x86 and arm64 hosts).
template <typename T>
QCborValue packed(const std::vector<T>& values)
{
    return QByteArray(reinterpret_cast<const char*>(values.data()), qsizetype(values.size() * sizeof(T)));
}

template <typename T>
std::vector<T> unpacked(const QCborValue& value)
{
    const QByteArray bytes = value.toByteArray();
    std::vector<T> out(size_t(bytes.size()) / sizeof(T));
    if (!out.empty())
        std::memcpy(out.data(), bytes.constData(), out.size() * sizeof(T));
    return out;
}

// JSON documents (data specs, observer configurations) are kept as CBOR maps.
inline QCborValue json(const QJsonObject& o) { return QCborValue::fromJsonValue(o); }
inline QJsonObject jsonOf(const QCborValue& v) { return v.toMap().toJsonObject(); }

} // namespace cs::cbor
