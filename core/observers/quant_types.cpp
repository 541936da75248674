#include "core/observers/quant_types.h"

#include <array>
#include <utility>

namespace cs::obs {

namespace {

const std::array<std::pair<DType, const char*>, 5> kDTypes{{
    {DType::QInt4, "qint4"},
    {DType::QUInt4, "quint4"},
    {DType::QInt8, "qint8"},
    {DType::QUInt8, "quint8"},
    {DType::QInt16, "qint16"},
}};

const std::array<std::pair<QScheme, const char*>, 4> kQSchemes{{
    {QScheme::PerTensorSymmetric, "per_tensor_symmetric"},
    {QScheme::PerTensorAffine, "per_tensor_affine"},
    {QScheme::PerChannelSymmetric, "per_channel_symmetric"},
    {QScheme::PerChannelAffine, "per_channel_affine"},
}};

// Python's // on negative numbers rounds towards -inf; PyTorch halves custom ranges with it.
int64_t floorHalf(int64_t v) { return v >= 0 ? v / 2 : -((-v + 1) / 2); }

}  // namespace

bool isSigned(DType d) { return d == DType::QInt4 || d == DType::QInt8 || d == DType::QInt16; }

int bitWidth(DType d) {
    switch (d) {
    case DType::QInt4:
    case DType::QUInt4: return 4;
    case DType::QInt8:
    case DType::QUInt8: return 8;
    case DType::QInt16: return 16;
    }
    return 8;
}

QuantRange quantRange(const QuantSpec& spec) {
    const int bits = bitWidth(spec.dtype);
    QuantRange r;
    if (isSigned(spec.dtype)) {
        r.qmax = (int64_t{1} << (bits - 1)) - 1;
        r.qmin = spec.narrowRange ? -r.qmax : -r.qmax - 1;
    } else {
        r.qmin = 0;
        r.qmax = (int64_t{1} << bits) - 1;
    }
    if (spec.quantMin) r.qmin = *spec.quantMin;
    if (spec.quantMax) r.qmax = *spec.quantMax;
    if (spec.reduceRange) {
        // torch.ao calculate_qmin_qmax: the default 8-bit ranges lose their top bit, custom
        // ranges are halved with floor division; both agree for the ranges used here.
        r.qmin = floorHalf(r.qmin);
        r.qmax = floorHalf(r.qmax);
    }
    return r;
}

std::string toString(DType d) {
    for (const auto& [v, n] : kDTypes)
        if (v == d) return n;
    return "qint8";
}

std::string toString(QScheme s) {
    for (const auto& [v, n] : kQSchemes)
        if (v == s) return n;
    return "per_tensor_symmetric";
}

std::optional<DType> dtypeFromString(const std::string& s) {
    for (const auto& [v, n] : kDTypes)
        if (s == n) return v;
    return std::nullopt;
}

std::optional<QScheme> qschemeFromString(const std::string& s) {
    for (const auto& [v, n] : kQSchemes)
        if (s == n) return v;
    return std::nullopt;
}

namespace {

// The names column of a (value, name) table, in table order.
template <typename Table>
std::vector<std::string> namesOf(const Table& table) {
    std::vector<std::string> v;
    for (const auto& p : table) v.emplace_back(p.second);
    return v;
}

}  // namespace

const std::vector<std::string>& dtypeNames() {
    static const std::vector<std::string> names = namesOf(kDTypes);
    return names;
}

const std::vector<std::string>& qschemeNames() {
    static const std::vector<std::string> names = namesOf(kQSchemes);
    return names;
}

}  // namespace cs::obs
