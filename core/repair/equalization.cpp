// Cross-layer equalization (Nagel et al. 2019, "Data-Free Quantization"; AIMET's
// cross_layer_equalization) and high-bias absorption, on BN-folded conv/linear weights.
// A positive per-channel scale passes unchanged through ReLU and max pooling, so dividing
// the first layer's output channel by s and multiplying the next layer's input channel by s
// keeps the float function while making the two layers' per-channel ranges equal.
#include "core/repair/repair.h"

#include "core/errors.h"
#include "core/model/graph_rewrite_p.h"
#include "core/repair/repair_p.h"

#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>

namespace cs {

namespace {

struct Layer {
    size_t op = 0;
    at::Tensor weight; // folded, float
    at::Tensor bias;
    at::Tensor outScale; // product of the scales its output was multiplied by
    bool depthwise = false;
    bool touched = false;
};

struct Link {
    size_t from = 0, to = 0; // op indices
    bool relu = false;       // a ReLU between them
};

bool isConvKind(const std::string& kind) { return kind.rfind("aten::conv", 0) == 0 || kind == "aten::_convolution"; }

// The op that reads only `a`'s output, through ReLU / max pooling at most: the second layer
// of an equalizable pair, or nothing.
std::optional<Link> nextLayer(const detail::ModelGraphImpl& model, size_t a, std::string& why)
{
    static const std::set<std::string> passing = {"aten::relu", "aten::relu_", "aten::max_pool1d",
                                                  "aten::max_pool2d", "aten::max_pool3d"};
    const torch::jit::Value* v = model.opValues[detail::layerOutputOp(model, a)];
    Link link{a, a, false};
    for (int hops = 0; hops < 8; ++hops) {
        if (v->uses().size() != 1) {
            why = v->uses().empty() ? "its output is the model's" : "its output has several readers";
            return std::nullopt;
        }
        const torch::jit::Node* user = v->uses()[0].user;
        const std::string kind = user->kind().toQualString();
        if (passing.count(kind) && v->uses()[0].offset == 0) {
            link.relu = link.relu || kind.rfind("aten::relu", 0) == 0;
            v = user->output(0);
            continue;
        }
        if ((isConvKind(kind) || kind == "aten::linear") && v->uses()[0].offset == 0) {
            for (size_t k = 0; k < model.opValues.size(); ++k)
                if (model.opValues[k] == user->output(0) && model.summary.ops[k].hasWeightPoint()) {
                    link.to = k;
                    return link;
                }
        }
        why = "it is followed by " + kind;
        return std::nullopt;
    }
    why = "too many ops before the next layer";
    return std::nullopt;
}

// Per-channel ranges: rows of the first layer, input channels of the next.
at::Tensor outputRanges(const Layer& l) { return l.weight.abs().reshape({l.weight.size(0), -1}).amax(1); }
at::Tensor inputRanges(const Layer& l)
{
    if (l.depthwise)
        return outputRanges(l);
    return l.weight.abs().transpose(0, 1).reshape({l.weight.size(1), -1}).amax(1);
}

std::vector<int64_t> channelShape(const at::Tensor& w, int64_t axis)
{
    std::vector<int64_t> shape(size_t(w.dim()), 1);
    shape[size_t(axis)] = w.size(axis);
    return shape;
}

// Output channel i of `l` multiplied by factor[i] (weight row and bias).
void scaleOutputs(Layer& l, const at::Tensor& factor)
{
    l.weight = l.weight * factor.reshape(channelShape(l.weight, 0));
    l.bias = l.bias * factor;
    l.outScale = l.outScale * factor;
    l.touched = true;
}

// Input channel i of `l` multiplied by factor[i].
void scaleInputs(Layer& l, const at::Tensor& factor)
{
    l.weight = l.depthwise ? l.weight * factor.reshape(channelShape(l.weight, 0))
                           : l.weight * factor.reshape(channelShape(l.weight, 1));
    l.touched = true;
}

at::Tensor safe(const at::Tensor& s) { return at::where(at::isfinite(s) & (s > 0), s, at::ones_like(s)); }

double spread(const at::Tensor& r)
{
    const double lo = r.min().item<double>(), hi = r.max().item<double>();
    return lo > 0 ? hi / lo : std::numeric_limits<double>::infinity();
}

} // namespace

RepairRecord equalizeLayers(const RepairContext& context, LayerParameterMap& parameters,
                            const EqualizationOptions& options)
{
    c10::InferenceMode inference;
    RepairRecord record;
    record.name = "equalization";
    record.params["absorb_high_bias"] = options.absorbHighBias ? "true" : "false";
    record.params["iterations"] = std::to_string(options.iterations);
    repair::LoadedModel loaded = repair::loadModel(context.config, false, context.progress);
    const detail::ModelGraphImpl& model = loaded.graph->impl();
    const auto& ops = model.summary.ops;
    const bool fold = model.mode == PointMode::Deployment;

    std::map<size_t, Layer> layers;
    for (size_t i = 0; i < ops.size(); ++i) {
        if (!ops[i].hasWeightPoint())
            continue;
        auto p = parameters.find(ops[i].name);
        const detail::FoldedWeight f = detail::effectiveWeight(model, i, fold, p == parameters.end() ? nullptr : &p->second);
        Layer l;
        l.op = i;
        l.weight = f.weight.clone();
        l.bias = f.bias.defined() ? f.bias.clone() : at::zeros({f.weight.size(0)});
        l.outScale = at::ones({f.weight.size(0)});
        const int64_t groups = repair::convGroups(*loaded.graph, i);
        l.depthwise = groups > 1 && groups == f.weight.size(0) && f.weight.dim() > 2 && f.weight.size(1) == 1;
        layers[i] = l;
    }
    if (layers.empty()) {
        record.notes.push_back("no conv/linear op: nothing to equalize");
        return record;
    }

    // Equalizable pairs: the next layer reads this one's channels one to one.
    std::vector<Link> links;
    for (auto& [i, l] : layers) {
        std::string why;
        const auto link = nextLayer(model, i, why);
        if (!link)
            continue;
        Layer& next = layers.at(link->to);
        const int64_t channels = l.weight.size(0);
        const int64_t groups = repair::convGroups(*loaded.graph, link->to);
        const bool linearPair = (ops[i].kind == "aten::linear") == (ops[link->to].kind == "aten::linear");
        const bool fits = next.depthwise ? next.weight.size(0) == channels
                                         : groups == 1 && next.weight.dim() >= 2 && next.weight.size(1) == channels;
        if (!linearPair || !fits) {
            record.notes.push_back(ops[i].name + " -> " + ops[link->to].name + ": channels do not map one to one; skipped");
            continue;
        }
        links.push_back(*link);
    }
    // Sets: a depthwise layer between two others makes a three-layer set (cube roots).
    struct Set {
        std::vector<size_t> ops;
    };
    std::vector<Set> sets;
    std::set<size_t> usedAsStart;
    for (size_t k = 0; k < links.size(); ++k) {
        if (usedAsStart.count(links[k].from))
            continue;
        Set s{{links[k].from, links[k].to}};
        if (layers.at(links[k].to).depthwise)
            for (const Link& after : links)
                if (after.from == links[k].to) {
                    s.ops.push_back(after.to);
                    usedAsStart.insert(after.from);
                }
        sets.push_back(s);
    }
    if (sets.empty()) {
        record.notes.push_back("no equalizable chain (conv -> [relu] -> conv, conv -> depthwise -> conv)");
        return record;
    }
    std::vector<double> before;
    for (const Set& s : sets)
        before.push_back(spread(outputRanges(layers.at(s.ops[0]))));

    for (int it = 0; it < std::max(1, options.iterations); ++it) {
        repair::report(context.progress, "equalization", it, options.iterations);
        double moved = 0;
        for (const Set& s : sets) {
            if (s.ops.size() == 2) {
                Layer& a = layers.at(s.ops[0]);
                Layer& b = layers.at(s.ops[1]);
                const at::Tensor r1 = outputRanges(a), r2 = inputRanges(b);
                const at::Tensor scale = safe(r1 / (r1 * r2).sqrt()); // s_i: divides a, multiplies b
                scaleOutputs(a, 1.0 / scale);
                scaleInputs(b, scale);
                moved = std::max(moved, scale.log().abs().max().item<double>());
            } else {
                Layer& a = layers.at(s.ops[0]);
                Layer& d = layers.at(s.ops[1]);
                Layer& c = layers.at(s.ops[2]);
                const at::Tensor r1 = outputRanges(a), r2 = outputRanges(d), r3 = inputRanges(c);
                const at::Tensor cube = (r1 * r2 * r3).pow(1.0 / 3.0);
                const at::Tensor s12 = safe(r1 / cube), s23 = safe(cube / r3);
                scaleOutputs(a, 1.0 / s12);
                scaleInputs(d, s12);
                scaleOutputs(d, 1.0 / s23);
                scaleInputs(c, s23);
                moved = std::max(moved, std::max(s12.log().abs().max().item<double>(), s23.log().abs().max().item<double>()));
            }
        }
        if (moved < 1e-6)
            break;
    }
    for (size_t k = 0; k < sets.size(); ++k) {
        std::string chain;
        for (size_t op : sets[k].ops)
            chain += (chain.empty() ? "" : " -> ") + ops[op].name;
        record.notes.push_back(chain + ": channel range spread " + repair::formatNumber(before[k]) + " -> "
                               + repair::formatNumber(spread(outputRanges(layers.at(sets[k].ops[0])))));
    }

    if (options.absorbHighBias) {
        for (const Link& link : links) {
            Layer& a = layers.at(link.from);
            Layer& b = layers.at(link.to);
            const std::string pair = ops[link.from].name + " -> " + ops[link.to].name;
            if (!link.relu) {
                record.notes.push_back(pair + ": no ReLU between them: high-bias absorption skipped");
                continue;
            }
            const detail::FoldedWeight original = detail::foldedWeight(model, link.from, fold);
            if (!original.batchNorm) {
                record.notes.push_back(pair + ": no batch norm folded into " + ops[link.from].name
                                       + ": its output distribution is unknown, high-bias absorption skipped");
                continue;
            }
            auto constant = [&](size_t k, double fallback) {
                const auto v = torch::jit::toIValue(original.batchNorm->input(k));
                return v && v->isTensor() ? v->toTensor().to(at::kFloat) : at::full({a.weight.size(0)}, fallback);
            };
            const at::Tensor gamma = constant(1, 1.0), beta = constant(2, 0.0);
            // The batch norm says the output is about N(beta, gamma^2) per channel; the repairs
            // so far scaled it by outScale and moved its bias.
            const at::Tensor mean = a.bias - (original.bias - beta) * a.outScale;
            const at::Tensor stddev = gamma.abs() * a.outScale;
            const at::Tensor c = at::clamp_min(mean - 3.0 * stddev, 0.0);
            if (c.max().item<double>() <= 0) {
                record.notes.push_back(pair + ": no channel has a bias above 3 standard deviations");
                continue;
            }
            a.bias = a.bias - c;
            at::Tensor added;
            if (b.depthwise)
                added = b.weight.reshape({b.weight.size(0), -1}).sum(1) * c;
            else
                added = at::mv(b.weight.reshape({b.weight.size(0), b.weight.size(1), -1}).sum(2), c);
            b.bias = b.bias + added;
            a.touched = b.touched = true;
            record.notes.push_back(pair + ": absorbed " + std::to_string((c > 0).sum().item<int64_t>())
                                   + " channels' high bias (largest " + repair::formatNumber(c.max().item<double>()) + ")");
        }
    }

    LayerParameterMap working = parameters;
    for (auto& [i, l] : layers) {
        if (!l.touched)
            continue;
        LayerParameters& p = working[ops[i].name];
        const at::Tensor w = l.weight.contiguous(), b = l.bias.contiguous();
        p.weightShape = w.sizes().vec();
        p.weight.assign(w.data_ptr<float>(), w.data_ptr<float>() + w.numel());
        p.bias.assign(b.data_ptr<float>(), b.data_ptr<float>() + b.numel());
        repair::checkFinite("equalization", ops[i].name, p.weight);
        repair::checkFinite("equalization", ops[i].name, p.bias);
    }
    parameters = std::move(working);
    return record;
}

} // namespace cs
