// Stage 1 of an evaluation: the float forward and the plan's quantized forward over the
// validation data, overlapped batch by batch; every point's local and accumulated error, the
// end-to-end metrics and the automatic plan's candidates.
#include "core/evaluation/stages_p.h"

#include "core/dataset/batch_prefetcher.h"
#include "core/errors.h"
#include "core/model/instrumented_model.h"
#include "core/model/quantized_model.h"
#include "core/observers/kernels.h"
#include "core/platform/background_worker.h"
#include "core/platform/logging.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace cs::evaluation {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

QuantGrid gridOf(const FakeQuantParams& q)
{
    return QuantGrid{q.scale.at(0), q.zeroPoint.at(0), q.quantMin, q.quantMax};
}

// The local error walks each tensor in blocks of 16 KiB of floats, so that every candidate's
// pass over a block after the first reads it from cache.
constexpr size_t kBlock = 4096;

// A point's float activation, held for the quantized pass: the forward's own tensor where
// nothing overwrites it later, a copy where something does.
struct HeldValues {
    const float* data = nullptr;
    size_t n = 0;
    std::shared_ptr<const void> owner;
    std::vector<float> copy;
};

// What the float pass of one batch leaves for the quantized pass of the same batch.
struct FloatBatch {
    Batch batch;
    BatchOutput output;
    std::vector<HeldValues> values;  // per point
    std::vector<int64_t> nonFinite;  // per point
    size_t valueBytes() const
    {
        size_t bytes = 0;
        for (const auto& v : values)
            bytes += v.n * sizeof(float);
        return bytes;
    }
};

// The float pass: keeps each point's activation for the quantized pass and measures the
// local error of the plan and of every automatic-plan candidate. The measuring runs as a task
// on `worker` when one is set (see runMainPass), so the float forward goes on meanwhile.
class FloatTap final : public TapHandler {
public:
    struct Candidate {
        std::string observer;
        FakeQuantParams params;
        QuantGrid grid;
        ErrorAccumulator error; // of the local error with this observer's grid
        double squaredError() const
        {
            const PointMetrics m = error.result();
            return m.clippingError + m.roundingError;
        }
    };
    FloatBatch* current = nullptr;
    BackgroundWorker* worker = nullptr;
    std::vector<std::optional<QuantGrid>> plan; // per point, empty = float
    std::vector<ErrorAccumulator> local;
    std::vector<std::vector<Candidate>> candidates;
    std::vector<ValidationHistogram> coverage; // per point; no bins = not recorded

    explicit FloatTap(size_t points) : plan(points), local(points), candidates(points), coverage(points) {}

    bool keepsTensors() const override { return true; }
    void observe(int point, const obs::TensorView& x) override { observeKept(point, x, nullptr); }

    void observeKept(int point, const obs::TensorView& x, std::shared_ptr<const void> owner) override
    {
        const auto p = size_t(point);
        HeldValues& held = current->values[p];
        held.n = x.numel();
        held.owner = std::move(owner);
        if (held.owner) {
            held.data = x.data;
            held.copy.clear();
        } else {
            held.copy.assign(x.data, x.data + held.n);
            held.data = held.copy.data();
        }
        // One task per point and batch, and a batch's tasks all end before the next batch's
        // forward starts: each point's sums are added in batch order on whichever thread.
        if (worker)
            worker->post([this, p, batch = current] { measure(p, *batch); });
        else
            measure(p, *current);
    }

private:
    void measure(size_t p, FloatBatch& batch)
    {
        const HeldValues& held = batch.values[p];
        int64_t nonFinite = 0;
        CoverageTally* tally = coverage[p].grid.bins > 0 ? &coverageTally(coverage[p].grid) : nullptr;
        for (size_t begin = 0; begin < held.n; begin += kBlock) {
            const size_t len = std::min(kBlock, held.n - begin);
            const float* in = held.data + begin;
            nonFinite += plan[p] ? local[p].addFakeQuantized(in, len, *plan[p]).x
                                 : int64_t(obs::kernels::countNonFinite(in, len));
            for (Candidate& c : candidates[p])
                c.error.addFakeQuantized(in, len, c.grid);
            if (tally)
                tally->add(coverage[p].grid, in, len);
        }
        batch.nonFinite[p] = nonFinite;
        if (tally)
            tally->flushInto(coverage[p]);
    }

