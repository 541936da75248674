// AdaRound for one conv/linear layer (core/repair/adaround.h), with LibTorch autograd.
#include "core/repair/adaround.h"

#include "core/errors.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>

namespace cs {
namespace {

constexpr double kZeta = 1.1;
constexpr double kGamma = -0.1;

at::Tensor tensorOf(const std::vector<float>& values, const std::vector<int64_t>& shape)
{
    return torch::from_blob(const_cast<float*>(values.data()), shape, torch::kFloat32).clone();
}

int64_t numelOf(const std::vector<int64_t>& shape)
{
    return std::accumulate(shape.begin(), shape.end(), int64_t(1), std::multiplies<int64_t>());
}

// The layer's grid broadcast against its weight: scale and zero point per output channel (or
// along chAxis), or one of each.
struct Grid {
    at::Tensor scale;
    at::Tensor zeroPoint;
    double qmin = 0;
    double qmax = 0;
};

Grid gridOf(const AdaRoundLayerInput& in)
{
    const FakeQuantParams& q = in.weightParams;
    if (q.scale.empty() || q.scale.size() != q.zeroPoint.size())
        throw CalibError(in.name, "AdaRound needs the weight's scale and zero point");
    Grid g;
    g.qmin = double(q.quantMin);
    g.qmax = double(q.quantMax);
    std::vector<float> zp(q.zeroPoint.begin(), q.zeroPoint.end());
    std::vector<int64_t> shape(in.weightShape.size(), 1);
    if (q.scale.size() > 1) {
        const int axis = q.chAxis < 0 ? 0 : q.chAxis;
        if (axis >= int(in.weightShape.size()) || in.weightShape[size_t(axis)] != int64_t(q.scale.size()))
            throw CalibError(in.name, "the weight's per-channel scales do not match its shape");
        shape[size_t(axis)] = int64_t(q.scale.size());
    }
    g.scale = tensorOf(q.scale, shape);
    g.zeroPoint = tensorOf(zp, shape);
    for (float s : q.scale)
        if (!(s > 0) || !std::isfinite(s))
            throw CalibError(in.name, "AdaRound needs positive, finite weight scales");
    return g;
}

// On the grid: s·(clamp(floor(W/s) + h + z, qmin, qmax) − z).
at::Tensor onGrid(const at::Tensor& floored, const at::Tensor& h, const Grid& g)
{
    return g.scale * (torch::clamp(floored + h + g.zeroPoint, g.qmin, g.qmax) - g.zeroPoint);
}

at::Tensor rectifiedSigmoid(const at::Tensor& alpha)
{
    return torch::clamp(torch::sigmoid(alpha) * (kZeta - kGamma) + kGamma, 0.0, 1.0);
}

class Layer {
public:
    explicit Layer(const AdaRoundLayerInput& in) : m_geometry(in.geometry)
    {
        if (!in.bias.empty())
            m_bias = tensorOf(in.bias, {int64_t(in.bias.size())});
    }

    at::Tensor operator()(const at::Tensor& x, const at::Tensor& w) const
    {
        at::Tensor y;
        if (m_geometry.linear) {
            y = torch::linear(x, w, m_bias);
        } else if (w.dim() == 3) {
            y = torch::conv1d(x, w, m_bias, m_geometry.stride, m_geometry.padding, m_geometry.dilation, m_geometry.groups);
        } else if (w.dim() == 4) {
            y = torch::conv2d(x, w, m_bias, m_geometry.stride, m_geometry.padding, m_geometry.dilation, m_geometry.groups);
        } else {
            y = torch::conv3d(x, w, m_bias, m_geometry.stride, m_geometry.padding, m_geometry.dilation, m_geometry.groups);
        }
        return m_geometry.relu ? torch::relu(y) : y;
    }

