// Timings behind the observer budgets (issue 4): KL-type searches per point at 2048 bins,
// an instant percentile retune over 60 points x 30 batches, and the per-batch observe()
// cost of every observer. Build Release; numbers are for one thread.

#include "core/observers/histogram.h"
#include "core/observers/kl_search.h"
#include "core/observers/mse_search.h"
#include "core/observers/observer_registry.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

using namespace cs::obs;

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

std::vector<float> normalData(std::size_t n, unsigned seed, float scale = 1.0f) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, scale);
    std::vector<float> v(n);
    for (float& x : v) x = normal(rng);
    return v;
}

template <typename F>
double perCallMs(F&& f, int minReps = 3, double minMs = 200.0) {
    int reps = 0;
    const auto t0 = Clock::now();
    do {
        f();
        ++reps;
    } while (reps < minReps || msSince(t0) < minMs);
    return msSince(t0) / reps;
}

void benchSearches() {
    // |x| of 1M normal samples in 2048 bins: the histogram a hist_entropy point holds.
    const std::vector<float> x = normalData(1 << 20, 1);
    float amax = 0.0f;
    for (float v : x) amax = std::max(amax, std::fabs(v));
    std::vector<double> hist(2048, 0.0);
    for (float v : x) hist[std::min<std::size_t>(2047, static_cast<std::size_t>(std::fabs(v) / amax * 2048.0f))] += 1.0;

    volatile int64_t sink = 0;
    std::printf("KL-type searches over a 2048-bin |x| histogram (per point):\n");
    const double nvFast = perCallMs([&] { sink = sink + nvidiaEntropySelect(hist, 128, 128, 1, true); });
    const double nvDirect = perCallMs([&] { sink = sink + nvidiaEntropySelect(hist, 128, 128, 1, false); }, 1, 0.0);
    const double hzFast = perCallMs([&] { sink = sink + horizonKlSelect(hist, 128, 128, 1, true); });
    const double hzDirect = perCallMs([&] { sink = sink + horizonKlSelect(hist, 128, 128, 1, false); }, 1, 0.0);
    std::printf("  hist_entropy (NVIDIA)   fast %8.3f ms   direct %8.1f ms   same choice: %s\n", nvFast, nvDirect,
                nvidiaEntropySelect(hist, 128, 128, 1, true) == nvidiaEntropySelect(hist, 128, 128, 1, false) ? "yes" : "NO");
    std::printf("  kl (Horizon, smoothed)  fast %8.3f ms   direct %8.1f ms   same choice: %s\n", hzFast, hzDirect,
                horizonKlSelect(hist, 128, 128, 1, true) == horizonKlSelect(hist, 128, 128, 1, false) ? "yes" : "NO");

    const std::vector<float> edges = torchLinspace(0.0f, amax, 2049);
    const double mseFast = perCallMs([&] { sink = sink + nvidiaMseSelect(hist, edges, 8, false, 128, 1, true).index; });
    const double mseDirect = perCallMs([&] { sink = sink + nvidiaMseSelect(hist, edges, 8, false, 128, 1, false).index; }, 1, 0.0);
    std::printf("  hist_mse (NVIDIA)       fast %8.3f ms   direct %8.1f ms   same choice: %s\n", mseFast, mseDirect,
                nvidiaMseSelect(hist, edges, 8, false, 128, 1, true).index == nvidiaMseSelect(hist, edges, 8, false, 128, 1, false).index ? "yes" : "NO");

    // The whole hist_entropy result() at 2048 bins, search included.
    auto o = createObserver("hist_entropy", {}, QuantSpec{});
    o->observe(TensorView(x.data(), {static_cast<int64_t>(x.size())}));
    const double resultMs = perCallMs([&] {
        o->retune({{"start_bin", 129}});  // invalidates the cached result
        o->retune({{"start_bin", 128}});
        sink = sink + static_cast<int64_t>(o->result().scale.size());
    });
    std::printf("  hist_entropy result() incl. retune bookkeeping: %.3f ms\n", resultMs);
}

void benchRetune() {
    const int points = 60, batches = 30;
    std::vector<std::unique_ptr<Observer>> obs;
    for (int p = 0; p < points; ++p) {
        obs.push_back(createObserver("percentile", {}, QuantSpec{}));
        for (int b = 0; b < batches; ++b) {
            const std::vector<float> x = normalData(16384, static_cast<unsigned>(p * 100 + b), 1.0f + 0.05f * static_cast<float>(b));
            obs.back()->observe(TensorView(x.data(), {16384}));
        }
    }
    double value = 99.9;
    const double ms = perCallMs([&] {
        value = value == 99.9 ? 99.99 : 99.9;
        for (auto& o : obs) {
            o->retune({{"percentile", value}});
            (void)o->result();
        }
    });
    std::printf("\nretune percentile (2048 bins) on %d points x %d batches, results included: %.3f ms\n", points, batches, ms);
}

void benchObserve() {
    const std::vector<int64_t> shape{32, 64, 28, 28};
    const std::size_t n = 32u * 64u * 28u * 28u;
    std::vector<float> x = normalData(n, 7);
    for (std::size_t i = 0; i < n; i += 997) x[i] = std::fabs(x[i]) * 3.0f;  // a tail
    std::printf("\nobserve() per batch on a 32x64x28x28 float tensor (%zu elements), per-tensor qint8:\n", n);
    std::printf("  %-16s %10s %10s %12s\n", "observer", "ns/elem", "ms/batch", "result() ms");
    for (const std::string& name : observerNames()) {
        auto o = createObserver(name, {}, QuantSpec{});
        o->observe(TensorView(x.data(), shape));  // warm-up (first-batch paths)
        const double ms = perCallMs([&] { o->observe(TensorView(x.data(), shape)); }, 2, 300.0);
        const auto t0 = Clock::now();
        (void)o->result();
        const double resultMs = msSince(t0);
        std::printf("  %-16s %10.3f %10.2f %12.3f\n", name.c_str(), ms * 1e6 / static_cast<double>(n), ms, resultMs);
    }
    QuantSpec perChannel;
    perChannel.qscheme = QScheme::PerChannelSymmetric;
    perChannel.chAxis = 1;
    for (const char* name : {"min_max", "mse"}) {
        auto o = createObserver(name, {}, perChannel);
        const double ms = perCallMs([&] { o->observe(TensorView(x.data(), shape)); }, 2, 300.0);
        std::printf("  %-16s %10.3f %10.2f   (per-channel, ch_axis 1)\n", name, ms * 1e6 / static_cast<double>(n), ms);
    }
}

}  // namespace

int main() {
    benchSearches();
    benchRetune();
    benchObserve();
    return 0;
}