    // A point's validation values on its coverage grid, binned as AccumulatedHistogram::add
    // bins, int64((v - lo) * bins / (hi - lo)), so that the calibration data itself would
    // land in the calibration histogram's bins. Four interleaved integer tallies (slot 0
    // below the grid, bins + 1 above it): runs of one value, like the zeros after a ReLU, do
    // not wait on each other's increments. One per thread, reused batch after batch.
    struct CoverageTally {
        std::vector<uint32_t> counts;
        size_t stride = 0;
        int64_t finite = 0, belowClip = 0, aboveClip = 0;

        void reset(const CoverageGrid& g)
        {
            stride = size_t(g.bins) + 2;
            counts.assign(4 * stride, 0);
            finite = belowClip = aboveClip = 0;
        }
        void add(const CoverageGrid& g, const float* x, size_t n)
        {
            const double lo = g.lo, hi = g.hi, scale = double(g.bins) / (g.hi - g.lo);
            const int64_t last = g.bins - 1, above = g.bins + 1;
            int64_t finiteHere = 0, belowHere = 0, aboveHere = 0;
            size_t i = 0;
#if defined(__SSE2__)
            // Four values at a time while all are finite (the first non-finite one hands the
            // rest of the block to the scalar loop); the same double arithmetic as below.
            const __m128d vlo = _mm_set1_pd(lo), vhi = _mm_set1_pd(hi), vscale = _mm_set1_pd(scale);
            const __m128d vzero = _mm_setzero_pd(), vlast = _mm_set1_pd(double(last)), vone = _mm_set1_pd(1.0);
            const __m128d vabove = _mm_set1_pd(double(above));
            const __m128 clipMin = _mm_set1_ps(g.clipMin), clipMax = _mm_set1_ps(g.clipMax);
            const __m128 inf = _mm_set1_ps(std::numeric_limits<float>::infinity()), sign = _mm_set1_ps(-0.0f);
            __m128i below4 = _mm_setzero_si128(), above4 = _mm_setzero_si128();
            const auto slots = [&](__m128d d) {
                __m128d t = _mm_min_pd(_mm_max_pd(_mm_mul_pd(_mm_sub_pd(d, vlo), vscale), vzero), vlast);
                t = _mm_add_pd(_mm_cvtepi32_pd(_mm_cvttpd_epi32(t)), vone);
                const __m128d under = _mm_cmplt_pd(d, vlo), over = _mm_cmpgt_pd(d, vhi);
                t = _mm_andnot_pd(under, t);
                t = _mm_or_pd(_mm_and_pd(over, vabove), _mm_andnot_pd(over, t));
                return _mm_cvttpd_epi32(t);
            };
            alignas(16) int32_t k[4];
            for (; i + 4 <= n; i += 4) {
                const __m128 v = _mm_loadu_ps(x + i);
                if (_mm_movemask_ps(_mm_cmplt_ps(_mm_andnot_ps(sign, v), inf)) != 0xF)
                    break;
                below4 = _mm_sub_epi32(below4, _mm_castps_si128(_mm_cmplt_ps(v, clipMin)));
                above4 = _mm_sub_epi32(above4, _mm_castps_si128(_mm_cmpgt_ps(v, clipMax)));
                const __m128i k01 = slots(_mm_cvtps_pd(v)), k23 = slots(_mm_cvtps_pd(_mm_movehl_ps(v, v)));
                _mm_store_si128(reinterpret_cast<__m128i*>(k), _mm_unpacklo_epi64(k01, k23));
                ++counts[size_t(k[0])];
                ++counts[stride + size_t(k[1])];
                ++counts[2 * stride + size_t(k[2])];
                ++counts[3 * stride + size_t(k[3])];
            }
            finiteHere += int64_t(i);
            alignas(16) int32_t lanes[4];
            _mm_store_si128(reinterpret_cast<__m128i*>(lanes), below4);
            belowHere += int64_t(lanes[0]) + lanes[1] + lanes[2] + lanes[3];
            _mm_store_si128(reinterpret_cast<__m128i*>(lanes), above4);
            aboveHere += int64_t(lanes[0]) + lanes[1] + lanes[2] + lanes[3];
#endif
            for (; i < n; ++i) {
                const float v = x[i];
                if (!std::isfinite(v))
                    continue;
                ++finiteHere;
                belowHere += v < g.clipMin;
                aboveHere += v > g.clipMax;
                const double d = double(v);
                const int64_t slot = d < lo ? 0 : d > hi ? above : 1 + std::min(int64_t((d - lo) * scale), last);
                ++counts[(i & 3) * stride + size_t(slot)];
            }
            finite += finiteHere;
            belowClip += belowHere;
            aboveClip += aboveHere;
        }
        void flushInto(ValidationHistogram& h) const
        {
            for (size_t lane = 0; lane < 4; ++lane) {
                const uint32_t* c = counts.data() + lane * stride;
                h.below += c[0];
                h.above += c[stride - 1];
                for (size_t k = 1; k + 1 < stride; ++k)
                    h.counts[k - 1] += double(c[k]);
            }
            h.count += finite;
            h.belowClip += belowClip;
            h.aboveClip += aboveClip;
        }
    };

