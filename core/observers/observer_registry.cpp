#include "core/observers/observer_registry.h"

#include "core/observers/observer_factories_p.h"
#include "core/observers/quant_math.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace cs::obs {

namespace {

using Factory = std::unique_ptr<Observer> (*)(const ParamMap&, const QuantSpec&);

struct Entry {
    ObserverInfo info;
    Factory make;
};

constexpr double kBig = 1e30;
constexpr double kMaxBins = 1 << 16;    // retained per batch (percentile) or grown 16x
constexpr double kMaxIndex = 1 << 22;   // bin indices of a grown histogram

ParamSpec real(const char* name, double def, double lo, double hi, const char* help, bool retunable) {
    return ParamSpec{name, ParamSpec::Double, def, lo, hi, help, retunable};
}
ParamSpec integer(const char* name, double def, double lo, double hi, const char* help, bool retunable) {
    return ParamSpec{name, ParamSpec::Int, def, lo, hi, help, retunable};
}
ParamSpec boolean(const char* name, bool def, const char* help, bool retunable) {
    return ParamSpec{name, ParamSpec::Bool, def ? 1.0 : 0.0, 0.0, 1.0, help, retunable};
}
// The candidate scan of the KL and histogram searches: from start_bin in steps of stride.
ParamSpec startBin(double lo, const char* help) { return integer("start_bin", 128, lo, kMaxIndex, help, true); }
ParamSpec stride(const char* help) { return integer("stride", 1, 1, kMaxIndex, help, true); }
ParamSpec averaging(double def) {
    return real("averaging_constant", def, 0.0, 1.0,
                "EMA weight of each new batch (v += c*(batch - v)); the first batch is copied", true);
}

const std::vector<Entry>& entries() {
    static const std::vector<Entry> table = [] {
        std::vector<Entry> t;
        t.push_back({{"min_max", "horizon",
                      "Moving-average min/max (Horizon MinMaxObserver = PyTorch MovingAverage(PerChannel)MinMaxObserver)",
                      {averaging(0.01)}, true},
                     &detail::makeMinMax});
        t.push_back({{"percentile", "horizon",
                      "Horizon PercentileObserver: per-batch |x| histogram, clip at the percentile's bin centre, EMA",
                      {real("percentile", 99.99, 0.0, 100.0, "percent of |x| kept inside the clip", true),
                       integer("bins", 2048, 1, kMaxBins, "bins of the per-batch |x| histogram", false),
                       averaging(0.01)},
                      false},
                     &detail::makePercentile});
        t.push_back({{"mse", "horizon",
                      "Horizon MSEObserver: per batch, shrink (min,max) by 1-0.01k (k<95) to minimise ||fq(x)-x||, EMA",
                      {integer("stride", 1, 1, 94, "step of k between candidates", false), averaging(0.01)}, true},
                     &detail::makeMse});
        t.push_back({{"kl", "horizon",
                      "Horizon KLObserver: growing |x| histogram, smoothed KL threshold every update_interval batches, EMA",
                      {integer("bins", 512, 256, kMaxBins, "initial bins of the |x| histogram", false),
                       integer("update_interval", 1, 1, 1e9, "batches per KL search; leftover batches are dropped", false),
                       startBin(1, "smallest candidate threshold bin"),
                       stride("step between candidate threshold bins"), averaging(0.01)},
                      false},
                     &detail::makeKl});
        t.push_back({{"mix", "horizon",
                      "Horizon MixObserver: per batch, the best of nine percentile clips (99.9 .. 99.9999) by ||fq(x)-x||, EMA",
                      {integer("bins", 2048, 1, kMaxBins, "bins of the per-batch |x| histogram", false), averaging(0.01)},
                      false},
                     &detail::makeMix});
        t.push_back({{"clip", "horizon", "Horizon ClipObserver: EMA of min/max, clamped to [xmin, xmax]",
                      {real("xmin", -1.0, -kBig, kBig, "lower clamp of the running min", true),
                       real("xmax", 1.0, -kBig, kBig, "upper clamp of the running max", true), averaging(1.0)},
                      true},
                     &detail::makeClip});
        t.push_back({{"clip_std", "horizon", "Horizon ClipStdObserver: per batch, clip to mean +- k*std (unbiased), EMA",
                      {real("std_scale", 3.0, 0.0, 1e6, "k, the number of standard deviations kept", true),
                       averaging(0.01)},
                      false},
                     &detail::makeClipStd});
        t.push_back({{"fixed_scale", "horizon", "Horizon FixedScaleObserver: a given scale and zero point, no statistics",
                      {real("scale", 1.0, 1e-30, kBig, "the scale", true),
                       integer("zero_point", 0, -32768, 65535, "the zero point (inside the dtype's range)", true)},
                      true, true},
                     &detail::makeFixedScale});
        t.push_back({{"running_min_max", "pytorch", "PyTorch (PerChannel)MinMaxObserver: global min/max over all batches",
                      {}, true},
                     &detail::makeRunningMinMax});
        t.push_back({{"torch_histogram", "pytorch",
                      "PyTorch HistogramObserver (int() truncation bug #83672 removed): running histogram, greedy L2 search",
                      {integer("bins", 2048, 1, kMaxBins, "histogram bins", false),
                       integer("upsample_rate", 128, 1, 4096, "upsampling when the range widens", false)},
                      false},
                     &detail::makeTorchHistogram});
        const ParamSpec numBins = integer("num_bins", 2048, 1, kMaxBins, "initial bins of the |x| histogram (it grows with the range)", false);
        const ParamSpec skipZeros = boolean("skip_zeros", false, "leave exact zeros out of the histogram", false);
        t.push_back({{"hist_percentile", "nvidia",
                      "NVIDIA HistogramCalibrator, method percentile: amax = left edge of the percentile's bin",
                      {numBins, real("percentile", 99.99, 0.0, 100.0, "percent of |x| below amax", true), skipZeros},
                      false},
                     &detail::makeHistPercentile});
        const auto histSearch = [&](const char* name, const char* description, double startMin,
                                    const char* startHelp, const char* strideHelp, Factory make) {
            t.push_back({{name, "nvidia", description,
                          {numBins, startBin(startMin, startHelp), stride(strideHelp), skipZeros}, false},
                         make});
        };
        histSearch("hist_entropy", "NVIDIA HistogramCalibrator, method entropy: last threshold minimising KL(P||Q)", 1,
                   "smallest candidate threshold bin", "step between candidate threshold bins", &detail::makeHistEntropy);
        histSearch("hist_mse", "NVIDIA HistogramCalibrator, method mse: bin centre minimising the histogram-weighted MSE",
                   0, "smallest candidate bin", "step between candidate bins", &detail::makeHistMse);
        t.push_back({{"pact2", "ti",
                      "TI PACT2: per-batch 256-level histogram range shrink, running mean of the clips, power-of-two range",
                      {real("range_shrink_activations", 0.01, 0.0, 50.0, "percent clipped at each end of every batch", true),
                       boolean("power2_activation_range", true, "round the clip range up to a power of two", true)},
                      false},
                     &detail::makePact2});
        t.push_back({{"user_range", "calibscope",
                      "A custom clip range set by the user (a dragged histogram handle): the point's grid over "
                      "[xmin, xmax], no statistics",
                      {real("xmin", -1.0, -kBig, kBig, "low end of the range", true),
                       real("xmax", 1.0, -kBig, kBig, "high end of the range", true)},
                      true, true},
                     &detail::makeUserRange});
        t.push_back({{"weight_mse", "calibscope",
                      "MSE-chosen weight range: per channel (or tensor), of 100 clips from max|W| down to half of it, "
                      "the one minimising sum (W - fq(W))^2 on the point's own grid (never above min_max's error)",
                      {averaging(0.01)}, true},
                     &detail::makeWeightMse});
        return t;
    }();
    return table;
}

const Entry* findEntry(const std::string& name) {
    for (const Entry& e : entries())
        if (e.info.name == name) return &e;
    return nullptr;
}

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

std::string num(double v) {
    std::ostringstream os;
    os << v;
    return os.str();
}

}  // namespace

