#pragma once
// The model with a tap after every quantization point: one forward per batch shows each
// point's tensor to a handler (calibration) or fake-quantizes it (evaluation).
#include "core/model/layer_parameters.h"
#include "core/model/model_graph.h"
#include "core/observers/tensor_view.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cs {

enum class TapMode {
    Observe,   // the handler sees every point's tensor; values pass through unchanged
    FakeQuant, // each point is replaced by fake_quantize(x) with the handler's parameters
    Float,     // plain float forward through the same graph
};

// Quantization parameters applied at one point (PyTorch's fake_quantize semantics).
struct FakeQuantParams {
    std::vector<float> scale;        // one per channel when chAxis >= 0
    std::vector<int64_t> zeroPoint;
    int64_t quantMin = -128;
    int64_t quantMax = 127;
    int chAxis = -1;
};

class TapHandler {
public:
    virtual ~TapHandler() = default;
    // Observe mode. `x` is a contiguous float32 view, valid only during the call.
    virtual void observe(int point, const obs::TensorView& x) = 0;
    // FakeQuant mode: parameters for this point, or nullptr to keep it float.
    virtual const FakeQuantParams* fakeQuant(int point) { (void)point; return nullptr; }
    // True when observe() may run on a helper thread while the forward goes on; calls for
    // different points may then run at the same time (the forward's thread takes the ones
    // still queued when the forward ends), and every call has returned when forward()
    // returns. The tensor is kept alive, or copied first where a later in-place op would
    // overwrite it.
    virtual bool observesOffThread() const { return false; }
    // Observe mode, for handlers that read a tensor after observe() returned (evaluation
    // compares the quantized pass with the float one): when keepsTensors(), observeKept() is
    // called instead of observe(), with `owner` keeping x's memory alive and unchanged, or
    // null when later code overwrites it (the handler must copy x then).
    virtual bool keepsTensors() const { return false; }
    virtual void observeKept(int point, const obs::TensorView& x, std::shared_ptr<const void> owner)
    {
        (void)owner;
        observe(point, x);
    }
};

struct TapPoint {
    int opIndex = -1;  // index into ModelSummary::ops
    std::string name;
};

struct BatchOutput {
    std::vector<float> data;     // the model's (first) tensor output, row-major
    std::vector<int64_t> shape;
};

// A conv/linear weight as the backend sees it: after BN folding in deployment mode.
struct WeightTensor {
    int opIndex = -1;
    std::string opName;
    std::vector<int64_t> shape;
    std::vector<float> data;        // folded (what gets quantized)
    std::vector<float> unfolded;    // the weight as stored in the model
    std::vector<float> bias;        // folded bias (empty when none)
    std::string foldedBatchNorm;    // name of the folded batch_norm op, "" if none
};

// LibTorch's intra-op threads for the calling process (0 = every core). They default to
// one on these machines, so every job sets them deliberately.
// Per thread: each call sets the calling thread's count (and the default of threads that
// have not run LibTorch yet).
void setComputeThreads(int threads);
int computeThreadCount(int threads); // what setComputeThreads(threads) sets

class InstrumentedModel {
public:
    // Taps every activation point of `graph` (its input, every op that is a point). The ops
    // named in `parameters` run with those (BN-folded in deployment mode: their batch norm
    // leaves the graph). Throws CalibError when a name is not a conv/linear op or a shape
    // does not fit.
    // With `tapLayerOutputs`, every conv/linear op's own output (after its folded batch norm,
    // before any activation) is tapped too, as point points().size() + k for layerOutputs()[k].
    explicit InstrumentedModel(const ModelGraph& graph, const LayerParameterMap& parameters = {},
                               bool tapLayerOutputs = false);
    ~InstrumentedModel();
    InstrumentedModel(const InstrumentedModel&) = delete;
    InstrumentedModel& operator=(const InstrumentedModel&) = delete;

    const std::vector<TapPoint>& points() const;
    const std::vector<TapPoint>& layerOutputs() const; // empty unless asked for

    // Runs one batch on the calling thread. Throws CalibError when the batch does not fit
    // the model (naming both shapes).
    BatchOutput forward(const float* data, const std::vector<int64_t>& shape, TapHandler& handler,
                        TapMode mode);

    // Conv/linear weights, BN-folded when `foldBatchNorm` and the graph has conv→bn; the
    // replaced parameters where the constructor was given some (and `foldBatchNorm` is the
    // graph's deployment mode, in which they are meant).
    std::vector<WeightTensor> weights(bool foldBatchNorm) const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace cs