    // The channel dimension of the output, over which the squared error is summed.
    int64_t channelDim(const at::Tensor& y) const { return m_geometry.linear ? y.dim() - 1 : 1; }

private:
    LayerGeometry m_geometry;
    at::Tensor m_bias;
};

double meanSquaredError(const at::Tensor& a, const at::Tensor& b)
{
    return (a - b).pow(2).mean().item<double>();
}

} // namespace

AdaRoundLayerResult adaroundLayer(const AdaRoundLayerInput& in, const AdaRoundConfig& config,
                                  const ProgressCallback& progress)
{
    const auto started = std::chrono::steady_clock::now();
    // The caller may run under inference mode; autograd needs tensors made outside it.
    c10::InferenceMode noInference(false);
    torch::AutoGradMode gradients(true);

    if (in.weightShape.size() < 2 || numelOf(in.weightShape) != int64_t(in.weight.size()))
        throw CalibError(in.name, "the weight's values do not match its shape");
    if (in.inputShape.size() < 2 || in.inputShape[0] < 1 || numelOf(in.inputShape) != int64_t(in.floatInputs.size()))
        throw CalibError(in.name, "the cached inputs do not match their shape");
    if (!in.quantInputs.empty() && in.quantInputs.size() != in.floatInputs.size())
        throw CalibError(in.name, "the quantized model's inputs differ in size from the float model's");
    if (!in.geometry.linear && in.weightShape.size() > 5)
        throw CalibError(in.name, "AdaRound takes conv1d/2d/3d and linear layers");
    if (config.iterations < 1 || config.batchSize < 1)
        throw CalibError(in.name, "AdaRound needs at least one iteration and a batch of at least one");

    const Grid grid = gridOf(in);
    const at::Tensor weight = tensorOf(in.weight, in.weightShape);
    const at::Tensor xFloat = tensorOf(in.floatInputs, in.inputShape);
    const at::Tensor xQuant = in.quantInputs.empty() ? xFloat : tensorOf(in.quantInputs, in.inputShape);
    const Layer layer(in);

    at::Tensor target, floored, nearest, alpha;
    {
        torch::NoGradGuard noGrad;
        try {
            target = layer(xFloat, weight);
        } catch (const c10::Error& e) {
            throw CalibError(in.name, "the cached inputs do not fit the layer (" + firstLine(e.what()) + ")");
        }
        if (!torch::isfinite(target).all().item<bool>() || !torch::isfinite(weight).all().item<bool>())
            throw CalibError(in.name, "NaN/Inf in the layer's weight or float output");
        const at::Tensor scaled = weight / grid.scale;
        floored = torch::floor(scaled);
        // Nearest rounding exactly as the quantized model does it.
        const FakeQuantParams& q = in.weightParams;
        if (q.scale.size() > 1)
            nearest = at::fake_quantize_per_channel_affine(weight, torch::tensor(q.scale, torch::kFloat32),
                                                           torch::tensor(q.zeroPoint, torch::kInt32),
                                                           q.chAxis < 0 ? 0 : q.chAxis, q.quantMin, q.quantMax);
        else
            nearest = at::fake_quantize_per_tensor_affine(weight, q.scale[0], q.zeroPoint[0], q.quantMin, q.quantMax);
        // α so that h(α) starts at the fractional part: the soft weight starts at W itself.
        const at::Tensor rest = torch::clamp(scaled - floored, 0.01, 0.99);
        alpha = -torch::log((kZeta - kGamma) / (rest - kGamma) - 1.0);
    }
    alpha.set_requires_grad(true);

    torch::optim::Adam adam({alpha}, torch::optim::AdamOptions(config.learningRate));
    std::mt19937_64 rng(config.seed);
    const int64_t n = in.inputShape[0];
    const int64_t batch = std::min<int64_t>(config.batchSize, n);
    std::vector<int64_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), int64_t(0));
    const double warmEnd = config.warmStart * config.iterations;

    for (int it = 0; it < config.iterations; ++it) {
        // A batch without repeats: a partial Fisher-Yates shuffle of the cache's indices.
        std::vector<int64_t> picked;
        for (int64_t k = 0; k < batch; ++k) {
            std::uniform_int_distribution<int64_t> pick(k, n - 1);
            std::swap(order[size_t(k)], order[size_t(pick(rng))]);
        }
        picked.assign(order.begin(), order.begin() + batch);
        const at::Tensor index = torch::tensor(picked, torch::kInt64);
        const at::Tensor xq = xQuant.index_select(0, index);
        const at::Tensor yf = target.index_select(0, index);

        adam.zero_grad();
        const at::Tensor h = rectifiedSigmoid(alpha);
        const at::Tensor y = layer(xq, onGrid(floored, h, grid));
        at::Tensor loss = (y - yf).pow(2).sum(layer.channelDim(y)).mean();
        if (it >= warmEnd) {
            const double rel = (it - warmEnd) / std::max(1.0, config.iterations - warmEnd);
            const double beta = config.betaEnd + 0.5 * (config.betaStart - config.betaEnd) * (1 + std::cos(rel * M_PI));
            loss = loss + config.regularization * (1 - (2 * h - 1).abs().pow(beta)).sum();
        }
        if (!std::isfinite(loss.item<double>()))
            throw CalibError(in.name, "NaN/Inf in AdaRound's loss at iteration " + std::to_string(it));
        loss.backward();
        adam.step();

        if (progress && (it % 50 == 49 || it + 1 == config.iterations)
            && !progress(ProgressInfo{"AdaRound " + in.name, it + 1, config.iterations, 0.0, {}}))
            throw JobCancelled();
    }

    AdaRoundLayerResult result;
    result.iterations = config.iterations;
    {
        torch::NoGradGuard noGrad;
        const at::Tensor hard = (alpha >= 0).to(torch::kFloat32);
        const at::Tensor learnt = onGrid(floored, hard, grid);
        result.nearestError = meanSquaredError(layer(xQuant, nearest), target);
        result.adaroundError = meanSquaredError(layer(xQuant, learnt), target);
        result.flipped = (learnt != nearest).sum().item<int64_t>();
        result.keptNearest = !(result.adaroundError <= result.nearestError);
        const at::Tensor chosen = (result.keptNearest ? nearest : learnt).contiguous();
        result.weight.assign(chosen.data_ptr<float>(), chosen.data_ptr<float>() + chosen.numel());
    }
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    result.iterationsPerSecond = result.seconds > 0 ? config.iterations / result.seconds : 0;
    return result;
}

} // namespace cs
