#include "bench_handlers.h"

#include "bench_support.h"

#include "core/calibration.h"
#include "core/observers/observer_registry.h"

#include <algorithm>

namespace bench {

using namespace cs;

StatsHandler::StatsHandler(size_t points, int bins, bool withMinMax)
{
    for (size_t i = 0; i < points; ++i) {
        stats.emplace_back(bins, bins);
        if (withMinMax)
            observers.push_back(obs::createObserver("min_max", {}, defaultActivationConfig().spec));
    }
}

void StatsHandler::observe(int point, const obs::TensorView& x)
{
    stats[size_t(point)].add(x.data, x.shape);
    if (!observers.empty())
        observers[size_t(point)]->observe(x);
}

namespace {
const char* const kKl2048 = "kl (bins 2048)";
}

ProfilingHandler::ProfilingHandler(size_t points, int bins)
{
    const obs::QuantSpec spec = defaultActivationConfig().spec;
    for (size_t i = 0; i < points; ++i) {
        stats.emplace_back(bins, bins);
        for (const std::string& name : obs::observerNames())
            observers[name].push_back(obs::createObserver(name, {}, spec));
        observers[kKl2048].push_back(obs::createObserver("kl", {{"bins", 2048}}, spec));
    }
}

void ProfilingHandler::observe(int point, const obs::TensorView& x)
{
    elements += double(x.numel());
    double t0 = threadCpuSeconds();
    stats[size_t(point)].add(x.data, x.shape);
    double t1 = threadCpuSeconds();
    seconds["point statistics"] += t1 - t0;
    for (auto& [name, list] : observers) {
        list[size_t(point)]->observe(x);
        t0 = t1;
        t1 = threadCpuSeconds();
        seconds[name] += t1 - t0;
    }
}

SearchFigures measureSearches(ProfilingHandler& h, int batches)
{
    SearchFigures f;
    // Percentile: every point's retune from its retained per-batch histograms, twice (the
    // second value is the one the figure keeps: caches are warm as in the GUI).
    for (double p : {99.9, 99.99}) {
        const double t0 = threadCpuSeconds();
        for (auto& o : h.observers.at("percentile")) {
            o->retune({{"percentile", p}});
            (void)o->result();
        }
        f.percentileRetuneAllPointsMs = (threadCpuSeconds() - t0) * 1e3;
    }
    // hist_entropy: the search runs in result(); a retune invalidates the cached result.
    const auto& entropy = h.observers.at("hist_entropy");
    for (auto& o : entropy) {
        o->retune({{"start_bin", 129}});
        const double t0 = threadCpuSeconds();
        const obs::ObserverResult r = o->result();
        const double ms = (threadCpuSeconds() - t0) * 1e3;
        f.histEntropyMaxMs = std::max(f.histEntropyMaxMs, ms);
        f.histEntropyMeanMs += ms / double(entropy.size());
        f.bins = std::max(f.bins, int(r.extras.count("histogram_bins") ? r.extras.at("histogram_bins") : 0));
    }
    // kl: a start_bin retune repeats the search of every interval (one per batch).
    const auto& kl = h.observers.at(kKl2048);
    for (auto& o : kl) {
        const double t0 = threadCpuSeconds();
        o->retune({{"start_bin", 129}});
        const double ms = (threadCpuSeconds() - t0) * 1e3 / double(std::max(1, batches));
        f.kl2048MaxMs = std::max(f.kl2048MaxMs, ms);
        f.kl2048MeanMs += ms / double(kl.size());
    }
    return f;
}

} // namespace bench
