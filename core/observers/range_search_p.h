#pragma once
// Private to the observer library: the clip-range searches that compare candidate ranges by
// the squared quantization error of the grid each one gives (Horizon mse and mix, weight_mse).

#include "core/observers/mse_search.h"
#include "core/observers/quant_types.h"

#include <cstddef>
#include <utility>
#include <vector>

namespace cs::obs::detail {

// The grid calculateQParams gives [mn, mx] under `spec`, as a squaredErrorArgmin candidate.
ErrorCandidate gridCandidate(float mn, float mx, const QuantSpec& spec);

// Of the ranges (mn f, mx f), f in `factors`, the one whose grid quantizes x[0, n) (min mn,
// max mx) with the smallest squared error: the last of equal minima when lastWins, else the
// first.
std::pair<float, float> bestScaledRange(const float* x, std::size_t n, float mn, float mx,
                                        const std::vector<float>& factors, const QuantSpec& spec, bool lastWins);

}  // namespace cs::obs::detail
