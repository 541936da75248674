// The per-batch cost of PointStatisticsCollector::add (ns per element) on activation-like
// tensors, in thread CPU time so that other processes on the machine matter less. First it
// checks the optimised collector against the straightforward reference loops (the code
// before optimisation, kept below) on awkward inputs: the statistics must be bit-identical.
// Exit status 1 when they are not.
#include "core/stats/point_statistics.h"

#include <time.h>

#include <cmath>
#include <cstdio>
#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace cs;

namespace {

double threadCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

uint64_t mix(uint64_t h, const void* p, size_t n)
{
    const auto* b = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < n; ++i)
        h = (h ^ b[i]) * 1099511628211ull; // FNV-1a
    return h;
}

uint64_t checksum(const PointStatistics& s)
{
    uint64_t h = 1469598103934665603ull;
    for (const auto& b : s.batches) {
        h = mix(h, &b.min, sizeof b.min);
        h = mix(h, &b.max, sizeof b.max);
        h = mix(h, &b.sum, sizeof b.sum);
        h = mix(h, &b.sumSquares, sizeof b.sumSquares);
        h = mix(h, &b.count, sizeof b.count);
        h = mix(h, &b.nan, sizeof b.nan);
        h = mix(h, &b.inf, sizeof b.inf);
        h = mix(h, b.absHistogram.data(), b.absHistogram.size() * sizeof(float));
    }
    h = mix(h, s.histogram.counts.data(), s.histogram.counts.size() * sizeof(double));
    h = mix(h, &s.histogram.lo, sizeof(double));
    h = mix(h, &s.histogram.hi, sizeof(double));
    h = mix(h, &s.mean, sizeof(double));
    h = mix(h, &s.std, sizeof(double));
    return h;
}

// ---- the reference: PointStatisticsCollector as first written (one scalar loop per statistic)
struct ReferenceHistogram {
    int bins;
    bool symmetric = false;
    double range = 0;
    std::vector<double> counts;
    explicit ReferenceHistogram(int b) : bins(std::max(2, b + (b & 1))) {}
    void growTo(double absMax, bool needNegative)
    {
        if (counts.empty()) {
            counts.assign(size_t(bins), 0.0);
            symmetric = needNegative;
            range = absMax > 0 ? absMax : 1.0;
            return;
        }
        const auto half = size_t(bins / 2);
        if (needNegative && !symmetric) {
            std::vector<double> merged(size_t(bins), 0.0);
            for (size_t i = 0; i < counts.size(); ++i)
                merged[half + i / 2] += counts[i];
            counts.swap(merged);
            symmetric = true;
        }
        while (absMax > range) {
            std::vector<double> merged(size_t(bins), 0.0);
            for (size_t i = 0; i < counts.size(); ++i)
                merged[(symmetric ? size_t(bins / 4) : 0) + i / 2] += counts[i];
            counts.swap(merged);
            range *= 2;
        }
    }
    void add(const float* data, size_t n)
    {
        float lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < n; ++i) {
            if (!std::isfinite(data[i]))
                continue;
            lo = std::min(lo, data[i]);
            hi = std::max(hi, data[i]);
        }
        if (lo > hi)
            return;
        growTo(std::max(std::fabs(double(lo)), std::fabs(double(hi))), lo < 0);
        const double start = symmetric ? -range : 0.0;
        const double scale = double(bins) / (symmetric ? 2 * range : range);
        for (size_t i = 0; i < n; ++i) {
            if (!std::isfinite(data[i]))
                continue;
            const auto bin = int64_t((double(data[i]) - start) * scale);
            counts[size_t(std::clamp<int64_t>(bin, 0, bins - 1))] += 1.0;
        }
    }
};

BatchSummary referenceSummary(const float* data, size_t n, int bins)
{
    // The documented sums: four partial sums by element index, added (s0 + s1) + (s2 + s3).
    double sum[4] = {0, 0, 0, 0}, squares[4] = {0, 0, 0, 0};
    BatchSummary b;
    b.min = INFINITY;
    b.max = -INFINITY;
    for (size_t i = 0; i < n; ++i) {
        const float v = data[i];
        if (std::isnan(v)) {
            ++b.nan;
            continue;
        }
        if (std::isinf(v)) {
            ++b.inf;
            continue;
        }
        b.min = std::min(b.min, v);
        b.max = std::max(b.max, v);
        sum[i % 4] += v;
        squares[i % 4] += double(v) * double(v);
        ++b.count;
    }
    b.sum = (sum[0] + sum[1]) + (sum[2] + sum[3]);
    b.sumSquares = (squares[0] + squares[1]) + (squares[2] + squares[3]);
    if (b.count == 0) {
        b.min = b.max = 0;
    } else {
        b.absMax = std::max(-b.min, b.max);
        b.absHistogram.assign(size_t(bins), 0.0f);
        if (b.absMax > 0) {
            for (size_t i = 0; i < n; ++i) {
                if (!std::isfinite(data[i]))
                    continue;
                const auto bin = int64_t((std::fabs(data[i]) * float(bins)) / b.absMax);
                b.absHistogram[size_t(std::clamp<int64_t>(bin, 0, bins - 1))] += 1.0f;
            }
        } else {
            b.absHistogram[0] = float(b.count);
        }
    }
    return b;
}

template <typename T>
bool sameBits(const T& a, const T& b)
{
    return std::memcmp(&a, &b, sizeof(T)) == 0;
}