const ParamSpec* ObserverInfo::param(const std::string& key) const {
    for (const ParamSpec& p : params)
        if (p.name == key) return &p;
    return nullptr;
}

const std::vector<ObserverInfo>& observerRegistry() {
    static const std::vector<ObserverInfo> infos = [] {
        std::vector<ObserverInfo> v;
        for (const Entry& e : entries()) v.push_back(e.info);
        return v;
    }();
    return infos;
}

bool rangeSetByUser(const std::string& name) { return name == "clip" || name == "fixed_scale" || name == "user_range"; }

bool needsNoStatistics(const std::string& name) {
    const ObserverInfo* info = findObserver(name);
    return info && info->needsNoStatistics;
}

const ObserverInfo* findObserver(const std::string& name) {
    for (const ObserverInfo& i : observerRegistry())
        if (i.name == name) return &i;
    return nullptr;
}

std::vector<std::string> observerNames() {
    std::vector<std::string> v;
    for (const ObserverInfo& i : observerRegistry()) v.push_back(i.name);
    return v;
}

ParamMap withDefaults(const ObserverInfo& info, const ParamMap& params) {
    ParamMap out = params;
    for (const ParamSpec& p : info.params) out.emplace(p.name, p.defaultValue);
    return out;
}

std::string validateParams(const std::string& name, const ParamMap& params, const QuantSpec& spec) {
    const ObserverInfo* info = findObserver(name);
    if (!info) return "unknown observer '" + name + "'; valid observers: " + join(observerNames());
    for (const auto& [key, value] : params) {
        const ParamSpec* p = info->param(key);
        if (!p) {
            std::vector<std::string> valid;
            for (const ParamSpec& q : info->params) valid.push_back(q.name);
            return "observer '" + name + "' has no parameter '" + key + "'; valid parameters: " +
                   (valid.empty() ? std::string("none") : join(valid));
        }
        const std::string what = "parameter '" + key + "' of observer '" + name + "'";
        if (!std::isfinite(value)) return what + " must be a finite number";
        if (p->type == ParamSpec::Bool && value != 0.0 && value != 1.0)
            return what + " is a boolean: 0 (false) or 1 (true), got " + num(value);
        if (p->type == ParamSpec::Int && value != std::floor(value))
            return what + " must be an integer, got " + num(value);
        if (value < p->minValue || value > p->maxValue)
            return what + " must be in [" + num(p->minValue) + ", " + num(p->maxValue) + "], got " + num(value);
    }
    const ParamMap all = withDefaults(*info, params);
    if ((name == "clip" || name == "user_range") && all.at("xmin") > all.at("xmax"))
        return "observer '" + name + "' needs xmin <= xmax, got xmin " + num(all.at("xmin")) + " and xmax " +
               num(all.at("xmax"));
    const QuantRange r = quantRange(spec);
    if (r.qmin >= r.qmax)
        return "empty integer range [" + std::to_string(r.qmin) + ", " + std::to_string(r.qmax) + "] for " + toString(spec.dtype);
    if (name == "fixed_scale") {
        const double zp = all.at("zero_point");
        if (zp < static_cast<double>(r.qmin) || zp > static_cast<double>(r.qmax))
            return "parameter 'zero_point' of observer 'fixed_scale' must be in [" + std::to_string(r.qmin) + ", " +
                   std::to_string(r.qmax) + "] for " + toString(spec.dtype) + ", got " + num(zp);
    }
    if (spec.perChannel()) {
        if (!info->supportsPerChannel) {
            std::vector<std::string> ok;
            for (const ObserverInfo& i : observerRegistry())
                if (i.supportsPerChannel) ok.push_back(i.name);
            return "observer '" + name + "' is per-tensor only (qscheme " + toString(spec.qscheme) +
                   "); per-channel observers: " + join(ok);
        }
        if (spec.chAxis < 0) return "qscheme " + toString(spec.qscheme) + " needs ch_axis >= 0";
    }
    return {};
}

std::unique_ptr<Observer> createObserver(const std::string& name, const ParamMap& params, const QuantSpec& spec) {
    const std::string err = validateParams(name, params, spec);
    if (!err.empty()) throw std::invalid_argument(err);
    const Entry* e = findEntry(name);
    return e->make(withDefaults(e->info, params), spec);
}

}  // namespace cs::obs
