#include "core/exchange/checkpoint.h"

#include "core/errors.h"
#include "core/exchange/export_points_p.h"
#include "core/observers/observer_registry.h"
#include "core/observers/quant_math.h"

#include <cmath>
#include <set>
#include <stdexcept>

namespace cs {
namespace {

// PyTorch's observers compute qparams without Horizon's power-of-two rounding.
obs::QuantSpec pytorchSpec(obs::QuantSpec spec)
{
    spec.powerOfTwo = false;
    return spec;
}

bool givesBack(float min, float max, float scale, int64_t zeroPoint, const obs::QuantSpec& spec)
{
    float s = 0;
    int64_t z = 0;
    obs::calculateQParams(min, max, spec, s, z);
    return s == scale && z == zeroPoint;
}

obs::ObserverResult survivingResult(obs::ObserverResult r, const obs::QuantSpec& spec)
{
    const obs::QuantSpec plain = pytorchSpec(spec);
    r.min.resize(r.scale.size());
    r.max.resize(r.scale.size());
    for (size_t c = 0; c < r.scale.size(); ++c) {
        const int64_t z = c < r.zeroPoint.size() ? r.zeroPoint[c] : 0;
        if (!survivingRange(r.scale[c], z, plain, r.min[c], r.max[c])) {
            // No float32 range gives this scale back (a custom scale below eps, say): keep
            // the observed range, the nearest PyTorch can start from.
            r.min.clear();
            r.max.clear();
            return r;
        }
    }
    return r;
}

void addPoint(std::vector<CheckpointTensor>& out, const std::string& prefix, const obs::ObserverResult& observed,
              const obs::QuantSpec& spec)
{
    const bool perChannel = spec.perChannel();
    obs::ObserverResult r = survivingResult(observed, spec);
    if (r.min.empty()) {
        r.min = observed.min;
        r.max = observed.max;
    }
    const std::vector<int64_t> channelShape{static_cast<int64_t>(r.scale.size())};
    CheckpointTensor scale{prefix + ".scale", channelShape, r.scale, {}, false};
    CheckpointTensor zeroPoint{prefix + ".zero_point", channelShape, {}, {}, true};
    for (const int64_t z : r.zeroPoint)
        zeroPoint.ints.push_back(static_cast<int32_t>(z));
    out.push_back(std::move(scale));
    out.push_back(std::move(zeroPoint));
    if (r.min.empty() || r.min.size() != r.max.size())
        return;
    // Like PyTorch's observers: per-tensor min/max are 0-d, per-channel ones one per channel.
    const std::vector<int64_t> rangeShape =
        perChannel ? std::vector<int64_t>{static_cast<int64_t>(r.min.size())} : std::vector<int64_t>{};
    out.push_back({prefix + ".activation_post_process.min_val", rangeShape, r.min, {}, false});
    out.push_back({prefix + ".activation_post_process.max_val", rangeShape, r.max, {}, false});
    if (perChannel) {
        // A plain dict has no state-dict version metadata, so PyTorch's per-channel observers
        // take the legacy path: they size their (empty) buffers from "min_vals"/"max_vals"
        // and then copy "min_val"/"max_val". Without these the load fails on the shapes.
        out.push_back({prefix + ".activation_post_process.min_vals", rangeShape, r.min, {}, false});
        out.push_back({prefix + ".activation_post_process.max_vals", rangeShape, r.max, {}, false});
    }
}

} // namespace

// with_bn quantizes the conv's own weight. A repaired op's is at hand and the observer sees it
// whole. Otherwise the session keeps its per-channel range, which is all that a min/max
// observer reads: each channel's min and max as a [C, 2] tensor observe exactly like the
// whole weight.
obs::ObserverResult unfoldedWeightResult(const WeightCalibration& w, const UnfoldedRepair* repaired)
{
    static const std::set<std::string> rangeOnly{"min_max", "running_min_max"};
    if (!repaired && !rangeOnly.count(w.config.name))
        throw CalibError("weight of " + w.name,
                         "--qat-mode with_bn needs the weight's scales without the folded batch norm, which "
                         "calibscope computes for the min_max weight observer only (this one is "
                         + w.config.name + ")");
    const ChannelRanges& range = w.unfolded;
    if (!repaired && (range.min.empty() || range.min.size() != range.max.size()))
        throw CalibError("weight of " + w.name, "the session has no range of the unfolded weight; re-run calibrate");
    std::vector<float> values;
    std::vector<int64_t> shape;
    if (repaired) {
        values = repaired->weight;
        shape = repaired->weightShape;
    } else {
        for (size_t c = 0; c < range.min.size(); ++c) {
            values.push_back(range.min[c]);
            values.push_back(range.max[c]);
        }
        shape = {static_cast<int64_t>(range.min.size()), 2};
    }
    try {
        auto observer = obs::createObserver(w.config.name, w.config.params, w.config.spec);
        observer->observe(obs::TensorView(values.data(), shape));
        return observer->result();
    } catch (const std::invalid_argument& e) {
        throw CalibError("weight of " + w.name, e.what());
    }
}

const char* qatModeName(QatMode mode)
{
    switch (mode) {
    case QatMode::FuseBn: return "fuse_bn";
    case QatMode::WithBn: return "with_bn";
    case QatMode::WithBnReverseFold: return "with_bn_reverse_fold";
    }
    return "fuse_bn";
}

std::optional<QatMode> parseQatMode(const std::string& name)
{
    for (QatMode m : {QatMode::FuseBn, QatMode::WithBn, QatMode::WithBnReverseFold})
        if (name == qatModeName(m))
            return m;
    return std::nullopt;
}

bool qatModesDiffer(const CalibrationResult& result)
{
    for (const WeightCalibration& w : result.weights)
        if (!w.foldedBatchNorm.empty() && !w.config.keepFloat)
            return true;
    return false;
}

bool survivingRange(float scale, int64_t zeroPoint, const obs::QuantSpec& spec, float& min, float& max)
{
    if (!(scale > 0) || !std::isfinite(scale))
        return false;
    const obs::QuantRange range = obs::quantRange(spec);
    const bool symmetric = spec.qscheme == obs::QScheme::PerTensorSymmetric
                           || spec.qscheme == obs::QScheme::PerChannelSymmetric;
    // The range the formula inverts to; float rounding may leave it an ulp or two off.
    float lo = 0, hi = 0;
    if (symmetric) {
        hi = static_cast<float>(static_cast<double>(scale) * (double(range.qmax) - double(range.qmin)) / 2.0);
        lo = -hi;
    } else {
        lo = static_cast<float>(double(range.qmin - zeroPoint) * double(scale));
        hi = static_cast<float>(double(range.qmax - zeroPoint) * double(scale));
        lo = std::min(lo, 0.0f);
        hi = std::max(hi, 0.0f);
    }
    // Nudge the end that sets the scale (hi; both for symmetric) by a few ulps either way.
    constexpr int kSteps = 8;
    for (int step = 0; step <= kSteps; ++step)
        for (int sign : {1, -1}) {
            float h = hi;
            for (int k = 0; k < step; ++k)
                h = std::nextafter(h, sign > 0 ? INFINITY : -INFINITY);
            const float l = symmetric ? -h : lo;
            if (givesBack(l, h, scale, zeroPoint, spec)) {
                min = l;
                max = h;
                return true;
            }
            if (!symmetric)
                for (int j = 1; j <= kSteps; ++j)
                    for (float dir : {INFINITY, -INFINITY}) {
                        float l2 = lo;
                        for (int k = 0; k < j; ++k)
                            l2 = std::nextafter(l2, dir);
                        if (l2 <= 0 && givesBack(l2, h, scale, zeroPoint, spec)) {
                            min = l2;
                            max = h;
                            return true;
                        }
                    }
        }
    return false;
}

std::vector<CheckpointTensor> checkpointTensors(const CalibrationResult& result, QatMode mode,
                                                const UnfoldedRepairMap& unfolded)
{
    const ExportPoints points(result);
    // with_bn: the point after conv->bn[->relu] belongs to the bn module, not the conv.
    std::map<std::string, std::string> bnOfConv;
    for (const WeightCalibration& w : result.weights)
        if (!w.foldedBatchNorm.empty())
            bnOfConv[w.name] = w.foldedBatchNorm;
    // with_bn: fuse_modules_qat([bn, relu]) makes the bn the first child of a BNReLU2d, so
    // its parameters are <bn>.0.* where the conv's point is a ReLU (conv and bn fused into it).
    std::set<std::string> reluPoints, reluAfter;
    for (const OpInfo& op : result.model.ops)
        if (op.kind == "aten::relu" || op.kind == "aten::relu_")
            reluPoints.insert(op.name);
    for (const OpInfo& op : result.model.ops)
        if (reluPoints.count(op.fusedInto))
            reluAfter.insert(op.name);
    std::vector<CheckpointTensor> out;
    for (const OpInfo& op : result.model.ops) {
        // A point without statistics (its branch never ran in calibration) stays in float.
        if (const PointCalibration* p = points.activation(op.name); p && !p->config.keepFloat && p->result.hasStatistics) {
            std::string owner = points.owningModule(p->name);
            if (mode == QatMode::WithBn && bnOfConv.count(owner))
                owner = bnOfConv[owner];
            addPoint(out, owner + ".activation_post_process", p->result, p->config.spec);
        }
        // The modes that keep the batch norm hold a repaired op unfolded.
        const WeightCalibration* w = points.weight(op.name);
        const auto repaired = result.config.parameters.find(op.name);
        const UnfoldedRepair* unfoldedRepair = nullptr;
        if (mode != QatMode::FuseBn && w && !w->foldedBatchNorm.empty() && repaired != result.config.parameters.end()) {
            const auto it = unfolded.find(op.name);
            if (it == unfolded.end())
                throw CalibError("checkpoint", "op " + op.name + " has repaired BN-folded parameters, which --qat-mode "
                                                   + qatModeName(mode) + " holds unfolded: that needs the model file");
            unfoldedRepair = &it->second;
        }
        if (w && !w->config.keepFloat) {
            const bool ownWeight = mode == QatMode::WithBn && !w->foldedBatchNorm.empty();
            addPoint(out, w->name + ".weight_fake_quant", ownWeight ? unfoldedWeightResult(*w, unfoldedRepair) : w->result,
                     w->config.spec);
        }
        if (repaired == result.config.parameters.end())
            continue;
        if (unfoldedRepair) {
            const std::string bn = mode == QatMode::WithBnReverseFold ? op.name + ".bn"
                                   : reluAfter.count(op.name)         ? w->foldedBatchNorm + ".0"
                                                                      : w->foldedBatchNorm;
            const std::vector<int64_t> channels{int64_t(unfoldedRepair->gamma.size())};
            out.push_back({op.name + ".weight", unfoldedRepair->weightShape, unfoldedRepair->weight, {}, false});
            out.push_back({bn + ".weight", channels, unfoldedRepair->gamma, {}, false});
            out.push_back({bn + ".bias", channels, unfoldedRepair->beta, {}, false});
            continue;
        }
        // fuse_bn (or no batch norm): the repaired values replace the fused module's own.
        if (!repaired->second.weight.empty())
            out.push_back({op.name + ".weight", repaired->second.weightShape, repaired->second.weight, {}, false});
        if (!repaired->second.bias.empty())
            out.push_back({op.name + ".bias", {int64_t(repaired->second.bias.size())}, repaired->second.bias, {}, false});
    }
    return out;
}

} // namespace cs
