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

class QuantizedModel {
public:
    // Throws CalibError when the plan names ops the graph does not have.
    // With `tapLayerOutputs` the handler also sees each conv/linear op's output before its
    // activation and fake quantization (point points().size() + k for layerOutputs()[k]).
    QuantizedModel(const ModelGraph& graph, const QuantPlan& plan, bool tapLayerOutputs = false);
    ~QuantizedModel();
    QuantizedModel(const QuantizedModel&) = delete;
    QuantizedModel& operator=(const QuantizedModel&) = delete;

    // One batch; when `handler` is given it observes every point's value after its fake
    // quantization (point indices as in InstrumentedModel::points()).
    BatchOutput forward(const float* data, const std::vector<int64_t>& shape, TapHandler* handler = nullptr);

    const std::vector<TapPoint>& points() const;
    const std::vector<TapPoint>& layerOutputs() const;

    // A self-contained TorchScript module: fake_quantize_per_tensor_affine after every
    // quantized point, fake-quantized (BN-folded) weights as constants. Written atomically.
    void save(const std::string& path) const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace cs
