#include "core/session/observer_bank_state.h"

#include "core/observers/observer_registry.h"

#include <QByteArray>
#include <QCborArray>
#include <QCborValue>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <stdexcept>
#include <utility>

#include <zlib.h>

namespace cs {
namespace {

using K = QLatin1String;

// Histograms and per-batch records are mostly small integers or float32 values: storing
// them as float64 would triple a compare-mode session. Compression only pays for long,
// sparse arrays (tails of |x| histograms).
constexpr qsizetype kCompressFrom = 4096;

enum class Packing { U32, F32, F64 };

Packing narrowest(const std::vector<double>& values)
{
    bool u32 = true, f32 = true;
    for (double v : values) {
        // -0.0 is not an integer here: it must come back with its sign.
        u32 = u32 && v >= 0.0 && v <= 4294967295.0 && v == std::floor(v) && !std::signbit(v);
        f32 = f32 && (std::isnan(v) || double(float(v)) == v);
        if (!u32 && !f32)
            return Packing::F64;
    }
    return u32 ? Packing::U32 : f32 ? Packing::F32 : Packing::F64;
}

template <typename T>
QByteArray bytesOf(const std::vector<double>& values)
{
    QByteArray bytes(qsizetype(values.size() * sizeof(T)), Qt::Uninitialized);
    for (size_t i = 0; i < values.size(); ++i) {
        const T v = static_cast<T>(values[i]);
        std::memcpy(bytes.data() + i * sizeof(T), &v, sizeof(T)); // little-endian hosts only, like session.cpp
    }
    return bytes;
}

// Long arrays are stored in byte planes (every value's lowest byte, then every second byte,
// ...) before zlib, float32 ones as the differences of consecutive bit patterns: histogram
// counts are mostly small and bin edges evenly spaced, so the high planes are nearly constant
// and compress to almost nothing (a third of the plain zlib size for a thousand-point session).
// The planar types have their own names, so a reader that does not know them refuses the
// array instead of misreading it.
// Value-major to plane-major order (the reader gathers the planes in place).
QByteArray toPlanes(const QByteArray& bytes)
{
    const qsizetype n = bytes.size() / 4;
    QByteArray out(bytes.size(), Qt::Uninitialized);
    const char* in = bytes.constData();
    char* to = out.data();
    for (qsizetype i = 0; i < n; ++i)
        for (qsizetype b = 0; b < 4; ++b)
            to[b * n + i] = in[i * 4 + b];
    return out;
}

// Each 32-bit pattern minus the previous one (modulo 2^32); the reader sums them in place.
QByteArray deltas32(QByteArray bytes)
{
    uint32_t previous = 0;
    for (qsizetype at = 0; at + 4 <= bytes.size(); at += 4) {
        uint32_t v;
        std::memcpy(&v, bytes.constData() + at, 4);
        const uint32_t out = v - previous;
        previous = v;
        std::memcpy(bytes.data() + at, &out, 4);
    }
    return bytes;
}

// CRC-32 of a compressed array's stored bytes: a reader checks it in a few milliseconds for a
// whole session, where inflating every array to check it would take most of the load.
uint32_t crcOf(const QByteArray& bytes)
{
    return uint32_t(crc32(0L, reinterpret_cast<const Bytef*>(bytes.constData()), uInt(bytes.size())));
}

QCborMap packArray(const std::vector<double>& values)
{
    const Packing p = narrowest(values);
    QByteArray bytes = p == Packing::U32 ? bytesOf<uint32_t>(values)
                       : p == Packing::F32 ? bytesOf<float>(values)
                                           : bytesOf<double>(values);
    const char* type = p == Packing::U32 ? "u32" : p == Packing::F32 ? "f32" : "f64";
    QCborMap m;
    if (bytes.size() >= kCompressFrom) {
        const bool planar = p != Packing::F64;
        QByteArray z = qCompress(planar ? toPlanes(p == Packing::F32 ? deltas32(bytes) : bytes) : bytes,
                                 1); // fast level: most of the gain is runs of zeros
        if (z.size() < bytes.size()) {
            if (planar)
                type = p == Packing::U32 ? "u32_planes" : "f32_delta_planes";
            m.insert(K("zlib"), true);
            m.insert(K("crc32"), qint64(crcOf(z)));
            bytes = std::move(z);
        }
    }
    m.insert(K("type"), K(type));
    m.insert(K("data"), bytes);
    return m;
}

// maxElements bounds what a compressed array may inflate to (zlib turns 1 MiB into 1 GiB of
// zeros): qCompress's 4-byte big-endian size header is checked before inflating.
void checkDeclaredSize(const QByteArray& bytes, double maxElements)
{
    if (bytes.size() < 4)
        throw std::invalid_argument("array data cannot be decompressed");
    const auto* h = reinterpret_cast<const unsigned char*>(bytes.constData());
    const double declared = double((uint32_t(h[0]) << 24) | (uint32_t(h[1]) << 16) | (uint32_t(h[2]) << 8) | h[3]);
    if (declared > maxElements * 8)
        throw std::invalid_argument("compressed array declares " + std::to_string(int64_t(declared))
                                    + " bytes, more than the state's batch and bin counts allow");
}

QByteArray arrayBytes(const QCborMap& m, double maxElements)
{
    QByteArray bytes = m.value(K("data")).toByteArray();
    if (m.value(K("zlib")).toBool()) {
        checkDeclaredSize(bytes, maxElements);
        bytes = qUncompress(bytes); // only long arrays are compressed: empty means corrupt
        if (bytes.isEmpty())
            throw std::invalid_argument("array data cannot be decompressed");
    }
    return bytes;
}

// The stored values (`Stored`, little-endian) converted straight into `Out`: a session's
// histograms are read without an intermediate array. Converting a uint32 or float32 value
// directly rounds exactly as converting it through double does (double holds both exactly).
// Planar bytes are gathered from their planes in place, float32 deltas summed on the way.
template <typename Out, typename Stored>
std::vector<Out> decodeValues(const QByteArray& bytes, bool planar, bool deltas)
{
    if (bytes.size() % qsizetype(sizeof(Stored)) != 0)
        throw std::invalid_argument("array bytes are not a whole number of values");
    const size_t n = size_t(bytes.size()) / sizeof(Stored);
    std::vector<Out> out(n);
    const auto* in = reinterpret_cast<const unsigned char*>(bytes.constData());
    if constexpr (sizeof(Stored) != 4) // byte planes hold 32-bit values only
        planar = false;
    if (!planar) {
        for (size_t i = 0; i < n; ++i) {
            Stored v;
            std::memcpy(&v, in + i * sizeof(Stored), sizeof(Stored));
            out[i] = static_cast<Out>(v);
        }
        return out;
    }
    uint32_t previous = 0;
    for (size_t i = 0; i < n; ++i) {
        uint32_t bits = uint32_t(in[i]) | (uint32_t(in[n + i]) << 8) | (uint32_t(in[2 * n + i]) << 16)
                        | (uint32_t(in[3 * n + i]) << 24);
        if (deltas) {
            bits += previous;
            previous = bits;
        }
        Stored v{};
        std::memcpy(&v, &bits, std::min(sizeof(v), sizeof(bits)));
        out[i] = static_cast<Out>(v);
    }
    return out;
}

// Every stored array encoding, in one list: how its bytes are laid out.
struct ArrayType {
    const char* name;
    enum Stored { U32, F32, F64 } stored;
    bool planar;
    bool deltas;
};
constexpr ArrayType kArrayTypes[] = {{"u32", ArrayType::U32, false, false},
                                     {"f32", ArrayType::F32, false, false},
                                     {"f64", ArrayType::F64, false, false},
                                     {"u32_planes", ArrayType::U32, true, false},
                                     {"f32_delta_planes", ArrayType::F32, true, true}};

const ArrayType& arrayType(const QCborMap& m)
{
    const QString type = m.value(K("type")).toString();
    for (const ArrayType& t : kArrayTypes)
        if (type == QLatin1String(t.name))
            return t;
    throw std::invalid_argument("unknown array type '" + type.toStdString() + "'");
}

template <typename Out>
std::vector<Out> unpackArrayAs(const QCborMap& m, double maxElements)
{
    const ArrayType& type = arrayType(m);
    const QByteArray bytes = arrayBytes(m, maxElements);
    switch (type.stored) {
    case ArrayType::U32:
        return decodeValues<Out, uint32_t>(bytes, type.planar, type.deltas);
    case ArrayType::F32:
        return decodeValues<Out, float>(bytes, type.planar, type.deltas);
    case ArrayType::F64:
        break;
    }
    return decodeValues<Out, double>(bytes, type.planar, type.deltas);
}

std::vector<double> unpackArray(const QCborMap& m, double maxElements) { return unpackArrayAs<double>(m, maxElements); }

// The QuantSpec exactly (observer_config_json folds a half-set custom range into a full one).
QCborMap specToCbor(const obs::QuantSpec& s)
{
    QCborMap m{{K("dtype"), QString::fromStdString(obs::toString(s.dtype))},
               {K("qscheme"), QString::fromStdString(obs::toString(s.qscheme))},
               {K("narrow_range"), s.narrowRange},
               {K("reduce_range"), s.reduceRange},
               {K("power_of_two"), s.powerOfTwo},
               {K("ch_axis"), s.chAxis}};
    if (s.quantMin)
        m.insert(K("quant_min"), qint64(*s.quantMin));
    if (s.quantMax)
        m.insert(K("quant_max"), qint64(*s.quantMax));
    return m;
}

obs::QuantSpec specFromCbor(const QCborMap& m)
{
    obs::QuantSpec s;
    const auto dtype = obs::dtypeFromString(m.value(K("dtype")).toString().toStdString());
    const auto qscheme = obs::qschemeFromString(m.value(K("qscheme")).toString().toStdString());
    if (!dtype || !qscheme)
        throw std::invalid_argument("unknown dtype or qscheme");
    s.dtype = *dtype;
    s.qscheme = *qscheme;
    s.narrowRange = m.value(K("narrow_range")).toBool();
    s.reduceRange = m.value(K("reduce_range")).toBool();
    s.powerOfTwo = m.value(K("power_of_two")).toBool();
    s.chAxis = int(m.value(K("ch_axis")).toInteger(-1));
    if (m.contains(K("quant_min")))
        s.quantMin = m.value(K("quant_min")).toInteger();
    if (m.contains(K("quant_max")))
        s.quantMax = m.value(K("quant_max")).toInteger();
    return s;
}

QCborMap numbersToCbor(const std::map<std::string, double>& numbers)
{
    QCborMap m;
    for (const auto& [key, value] : numbers)
        m.insert(QString::fromStdString(key), value);
    return m;
}

std::map<std::string, double> numbersFromCbor(const QCborValue& v)
{
    std::map<std::string, double> out;
    const QCborMap m = v.toMap();
    for (auto it = m.begin(); it != m.end(); ++it) {
        if (!it.value().isDouble() && !it.value().isInteger())
            throw std::invalid_argument("'" + it.key().toString().toStdString() + "' is not a number");
        out[it.key().toString().toStdString()] = it.value().toDouble();
    }
    return out;
}

} // namespace

QCborMap observerStateToCbor(const obs::ObserverState& state)
{
    QCborMap arrays;
    for (const auto& [key, values] : state.arrays)
        arrays.insert(QString::fromStdString(key), packArray(values));
    QCborArray warnings;
    for (const auto& w : state.warnings)
        warnings.append(QString::fromStdString(w));
    // Scalars are doubles in CBOR (exact); integers would lose the sign of -0.0 and NaN.
    QCborMap scalars;
    for (const auto& [key, value] : state.scalars)
        scalars.insert(QString::fromStdString(key), QCborValue(value));
    return QCborMap{{K("version"), state.version},
                    {K("observer"), QString::fromStdString(state.observer)},
                    {K("params"), numbersToCbor(state.params)},
                    {K("spec"), specToCbor(state.spec)},
                    {K("scalars"), scalars},
                    {K("arrays"), arrays},
                    {K("warnings"), warnings}};
}

obs::ObserverState observerStateFromCbor(const QCborMap& map)
{
    if (!map.value(K("observer")).isString() || !map.value(K("arrays")).isMap())
        throw std::invalid_argument("not an observer state");
    obs::ObserverState s;
    s.version = int(map.value(K("version")).toInteger(0));
    s.observer = map.value(K("observer")).toString().toStdString();
    s.params = numbersFromCbor(map.value(K("params")));
    s.spec = specFromCbor(map.value(K("spec")).toMap());
    s.scalars = numbersFromCbor(map.value(K("scalars")));
    // The most elements one array of this state can hold: per batch (or KL interval) and
    // channel, one histogram of at most max(16 x its bins parameter, 2^16) bins plus a few
    // values; loadState checks the exact sizes after decompression.
    auto count = [&](const char* key) {
        const auto it = s.scalars.find(key);
        return it == s.scalars.end() || !std::isfinite(it->second) ? 0.0 : std::max(0.0, it->second);
    };
    double bins = 0;
    for (const auto& [key, value] : s.params)
        if (key.find("bins") != std::string::npos && std::isfinite(value))
            bins = std::max(bins, value);
    const double maxElements = (count("batches") + 2) * std::max(1.0, count("channels")) * (std::max(16 * bins, 65536.0) + 8);
    const QCborMap arrays = map.value(K("arrays")).toMap();
    for (auto it = arrays.begin(); it != arrays.end(); ++it)
        s.arrays[it.key().toString().toStdString()] = unpackArray(it.value().toMap(), maxElements);
    for (const auto& w : map.value(K("warnings")).toArray())
        s.warnings.push_back(w.toString().toStdString());
    return s;
}

QCborMap numbersToPackedCbor(const std::vector<double>& values) { return packArray(values); }

namespace {

template <typename Out>
std::vector<Out> boundedNumbers(const QCborMap& map, double maxElements)
{
    std::vector<Out> values = unpackArrayAs<Out>(map, maxElements);
    if (double(values.size()) > maxElements)
        throw std::invalid_argument("an array of " + std::to_string(values.size()) + " values, more than "
                                    + std::to_string(int64_t(maxElements)) + " allowed there");
    return values;
}

} // namespace

std::vector<double> numbersFromPackedCbor(const QCborMap& map, double maxElements)
{
    return boundedNumbers<double>(map, maxElements);
}

std::vector<float> floatsFromPackedCbor(const QCborMap& map, double maxElements)
{
    return boundedNumbers<float>(map, maxElements);
}

CompressedArray compressedArray(const QCborMap& map, double maxElements)
{
    (void)arrayType(map); // an unknown encoding fails here, before its bytes are trusted
    if (!map.value(K("zlib")).toBool())
        return CompressedArray::No;
    if (!map.value(K("data")).isByteArray())
        throw std::invalid_argument("array data cannot be decompressed");
    const QByteArray data = map.value(K("data")).toByteArray();
    checkDeclaredSize(data, maxElements);
    const QCborValue crc = map.value(K("crc32"));
    if (crc.isUndefined())
        return CompressedArray::Unchecked;
    if (!crc.isInteger() || crc.toInteger() != qint64(crcOf(data)))
        throw std::invalid_argument("array data is corrupt (its CRC-32 differs)");
    return CompressedArray::Checked;
}

std::unique_ptr<obs::Observer> restoreObserver(const obs::ObserverState& state)
{
    std::unique_ptr<obs::Observer> o = obs::createObserver(state.observer, state.params, state.spec);
    o->loadState(state);
    return o;
}

namespace {

// `state` with each {"same_as": [observer, key]} array replaced by that array of `compare`
// (which must be a stored one, not another reference).
QCborMap withSharedArrays(QCborMap state, const QCborMap& compare, const std::string& name)
{
    QCborMap arrays = state.value(K("arrays")).toMap();
    bool changed = false;
    for (auto it = arrays.begin(); it != arrays.end(); ++it) {
        const QCborValue ref = it.value().toMap().value(K("same_as"));
        if (ref.isUndefined())
            continue;
        const QCborArray at = ref.toArray();
        const QCborValue target = at.size() == 2 ? compare.value(at.at(0).toString()).toMap().value(K("arrays")).toMap().value(at.at(1).toString())
                                                 : QCborValue();
        if (!target.isMap() || target.toMap().contains(K("same_as")))
            throw std::invalid_argument("compare observer '" + name + "': array '" + it.key().toString().toStdString()
                                        + "' refers to no stored array");
        it.value() = target;
        changed = true;
    }
    if (changed)
        state.insert(K("arrays"), arrays);
    return state;
}

// The compare observers of `compare` (name -> state), each checked to be the observer its key
// names, on the compare grid, having seen at most `maxBatches` batches.
std::map<std::string, std::unique_ptr<obs::Observer>> restoreCompareStates(const QCborMap& compare,
                                                                         const obs::QuantSpec& compareSpec,
                                                                         double maxBatches)
{
    std::map<std::string, std::unique_ptr<obs::Observer>> out;
    for (auto it = compare.begin(); it != compare.end(); ++it) {
        const std::string name = it.key().toString().toStdString();
        const double batches = it.value().toMap().value(K("scalars")).toMap().value(K("batches")).toDouble(0);
        if (!(batches >= 0) || batches > maxBatches)
            throw std::invalid_argument("compare observer '" + name + "' claims " + std::to_string(batches)
                                        + " batches; the point's statistics hold " + std::to_string(maxBatches));
        obs::ObserverState s = observerStateFromCbor(withSharedArrays(it.value().toMap(), compare, name));
        // applyPointConfig switches to a compare observer only for the compare grid.
        if (s.observer != name || ObserverConfig{name, {}, s.spec, false} != ObserverConfig{name, {}, compareSpec, false})
            throw std::invalid_argument("compare observer '" + name + "' holds another observer's state");
        out[name] = restoreObserver(s);
    }
    return out;
}

// zlib's worst case expands nothing by more than about 1032:1: a declared size beyond that
// ratio is corrupt, and is refused before inflating.
constexpr double kMaxInflation = 1100;

// A point's compare observers as the session stores them: the CBOR of their states,
// zlib-compressed ("compare_packed"), restored only when asked for.
class PackedCompare final : public ObserverBank::SavedObservers {
public:
    PackedCompare(QByteArray packed, const obs::QuantSpec& spec, double maxBatches)
        : m_packed(std::move(packed)), m_spec(spec), m_maxBatches(maxBatches)
    {
    }
    std::map<std::string, std::unique_ptr<obs::Observer>> restore() const override
    {
        if (m_packed.size() < 4)
            throw std::invalid_argument("the compare observers cannot be decompressed");
        const auto* h = reinterpret_cast<const unsigned char*>(m_packed.constData());
        const double declared = double((uint32_t(h[0]) << 24) | (uint32_t(h[1]) << 16) | (uint32_t(h[2]) << 8) | h[3]);
        if (declared > kMaxInflation * double(m_packed.size()))
            throw std::invalid_argument("the compressed compare observers declare " + std::to_string(int64_t(declared))
                                        + " bytes, more than their compressed size allows");
        const QByteArray bytes = qUncompress(m_packed);
        QCborParserError error;
        const QCborValue value = QCborValue::fromCbor(bytes, &error);
        if (bytes.isEmpty() || error.error != QCborError::NoError || !value.isMap())
            throw std::invalid_argument("the compare observers cannot be decompressed");
        return restoreCompareStates(value.toMap(), m_spec, m_maxBatches);
    }
    const QByteArray& packed() const { return m_packed; }

private:
    QByteArray m_packed;
    obs::QuantSpec m_spec;
    double m_maxBatches;
};

// The compare observers of a point often keep the very same array (the three NVIDIA
// hist_* observers share one |x| histogram): each distinct array is stored once, a repeat
// as {"same_as": [observer, key]} naming the first.
QByteArray packCompare(const std::map<std::string, std::unique_ptr<obs::Observer>>& compare)
{
    QCborMap states;
    std::map<std::pair<QString, QByteArray>, QCborArray> first; // (type, data) -> [observer, key]
    for (const auto& [name, observer] : compare) {
        const QString observerName = QString::fromStdString(name);
        QCborMap state = observerStateToCbor(observer->saveState());
        QCborMap arrays = state.value(K("arrays")).toMap();
        for (auto it = arrays.begin(); it != arrays.end(); ++it) {
            const QCborMap packed = it.value().toMap();
            const QByteArray data = packed.value(K("data")).toByteArray();
            if (data.size() < 64)
                continue; // not worth a reference
            const auto key = std::make_pair(packed.value(K("type")).toString(), data);
            const auto seen = first.find(key);
            if (seen == first.end())
                first.emplace(key, QCborArray{observerName, it.key().toString()});
            else
                it.value() = QCborMap{{K("same_as"), seen->second}};
        }
        state.insert(K("arrays"), arrays);
        states.insert(observerName, state);
    }
    return qCompress(states.toCborValue().toCbor(), 1);
}

} // namespace

QCborMap bankPointToCbor(const ObserverBank::Point& point)
{
    QCborMap m{{K("compare_spec"), specToCbor(point.compareSpec)}};
    // Saved compare observers (always PackedCompare) go back as they came; live ones are packed anew.
    if (const auto* saved = dynamic_cast<const PackedCompare*>(point.savedCompare.get()))
        m.insert(K("compare_packed"), saved->packed());
    else if (!point.compare.empty())
        m.insert(K("compare_packed"), packCompare(point.compare));
    if (point.configured)
        m.insert(K("configured"), observerStateToCbor(point.configured->saveState()));
    return m;
}

ObserverBank::Point bankPointFromCbor(const QCborMap& map, const ObserverConfig& configured, double maxBatches)
{
    ObserverBank::Point p;
    p.compareSpec = specFromCbor(map.value(K("compare_spec")).toMap());
    const obs::ObserverState state = observerStateFromCbor(map.value(K("configured")).toMap());
    // The result's configuration must describe the restored observer, or retuning would
    // silently continue a different one.
    const obs::ObserverInfo* info = obs::findObserver(configured.name);
    if (state.observer != configured.name || !info || state.params != obs::withDefaults(*info, configured.params)
        || ObserverConfig{state.observer, {}, state.spec, false} != ObserverConfig{configured.name, {}, configured.spec, false})
        throw std::invalid_argument("the saved observer state of '" + state.observer
                                    + "' does not match the point's configuration ('" + configured.name + "')");
    p.configured = restoreObserver(state);
    if (map.contains(K("compare_packed"))) {
        const QByteArray packed = map.value(K("compare_packed")).toByteArray();
        if (packed.size() < 4)
            throw std::invalid_argument("the compare observers are not a compressed CBOR map");
        p.savedCompare = std::make_shared<PackedCompare>(packed, p.compareSpec, maxBatches);
    } else {
        // Sessions written before the packed form list every compare state in the open.
        p.compare = restoreCompareStates(map.value(K("compare")).toMap(), p.compareSpec, maxBatches);
    }
    return p;
}

} // namespace cs
