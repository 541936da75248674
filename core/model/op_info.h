#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace cs {

// How ops become quantization points (FORMATS.md "Op naming").
enum class PointMode {
    Deployment, // conv/linear [+bn] [+relu] fused into one point; views share their producer
    PerOp,      // every op output is a point (views still share their producer)
};

// One op of the inlined forward graph, as shown in the op table and every export.
struct OpInfo {
    std::string name;   // stable, unique: "layer1.0.conv1", "layer1.0.add_1", "layer1.0.relu:2"
    std::string module; // owning module path ("" = the root module)
    std::string kind;   // "aten::conv2d", or "input" for a graph input
    std::vector<int64_t> shape; // output shape seen on a sample input; empty = not known yet
    std::string dtype;          // "float32", ...; empty = not known yet
    bool passthrough = false;   // reshape/view-like: shares its producer's quantization
    std::string fusedInto;      // deployment mode: the point this op is fused into
    std::string sharesPointWith; // passthrough: the point whose quantization it reuses
    std::vector<int64_t> weightShape; // conv/linear weight; empty = no weight point

    bool isActivationPoint() const { return !passthrough && fusedInto.empty(); }
    bool hasWeightPoint() const { return !weightShape.empty(); }
};

struct ModelSummary {
    std::string path;
    std::string sha256;
    std::vector<int64_t> inputShape; // from the model's calibscope metadata or the caller
    int64_t parameterCount = 0;
    std::vector<OpInfo> ops;

    const OpInfo* find(const std::string& opName) const;
    int activationPointCount() const;
    int weightPointCount() const;
};

std::string shapeToString(const std::vector<int64_t>& shape);

} // namespace cs
