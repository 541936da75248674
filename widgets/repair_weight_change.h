#pragma once
// What a repair did to one conv/linear layer, in the form the Weights view draws: the shift
// of each output channel's bias and the weight histogram before and after on one grid.
#include <map>
#include <string>
#include <vector>

namespace cs::ui {

struct WeightRepairChange {
    std::string layer;               // the conv/linear op
    std::vector<double> biasShift;   // after − before, one per output channel
    double lo = 0;                   // the histograms' range (both on the same bins)
    double hi = 0;
    std::vector<double> before;      // weight counts per bin
    std::vector<double> after;
    double maxWeightChange = 0;      // max |after − before| over the weights
};

// By conv/linear op name.
using WeightRepairChanges = std::map<std::string, WeightRepairChange>;

// A layer's change from its weights and biases before and after (row-major, the same
// shape). An empty bias counts as zeros (a repair may add one). `bins` equal bins span both
// weights.
WeightRepairChange makeWeightRepairChange(const std::string& layer, const std::vector<float>& weightBefore,
                                          const std::vector<float>& biasBefore, const std::vector<float>& weightAfter,
                                          const std::vector<float>& biasAfter, int bins = 64);

} // namespace cs::ui