    static CoverageTally& coverageTally(const CoverageGrid& g)
    {
        thread_local CoverageTally tally;
        tally.reset(g);
        return tally;
    }
};

// The quantized pass: each point's quantized value against the float pass's value.
class QuantTap final : public TapHandler {
public:
    const FloatBatch* reference = nullptr;
    std::vector<ErrorAccumulator> accumulated;
    std::vector<double> lo, hi; // per point, the representable range (infinite at float points)
    std::vector<int64_t> nonFinite;

    explicit QuantTap(size_t points) : accumulated(points), lo(points, -kInf), hi(points, kInf), nonFinite(points, 0)
    {
    }

    void observe(int point, const obs::TensorView& x) override
    {
        const auto p = size_t(point);
        const size_t n = x.numel();
        const HeldValues& reference = this->reference->values[p];
        if (reference.n != n) {
            nonFinite[p] = int64_t(obs::kernels::countNonFinite(x.data, n));
            return;
        }
        nonFinite[p] = accumulated[p].add(reference.data, x.data, n, lo[p], hi[p]).q;
    }
};

} // namespace

MainPassOutput runMainPass(PassRunner& runner, const EvaluationInput& input, EvaluationResult& result)
{
    const EvaluationConfig& config = runner.config;
    const QuantPlan& plan = input.plan;
    InstrumentedModel floatModel(runner.graph);
    QuantizedModel quantModel(runner.graph, plan);
    const auto& points = floatModel.points();
    FloatTap floatTap(points.size());
    QuantTap quantTap(points.size());
    for (size_t p = 0; p < points.size(); ++p) {
        if (quantModel.points().at(p).name != points[p].name)
            throw CalibError("evaluation", "internal error: point order differs between float and quantized graphs");
        if (auto it = plan.activations.find(points[p].name); it != plan.activations.end()) {
            const QuantGrid grid = gridOf(it->second);
            floatTap.plan[p] = grid;
            quantTap.lo[p] = grid.lowest();
            quantTap.hi[p] = grid.highest();
            floatTap.local[p].setScale(it->second.scale.at(0));
            quantTap.accumulated[p].setScale(it->second.scale.at(0));
        }
        if (auto it = input.coverage.find(points[p].name); it != input.coverage.end()) {
            floatTap.coverage[p].grid = it->second;
            floatTap.coverage[p].counts.assign(size_t(it->second.bins), 0.0);
        }
        floatTap.coverage[p].name = points[p].name;
        if (config.autoPlan)
            if (auto it = input.candidates.find(points[p].name); it != input.candidates.end())
                for (const auto& [name, params] : it->second)
                    floatTap.candidates[p].push_back({name, params, gridOf(params), {}});
    }

    // Main pass: float and quantized forward on each batch, every metric. The float forward
    // of batch k runs on a helper thread while this one runs the quantized forward of batch
    // k - 1, each with half the cores: one forward on two threads leaves part of the second
    // core idle (the demo: 14 ms on two threads, 24 ms on one), two side by side do not.
    // Holding two batches' float activations is allowed up to kOverlapBytes; above it the
    // passes take turns.
    constexpr size_t kOverlapBytes = size_t(256) << 20;
    const int cores = computeThreadCount(config.threads);
    const int halfCores = std::max(1, cores / 2);
    OutputAccumulator floatAcc, planAcc;
    std::array<FloatBatch, 2> slots;
    for (FloatBatch& slot : slots) {
        slot.values.resize(points.size());
        slot.nonFinite.assign(points.size(), 0);
    }
    int64_t done = 0;
    auto finishBatch = [&](const FloatBatch& fb) {
        const int64_t n = fb.batch.shape.empty() ? 0 : fb.batch.shape.front();
        floatAcc.add(fb.output.data, fb.output.data, n, fb.batch.labels);
        if (!config.localErrorsOnly) {
            quantTap.reference = &fb;
            std::fill(quantTap.nonFinite.begin(), quantTap.nonFinite.end(), 0);
            const BatchOutput quantOut = quantModel.forward(fb.batch.data.data(), fb.batch.shape, &quantTap);
            planAcc.add(quantOut.data, fb.output.data, n, fb.batch.labels);
        }
        runner.reference.push_back(ReferenceBatch{fb.output.data, fb.batch.labels, n});
        for (size_t p = 0; p < points.size(); ++p) {
            if (fb.nonFinite[p])
                result.nonFinite.push_back({points[p].name, "float", int(fb.batch.index), fb.nonFinite[p]});
            if (quantTap.nonFinite[p])
                result.nonFinite.push_back({points[p].name, "quantized", int(fb.batch.index), quantTap.nonFinite[p]});
        }
        result.images += n;
        runner.report("evaluating", ++done, runner.batches);
    };
    {
        struct RestoreThreads { // also when a cancel or an error leaves early
            int threads;
            ~RestoreThreads() { setComputeThreads(threads); }
        } restore{config.threads};
        // The local errors run on an idle-priority thread: it takes the core the quantized
        // side leaves idle while it waits for the float forward, and the float forward's
        // thread finishes what is left when its forward ends (BENCHMARKS.md, third round).
        // Both workers are declared after everything their tasks use: on an exception they
        // finish what runs before those go away.
        BackgroundWorker localWorker(lowerToIdlePriority);
        floatTap.worker = &localWorker;
        BackgroundWorker floatWorker([halfCores] { setComputeThreads(halfCores); });
        setComputeThreads(halfCores);
        bool overlap = !config.localErrorsOnly; // without a quantized forward nothing runs beside
        if (!overlap)
            floatWorker.post([cores] { setComputeThreads(cores); });
        FloatBatch* pending = nullptr; // float pass done, quantized pass not yet
        size_t parity = 0;
        BatchPrefetcher prefetcher(*runner.data, config.batchSize, runner.batches);
        while (auto batch = prefetcher.next()) {
            FloatBatch& slot = slots[parity ^= 1];
            slot.batch = std::move(*batch);
            // Nothing runs beside the first float forward: it gets every core.
            const int floatThreads = pending || !overlap ? 0 : cores;
            floatWorker.post([&floatModel, &floatTap, &slot, &localWorker, floatThreads, halfCores] {
                if (floatThreads)
                    setComputeThreads(floatThreads);
                floatTap.current = &slot;
                // A point inside a branch this batch does not take leaves nothing: no value of
                // an earlier batch may stand in for it.
                for (HeldValues& held : slot.values) {
                    held.n = 0;
                    held.data = nullptr;
                    held.owner.reset();
                }
                std::fill(slot.nonFinite.begin(), slot.nonFinite.end(), 0);
                slot.output = floatModel.forward(slot.batch.data.data(), slot.batch.shape, floatTap, TapMode::Observe);
                localWorker.helpAndWait();
                if (floatThreads)
                    setComputeThreads(halfCores);
            });
            if (pending)
                finishBatch(*pending);
            floatWorker.wait();
            if (done == 0 && slot.valueBytes() > kOverlapBytes) {
                overlap = false;
                floatWorker.post([cores] { setComputeThreads(cores); });
                setComputeThreads(cores);
            }
            pending = &slot;
            if (!overlap) {
                finishBatch(slot);
                // Taking turns means the activations are too large to hold twice: the other
                // slot's would stay alive until its next batch, so each batch's go now.
                for (HeldValues& held : slot.values)
                    held = HeldValues{};
                pending = nullptr;
            }
        }
        if (pending) { // nothing runs beside the last quantized forward either
            setComputeThreads(cores);
            finishBatch(*pending);
        }
        floatWorker.wait();
    }
    result.batches = int(done);
    result.floatMetrics = floatAcc.result();
    result.planMetrics = planAcc.result();
    for (size_t p = 0; p < points.size(); ++p)
        result.points.push_back({points[p].name, floatTap.local[p].result(),
                                 config.localErrorsOnly ? PointMetrics{} : quantTap.accumulated[p].result()});
    for (auto& h : floatTap.coverage)
        if (h.grid.bins > 0)
            result.validation.push_back(std::move(h));
    for (const auto& e : result.nonFinite)
        logWarning("NaN/Inf at " + e.point + " (" + e.pass + " pass, batch " + std::to_string(e.batch) + "): "
                   + std::to_string(e.count) + " values");

    MainPassOutput out;
    for (size_t p = 0; p < points.size(); ++p) {
        out.points.push_back(points[p].name);
        std::vector<Candidate> candidates;
        for (const auto& c : floatTap.candidates[p])
            candidates.push_back({c.observer, c.params, c.squaredError()});
        out.candidates.push_back(std::move(candidates));
    }
    return out;
}

} // namespace cs::evaluation