template <typename T>
bool sameBits(const std::vector<T>& a, const std::vector<T>& b)
{
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

// Streams `batches` through both and compares every field bit for bit.
bool matchesReference(const std::vector<std::vector<float>>& batches, int bins, const char* what)
{
    PointStatisticsCollector fast(bins, bins);
    ReferenceHistogram refHist(bins);
    std::vector<BatchSummary> ref;
    for (const auto& x : batches) {
        fast.add(x.data(), {int64_t(x.size())});
        refHist.add(x.data(), x.size());
        ref.push_back(referenceSummary(x.data(), x.size(), bins));
    }
    const PointStatistics s = fast.result();
    bool ok = s.batches.size() == ref.size();
    for (size_t i = 0; ok && i < ref.size(); ++i) {
        const BatchSummary &a = s.batches[i], &b = ref[i];
        ok = sameBits(a.min, b.min) && sameBits(a.max, b.max) && a.count == b.count && a.nan == b.nan && a.inf == b.inf
             && sameBits(a.sum, b.sum) && sameBits(a.sumSquares, b.sumSquares) && sameBits(a.absMax, b.absMax)
             && sameBits(a.absHistogram.counts(), b.absHistogram.counts());
    }
    ok = ok && (refHist.counts.empty() ? s.histogram.counts.empty() : sameBits(s.histogram.counts, refHist.counts));
    if (!ok)
        std::printf("  MISMATCH with the reference: %s\n", what);
    return ok;
}

bool checkAgainstReference()
{
    std::mt19937 rng(42);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    auto randomVec = [&](size_t n, float scale) {
        std::vector<float> v(n);
        for (float& x : v)
            x = normal(rng) * scale;
        return v;
    };
    bool ok = true;
    for (size_t n = 0; n < 40; ++n) // every tail length of the 4- and 8-wide loops
        ok &= matchesReference({randomVec(n, 1.0f), randomVec(n + 3, 2.0f)}, 64, "short batches");
    const float nz = -0.0f;
    ok &= matchesReference({{nz, 0.0f, 1.0f}, {0.0f, nz, -1.0f}, {nz, nz}, {0.0f}, {nz, 2.0f, nz}}, 16, "signed zeros");
    ok &= matchesReference({std::vector<float>(1000, nz), std::vector<float>(1000, 0.0f)}, 16, "all zeros");
    ok &= matchesReference({std::vector<float>(999, 3.5f), std::vector<float>(17, -2.0f)}, 16, "constants");
    auto relu = randomVec(100000, 1.0f);
    for (float& x : relu)
        x = std::max(x, 0.0f);
    ok &= matchesReference({relu, randomVec(5000, 1e-3f), randomVec(5000, 1e4f), randomVec(77, 1e-30f)}, 2048,
                           "relu, then a range growing by 10^7");
    auto withBad = randomVec(1000, 1.0f);
    withBad[5] = std::nanf("");
    withBad[900] = INFINITY;
    ok &= matchesReference({withBad, {NAN, INFINITY}, randomVec(64, 1.0f)}, 128, "NaN and Inf");
    // Values exactly at +-absMax land in the last bin; odd bin counts are rounded up.
    ok &= matchesReference({{-4.0f, 4.0f, 2.0f, -1.0f, 0.5f}, {8.0f, -8.0f}}, 7, "extremes, odd bins");
    return ok;
}

struct Input {
    const char* name;
    std::vector<std::vector<float>> batches;
};

Input makeInput(const char* name, size_t n, int batches, unsigned seed, bool relu, bool nonFinite)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.1f, 1.0f);
    Input in{name, {}};
    for (int b = 0; b < batches; ++b) {
        std::vector<float> x(n);
        const float spread = 1.0f + 0.3f * float(b);
        for (float& v : x) {
            v = normal(rng) * spread;
            if (relu)
                v = std::max(v, 0.0f);
        }
        if (nonFinite) {
            x[n / 3] = std::nanf("");
            x[n / 2] = -INFINITY;
        }
        in.batches.push_back(std::move(x));
    }
    return in;
}

} // namespace

int main(int argc, char** argv)
{
    const bool identical = checkAgainstReference();
    std::printf("optimised PointStatisticsCollector bit-identical to the reference loops: %s\n", identical ? "yes" : "NO");
    if (argc > 1 && std::string(argv[1]) == "--check-only")
        return identical ? 0 : 1;
    const size_t n = 16 * 64 * 56 * 56; // a ResNet-18 layer1 activation at batch 16
    const std::vector<int64_t> shape{16, 64, 56, 56};
    const Input inputs[] = {makeInput("normal (bn output)", n, 4, 1, false, false),
                            makeInput("relu (half zeros)", n, 4, 2, true, false),
                            makeInput("normal with NaN/Inf", n, 4, 3, false, true)};
    std::printf("PointStatisticsCollector::add, 2048 + 2048 bins, %zu elements per batch, thread CPU time\n", n);
    for (const Input& in : inputs) {
        double best = 1e30;
        uint64_t sum = 0;
        for (int rep = 0; rep < 3; ++rep) {
            PointStatisticsCollector c(2048, 2048);
            const double t0 = threadCpuSeconds();
            for (const auto& x : in.batches)
                c.add(x.data(), shape);
            best = std::min(best, threadCpuSeconds() - t0);
            sum = checksum(c.result());
        }
        std::printf("  %-22s %7.2f ns/element  %7.1f ms/batch  checksum %016llx\n", in.name,
                    best * 1e9 / double(n * in.batches.size()), best * 1e3 / double(in.batches.size()),
                    static_cast<unsigned long long>(sum));
    }
    return identical ? 0 : 1;
}
