// Timings behind the observer budgets (issue 4), build Release, one thread:
//  - KL-type searches per point at 2048 bins (budget < 5 ms per point);
//  - an instant percentile retune over all points of a ResNet-18 (40 deployment points) x 30
//    batches from the retained per-batch histograms (budget < 20 ms in total);
//  - the per-batch observe() cost of every observer on one tensor and on a whole ResNet-18
//    batch (the 40 point shapes at batch 16, synthetic values), optionally relative to the
//    model's float forward time: bench_observers [--forward-ms MS] (bench_calibration
//    measures that forward on the real model).

#include "core/observers/histogram.h"
#include "core/observers/kl_search.h"
#include "core/observers/mse_search.h"
#include "core/observers/observer_registry.h"

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
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
    std::printf("  budget < 5 ms per point: %s\n", std::max(nvFast, hzFast) < 5.0 ? "met" : "NOT met");
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
    const int points = 40, batches = 30;  // ResNet-18 in deployment mode, the default batch count
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
    std::printf("\nretune percentile (2048 bins) on %d points (ResNet-18) x %d batches, results included: %.3f ms "
                "(budget < 20 ms: %s)\n",
                points, batches, ms, ms < 20.0 ? "met" : "NOT met");
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

// torchvision ResNet-18 at 224x224, batch 16: the output shape of each of its 40
// quantization points in deployment mode (conv+bn+relu fused; add and relu separate).
std::vector<std::vector<int64_t>> resnet18PointShapes() {
    std::vector<std::vector<int64_t>> s{{16, 3, 224, 224}, {16, 64, 112, 112}, {16, 64, 56, 56}};
    for (int i = 0; i < 8; ++i) s.push_back({16, 64, 56, 56});  // layer1: 2 x (conv1, conv2, add, relu)
    for (int64_t c : {128, 256, 512}) {
        const int64_t hw = 56 * 64 / c;  // 28, 14, 7
        for (int i = 0; i < 9; ++i) s.push_back({16, c, hw, hw});  // + the downsample conv
    }
    s.push_back({16, 512, 1, 1});  // avgpool
    s.push_back({16, 1000});       // fc
    return s;
}

double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

void benchResnetBatch(double forwardMs) {
    const auto shapes = resnet18PointShapes();
    std::size_t largest = 0, total = 0;
    for (const auto& s : shapes) {
        std::size_t n = 1;
        for (int64_t d : s) n *= static_cast<std::size_t>(d);
        largest = std::max(largest, n);
        total += n;
    }
    const std::vector<float> x = normalData(largest, 3);
    std::printf("\nobserve() of one ResNet-18 batch (40 points, batch 16, %.1f M elements), per observer, thread CPU time",
                static_cast<double>(total) / 1e6);
    std::printf(forwardMs > 0 ? ", against a %.0f ms float forward:\n" : ":\n", forwardMs);
    for (const std::string& name : observerNames()) {
        std::vector<std::unique_ptr<Observer>> obs;
        for (std::size_t p = 0; p < shapes.size(); ++p) obs.push_back(createObserver(name, {}, QuantSpec{}));
        double best = 1e30;
        for (int rep = 0; rep < 2; ++rep) {  // the first batch takes first-batch paths
            const double t0 = threadCpuMs();
            for (std::size_t p = 0; p < shapes.size(); ++p) obs[p]->observe(TensorView(x.data(), shapes[p]));
            best = std::min(best, threadCpuMs() - t0);
        }
        if (forwardMs > 0)
            std::printf("  %-16s %9.1f ms/batch %7.1f%% of the forward\n", name.c_str(), best, 100.0 * best / forwardMs);
        else
            std::printf("  %-16s %9.1f ms/batch\n", name.c_str(), best);
    }
}

}  // namespace

int main(int argc, char** argv) {
    double forwardMs = 0;
    for (int i = 1; i + 1 < argc; ++i)
        if (std::string(argv[i]) == "--forward-ms") forwardMs = std::atof(argv[i + 1]);
    benchSearches();
    benchRetune();
    benchObserve();
    benchResnetBatch(forwardMs);
    return 0;
}
