#pragma once
// The model as the backend will run it: BN folded into conv weights (deployment mode),
// weights and activations fake-quantized per a QuantPlan. Runs in calibscope and saves as
// a TorchScript file that plain PyTorch runs.
#include "core/model/instrumented_model.h"
#include "core/model/model_graph.h"
#include "core/quant_plan.h"

#include <memory>
#include <string>

namespace cs {

// Where a conv's fused batch norm goes (plans with foldBatchNorm only). Each layout computes
// what an eager QAT model of that HAT qat_mode computes in eval, in PyTorch's own order of
// float operations, so that the QAT model starts from this model's outputs to the bit.
enum class BatchNormLayout {
    Folded,        // fuse_bn: BN folded into the weight and bias, fake-quantized weight W*k
    AfterConv,     // with_bn: conv with fake-quantized W and its own bias, then the BN
    ReverseFolded, // with_bn_reverse_fold (PyTorch's ConvBn*): conv(x, fq(W*k), 0) / k + b, then the BN
};

class QuantizedModel {
public:
    // Throws CalibError when the plan names ops the graph does not have.
    // With `tapLayerOutputs` the handler also sees each conv/linear op's output before its
    // activation and fake quantization (point points().size() + k for layerOutputs()[k]).
    // A plan's weight parameters for a conv with a batch norm are those of the weight the
    // layout fake-quantizes (AfterConv: the unfolded weight's). Repaired parameters of such a
    // conv are BN-folded values; the other layouts run them unfolded into the conv's weight and
    // the batch norm's gamma and beta (folding those gives the repaired values back).
    // A `switchable` model (Folded layout only) quantizes any subset of the plan's points
    // without a rebuild: select() picks the subset for the following forwards (the whole
    // plan until then). It exists for running many subsets of one plan (sensitivity) and
    // cannot be saved.
    QuantizedModel(const ModelGraph& graph, const QuantPlan& plan, bool tapLayerOutputs = false,
                   BatchNormLayout layout = BatchNormLayout::Folded, bool switchable = false);
    ~QuantizedModel();
    QuantizedModel(const QuantizedModel&) = delete;
    QuantizedModel& operator=(const QuantizedModel&) = delete;

    // One batch; when `handler` is given it observes every point's value after its fake
    // quantization (point indices as in InstrumentedModel::points()).
    BatchOutput forward(const float* data, const std::vector<int64_t>& shape, TapHandler* handler = nullptr);

    // Switchable models: the following forwards compute exactly what a model built for
    // `subset` computes. `subset` is the plan with some activations and weights left out
    // (the same grids, BN folding and repaired parameters). Throws CalibError when it names
    // a point the plan does not quantize, or when the model is not switchable.
    void select(const QuantPlan& subset);

    const std::vector<TapPoint>& points() const;
    const std::vector<TapPoint>& layerOutputs() const;

    // A self-contained TorchScript module: fake_quantize_per_tensor_affine after every
    // quantized point, fake-quantized (BN-folded) weights as constants. Written atomically.
    // Throws CalibError for a switchable model.
    void save(const std::string& path) const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace cs
