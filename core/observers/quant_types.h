#pragma once
// Quantization vocabulary shared by the observers, the engine and the GUI.
// Pure C++17: no LibTorch, no Qt.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cs::obs {

enum class DType { QInt4, QUInt4, QInt8, QUInt8, QInt16 };

enum class QScheme { PerTensorSymmetric, PerTensorAffine, PerChannelSymmetric, PerChannelAffine };

// Everything that decides the integer grid of one quantization point.
struct QuantSpec {
    DType dtype = DType::QInt8;
    QScheme qscheme = QScheme::PerTensorSymmetric;
    bool narrowRange = false;  // signed: drop the most negative level (qint8 -> -127..127)
    bool reduceRange = false;  // PyTorch reduce_range: halve the range (qint8 -> -64..63)
    bool powerOfTwo = false;   // Horizon BERNOULLI: scale rounded up to 2^-k, k in 1..14
    int chAxis = -1;           // per-channel schemes only; the channel dim of the observed tensor
    // A custom integer range replaces the dtype's; PyTorch then picks the symmetric zero
    // point of unsigned types as (qmin+qmax)/2 instead of 128.
    std::optional<int64_t> quantMin;
    std::optional<int64_t> quantMax;

    bool perChannel() const {
        return qscheme == QScheme::PerChannelSymmetric || qscheme == QScheme::PerChannelAffine;
    }
    bool symmetric() const {
        return qscheme == QScheme::PerTensorSymmetric || qscheme == QScheme::PerChannelSymmetric;
    }
};

struct QuantRange {
    int64_t qmin = 0;
    int64_t qmax = 0;
};

bool isSigned(DType d);
int bitWidth(DType d);
// The integer range actually used: dtype range, narrowed, reduced or custom.
QuantRange quantRange(const QuantSpec& spec);

std::string toString(DType d);
std::string toString(QScheme s);
// Accept the spellings of FORMATS.md ("qint8", "per_tensor_symmetric"); nullopt when unknown.
std::optional<DType> dtypeFromString(const std::string& s);
std::optional<QScheme> qschemeFromString(const std::string& s);
const std::vector<std::string>& dtypeNames();
const std::vector<std::string>& qschemeNames();

}  // namespace cs::obs
