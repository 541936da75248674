#pragma once
// Naming and quantization-point assignment over a plain description of the graph, so the
// rules of FORMATS.md are testable without LibTorch.
#include "core/model/op_info.h"

#include <string>
#include <vector>

namespace cs {

struct CallFrame {
    std::string instance; // module attribute name ("layer1", "0", "conv1"); "SELF" for self calls
    std::string callSite; // identifies this particular call (source range, call-node identity)
};

struct RawOp {
    std::string kind;              // "aten::conv2d" or "input"
    std::string inputName;         // graph inputs: the forward() argument name
    std::vector<CallFrame> frames; // outermost first
    std::vector<int> inputs;       // indices of the ops feeding this one (-1 = not an op)
    int useCount = 0;              // uses of the output, including the graph's return
    std::vector<int64_t> weightShape; // conv/linear with a constant weight
    // Inside a data-dependent branch: which arm of which branch (":if0.then", nested
    // ":if0.else.if1.then"), appended to the name; "" at the top level.
    std::string branch;
};

// Names every op (unique, stable) and fills module/kind; then marks passthrough ops, fused
// chains (deployment mode) and which point a passthrough op shares.
std::vector<OpInfo> describeOps(const std::vector<RawOp>& raw, PointMode mode);

bool isPassthroughKind(const std::string& kind);
bool isConvOrLinearKind(const std::string& kind);

} // namespace cs
