// Calibration cost against a plain float forward over the same batches (BENCHMARKS.md):
// runCalibration with min_max and with every compare observer, the float forward of the
// same instrumented graph and of the model as torch::jit::load gives it, a breakdown of the
// statistics pass, and memory (peak RSS, RSS growth between batch 5 and the last batch).
//
// bench_calibration [--only demo|resnet18] [--threads 2] [--repeat 3] [--batches 10]
//                   [--compare-batches 4] [--demo PATH] [--resnet PATH] [--data-dir DIR]
#include "../demo_test_config.h"
#include "bench_support.h"

#include "core/platform/allocator_tuning.h"
#include "core/calibration.h"
#include "core/dataset/batch_prefetcher.h"
#include "core/dataset/dataset_source.h"
#include "core/model/instrumented_model.h"
#include "core/model/model_graph.h"
#include "core/observers/observer_registry.h"
#include "core/stats/point_statistics.h"
#include "core/session.h"

#include "bench_handlers.h"

#include <torch/script.h>
#include <torch/version.h>


#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <string>

using namespace cs;
using bench::Clock;
using bench::secondsSince;

namespace {

struct Options {
    std::string only;
    int threads = 2;
    int repeat = 3;
    int batches = 10;        // ResNet-18 batches of 16
    int compareBatches = 4;  // ResNet-18 with every compare observer (slow by design)
    std::string demo = CALIBSCOPE_BENCH_DEMO;
    std::string resnet = std::string(CALIBSCOPE_BENCH_MODELS) + "/resnet18_scripted.pt";
    std::string dataDir = CALIBSCOPE_BENCH_DATA;
    bool calibrateOnly = false; // for profiling runCalibration alone (perf record)
};

struct Case {
    std::string name;
    CalibrationConfig config;  // min_max activations; compare runs set compareObservers
    int compareBatches = -1;
};

std::vector<Batch> loadBatches(const CalibrationConfig& c)
{
    const auto dataset = openDataset(c.data);
    BatchPrefetcher prefetcher(*dataset, c.batchSize, c.numBatches);
    std::vector<Batch> out;
    while (auto b = prefetcher.next())
        out.push_back(std::move(*b));
    return out;
}

// Per-batch wall times of the variants, over the full-size batches. The variants take turns
// pass by pass, so that a busy period of the machine hits all of them alike.
std::vector<bench::BatchTimes> timedPasses(int repeat, const std::vector<Batch>& batches, int batchSize,
                                           const std::vector<std::function<void(const Batch&)>>& variants)
{
    for (const auto& run : variants)
        run(batches.front()); // warm-up
    std::vector<bench::BatchTimes> t(variants.size());
    for (int r = 0; r < repeat; ++r)
        for (size_t v = 0; v < variants.size(); ++v)
            for (const Batch& b : batches) {
                const auto t0 = Clock::now();
                variants[v](b);
                if (b.shape.front() == batchSize)
                    t[v].add(secondsSince(t0));
            }
    return t;
}

// The float forward fed like runCalibration feeds its model (dataset decoded on the
// prefetch thread meanwhile), timed the same way: between consecutive finished batches.
bench::BatchTimes floatWithPrefetcher(const CalibrationConfig& c, InstrumentedModel& model, int repeat)
{
    const auto dataset = openDataset(c.data);
    bench::NullHandler none;
    bench::BatchTimes t;
    for (int r = 0; r < repeat; ++r) {
        BatchPrefetcher prefetcher(*dataset, c.batchSize, c.numBatches);
        Clock::time_point last;
        bool first = true;
        while (auto b = prefetcher.next()) {
            model.forward(b->data.data(), b->shape, none, TapMode::Float);
            const auto now = Clock::now();
            if (!first && b->shape.front() == c.batchSize)
                t.add(std::chrono::duration<double>(now - last).count());
            last = now;
            first = false;
        }
    }
    return t;
}

struct CalibrationFigures {
    bench::BatchTimes perBatch;   // between progress callbacks, full batches after the first
    double wall = 1e30;           // best runCalibration, everything included
    double rssAt5 = 0, rssAtEnd = 0, peak = 0;  // first run
    int batches = 0;
    double retainedPerBatchKiB = 0;  // per-batch statistics the result keeps by design
    std::vector<double> rssPerBatch; // first run
    CalibrationResult result;
    ObserverBank bank; // the result's live observers, kept alive like the GUI keeps them
};

void calibrate(const CalibrationConfig& config, CalibrationFigures& f, bool first)
{
    std::vector<Clock::time_point> done;
    const auto t0 = Clock::now();
    double rss5 = 0, rssEnd = 0;
    std::vector<double> rss;
    ObserverBank bank;
    CalibrationResult r = runCalibration(config, [&](const ProgressInfo& p) {
        if (p.stage == "calibrating") {
            done.push_back(Clock::now());
            rss.push_back(bench::currentAnonRssMiB());
            if (p.done == 5)
                rss5 = bench::currentAnonRssMiB();
            if (p.done == p.total)
                rssEnd = bench::currentAnonRssMiB();
        }
        return true;
    }, &bank);
    f.wall = std::min(f.wall, secondsSince(t0));
    const bool partialLast = r.images % config.batchSize != 0;
    for (size_t k = 1; k + (partialLast ? 1 : 0) < done.size(); ++k)
        f.perBatch.add(std::chrono::duration<double>(done[k] - done[k - 1]).count());
    f.batches = r.batches;
    if (first) { // memory figures before the allocator has pools to reuse
        f.rssAt5 = rss5;
        f.rssAtEnd = rssEnd;
        f.rssPerBatch = rss;
        f.peak = bench::peakRssMiB();
        double bytes = 0;
        for (const auto& p : r.points)
            if (!p.stats.batches.empty())
                bytes += double(sizeof(BatchSummary) + p.stats.batches[0].absHistogram.size() * sizeof(float));
        f.retainedPerBatchKiB = bytes / 1024.0;
    }
    f.result = std::move(r);
    f.bank = std::move(bank);
}

CalibrationFigures calibrations(const CalibrationConfig& config, int repeat)
{
    CalibrationFigures f;
    for (int r = 0; r < repeat; ++r)
        calibrate(config, f, r == 0);
    return f;
}

void printLine(const char* label, const bench::BatchTimes& t, const bench::BatchTimes& ref)
{
    std::printf("  %-36s %8.1f %8.1f ms/batch   %s  %s\n", label, t.min() * 1e3, t.median() * 1e3,
                bench::ratio(t.min(), ref.min()).c_str(), bench::ratio(t.median(), ref.median()).c_str());
}

void sessionFigures(const CalibrationResult& r, const ObserverBank& bank, const std::string& dir)
{
    const std::string path = dir + "/bench.cscope";
    auto t0 = Clock::now();
    saveSession(r, bank, path);
    const double save = secondsSince(t0);
    const auto withState = std::filesystem::file_size(path);
    t0 = Clock::now();
    ObserverBank backBank;
    const CalibrationResult back = loadSession(path, &backBank);
    const double load = secondsSince(t0);
    saveSession(r, ObserverBank(), path);
    const auto withoutState = std::filesystem::file_size(path);
    std::filesystem::remove(path);
    std::printf("  session of the compare result: %.1f MiB with observer states (%.1f MiB without); save %.2f s, "
                "load + observer rebuild %.2f s\n",
                double(withState) / 1048576.0, double(withoutState) / 1048576.0, save, load);
}

void runCase(const Case& c, const Options& o)
{
    std::printf("\n== %s: %s, batch %d, %s ==\n", c.name.c_str(), c.config.modelPath.c_str(), c.config.batchSize,
                c.config.numBatches < 0 ? "all batches" : (std::to_string(c.config.numBatches) + " batches").c_str());
    std::printf("  RSS before anything: %.0f MiB\n", bench::currentRssMiB());

    // Calibration first, so that its peak RSS is not the in-memory batches' below.
    const CalibrationFigures minMax = calibrations(c.config, o.repeat);
    if (o.calibrateOnly) {
        std::printf("  runCalibration, min_max: min %.1f, median %.1f ms/batch; anonymous RSS after each batch (MiB):",
                    minMax.perBatch.min() * 1e3, minMax.perBatch.median() * 1e3);
        for (double r : minMax.rssPerBatch)
            std::printf(" %.0f", r);
        std::printf("\n");
        return;
    }
    std::printf("  memory, min_max calibration: peak RSS %.0f MiB; anonymous RSS after batch 5 %.1f MiB, after batch %d "
                "%.1f MiB (growth %.1f MiB; per-batch statistics kept by design: %.0f KiB/batch)\n",
                minMax.peak, minMax.rssAt5, minMax.batches, minMax.rssAtEnd, minMax.rssAtEnd - minMax.rssAt5,
                minMax.retainedPerBatchKiB);
    CalibrationConfig compareConfig = c.config;
    compareConfig.compareObservers = true;
    if (c.compareBatches > 0)
        compareConfig.numBatches = c.compareBatches;
    const CalibrationFigures compare = calibrations(compareConfig, std::max(1, o.repeat - 1));
    std::printf("  memory, compare calibration (%d batches): peak RSS %.0f MiB (process so far)\n", compare.batches,
                compare.peak);

    const std::vector<Batch> batches = loadBatches(c.config);
    ModelGraph graph(c.config.modelPath, c.config.mode);
    std::vector<int64_t> shape = batches.front().shape;
    shape[0] = 1;
    graph.inferShapes(shape);
    InstrumentedModel model(graph);
    setComputeThreads(o.threads);
    const size_t points = model.points().size();
    const int bs = c.config.batchSize;
    const double n = double(batches.size());

    bench::NullHandler none;
    torch::jit::Module plain = torch::jit::load(c.config.modelPath);
    plain.eval();
    const int hb = c.config.histogramBins;
    const std::vector<bench::BatchTimes> t = timedPasses(o.repeat, batches, bs, {
        [&](const Batch& b) { model.forward(b.data.data(), b.shape, none, TapMode::Float); },
        [&](const Batch& b) {
            c10::InferenceMode guard;
            plain.forward({torch::from_blob(const_cast<float*>(b.data.data()), b.shape, torch::kFloat32)});
        },
        [&](const Batch& b) { model.forward(b.data.data(), b.shape, none, TapMode::Observe); },
        [&](const Batch& b) {
            bench::StatsHandler h(points, hb, false);
            model.forward(b.data.data(), b.shape, h, TapMode::Observe);
        },
        [&](const Batch& b) {
            bench::StatsHandler h(points, hb, true);
            model.forward(b.data.data(), b.shape, h, TapMode::Observe);
        }});
    const bench::BatchTimes &floatT = t[0], &plainT = t[1], &tapT = t[2], &statsT = t[3], &statsMinMaxT = t[4];
    const bench::BatchTimes prefetchT = floatWithPrefetcher(c.config, model, o.repeat);
    // The headline: runCalibration and the prefetcher-fed float forward taking turns run by run,
    // so that the machine's busy periods hit both alike.
    bench::BatchTimes turnFloat;
    CalibrationFigures turnCalibration;
    for (int r = 0; r < o.repeat; ++r) {
        for (double sec : floatWithPrefetcher(c.config, model, 1).seconds)
            turnFloat.add(sec);
        calibrate(c.config, turnCalibration, false);
    }

    // Per component in thread CPU time, against the float forward's uncontended wall time.
    bench::ProfilingHandler profile(points, c.config.histogramBins);
    for (const Batch& b : batches)
        model.forward(b.data.data(), b.shape, profile, TapMode::Observe);

    std::printf("  %zu quantization points, %.2f M elements observed per batch, %d threads; %d runs\n", points,
                profile.elements / double(batches.size()) / 1e6, o.threads, o.repeat);
    std::printf("  %-36s %8s %8s            %-5s  %-5s\n", "per full batch (wall time)", "min", "median", "min", "median");
    printLine("float forward (instrumented graph)", floatT, floatT);
    printLine("float forward (torch::jit::load)", plainT, floatT);
    printLine("taps observing, no-op handler", tapT, floatT);
    printLine("taps + point statistics", statsT, floatT);
    printLine("taps + statistics + min_max", statsMinMaxT, floatT);
    printLine("float forward, prefetcher feeding", prefetchT, floatT);
    printLine("runCalibration, min_max", minMax.perBatch, floatT);
    printLine("runCalibration, compare (all 14)", compare.perBatch, floatT);
    std::printf("  runCalibration min_max against the float forward fed by the same prefetcher: %s (min), %s (median)\n",
                bench::ratio(minMax.perBatch.min(), prefetchT.min()).c_str(),
                bench::ratio(minMax.perBatch.median(), prefetchT.median()).c_str());
    // Per-batch intervals of runCalibration are not independent (a batch's statistics finish
    // during the next forward), so the headline compares means over all full batches.
    std::printf("  taking turns (%d runs each), mean per full batch: runCalibration min_max %.2f ms, prefetcher-fed "
                "float forward %.2f ms: %s (medians %.2f / %.2f ms: %s)\n",
                o.repeat, turnCalibration.perBatch.mean() * 1e3, turnFloat.mean() * 1e3,
                bench::ratio(turnCalibration.perBatch.mean(), turnFloat.mean()).c_str(),
                turnCalibration.perBatch.median() * 1e3, turnFloat.median() * 1e3,
                bench::ratio(turnCalibration.perBatch.median(), turnFloat.median()).c_str());
    std::printf("  runCalibration wall (load, freeze, data, weights included): min_max %.2f s for %d batches, compare "
                "%.2f s for %d batches\n",
                minMax.wall, minMax.batches, compare.wall, compare.batches);

    const double floatBatch = floatT.min();
    std::printf("  per-batch update cost, thread CPU time on one core (share of the float forward, min above):\n");
    double all = 0;
    for (const auto& [name, sec] : profile.seconds) {
        if (name.rfind("kl (", 0) != 0)
            all += sec;
        std::printf("    %-18s %9.2f ms %7.2f ns/element %8.1f%%\n", name.c_str(), sec / n * 1e3,
                    sec / profile.elements * 1e9, 100.0 * sec / n / floatBatch);
    }
    std::printf("    %-18s %9.2f ms %7.2f ns/element %8.1f%%\n", "compare mode, all", all / n * 1e3,
                all / profile.elements * 1e9, 100.0 * all / n / floatBatch);
    // Were the statistics and observers run on the forward's thread, a batch would take the
    // float forward plus these costs (runCalibration runs them beside the forward instead).
    const double statsMinMax = (profile.seconds.at("point statistics") + profile.seconds.at("min_max")) / n;
    std::printf("  float min + CPU costs (the same work on the forward's thread): min_max %s, compare %s of float\n",
                bench::ratio(floatBatch + statsMinMax, floatBatch).c_str(),
                bench::ratio(floatBatch + all / n, floatBatch).c_str());
    const bench::SearchFigures s = bench::measureSearches(profile, int(batches.size()));
    std::printf("  retune percentile, all %zu points x %zu batches: %.2f ms (thread CPU)\n", points, batches.size(),
                s.percentileRetuneAllPointsMs);
    std::printf("  hist_entropy search (up to %d bins): mean %.2f ms, max %.2f ms per point; kl (2048 bins) search: "
                "mean %.2f ms, max %.2f ms per point\n",
                s.bins, s.histEntropyMeanMs, s.histEntropyMaxMs, s.kl2048MeanMs, s.kl2048MaxMs);
    sessionFigures(compare.result, compare.bank, o.dataDir);
}


Options parse(int argc, char** argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--only") o.only = value();
        else if (a == "--threads") o.threads = std::stoi(value());
        else if (a == "--repeat") o.repeat = std::max(1, std::stoi(value()));
        else if (a == "--batches") o.batches = std::max(6, std::stoi(value()));
        else if (a == "--compare-batches") o.compareBatches = std::stoi(value());
        else if (a == "--demo") o.demo = value();
        else if (a == "--resnet") o.resnet = value();
        else if (a == "--data-dir") o.dataDir = value();
        else if (a == "--calibrate-only") o.calibrateOnly = true;
        else {
            std::fprintf(stderr, "usage: bench_calibration [--only demo|resnet18] [--threads N] [--repeat N] "
                                 "[--batches N] [--compare-batches N] [--demo PATH] [--resnet PATH] [--data-dir DIR]\n");
            std::exit(2);
        }
    }
    return o;
}

} // namespace

int main(int argc, char** argv)
{
    const Options o = parse(argc, argv);
    keepFreedMemoryForReuse(); // as calibscope and calibscope-cli do
    std::printf("bench_calibration, %s build, %s\n%s\nLibTorch %s, %d compute threads\n", CALIBSCOPE_BUILD_TYPE,
                bench::todayUtc().c_str(), bench::machineDescription().c_str(), TORCH_VERSION, o.threads);

    std::vector<Case> cases;
    if (o.only.empty() || o.only == "demo") {
        Case demo{"demo", {}, -1};
        demo.config = cs::test::demoCalibrationConfig(o.demo, -1);
        cases.push_back(demo);
    }
    if (o.only.empty() || o.only == "resnet18") {
        Case resnet{"resnet18 (scripted torchvision, random weights)", {}, o.compareBatches};
        CalibrationConfig& c = resnet.config;
        c.modelPath = o.resnet;
        c.batchSize = 16;
        c.numBatches = o.batches;
        c.data.path = bench::ensureRandomNpy(o.dataDir, {int64_t(16) * o.batches, 3, 224, 224}, 1);
        cases.push_back(resnet);
    }
    for (Case& c : cases) {
        c.config.threads = o.threads;
        if (!std::filesystem::exists(c.config.modelPath)) {
            std::printf("\n== %s: %s is missing (ctest -R fixture_ makes it; see BENCHMARKS.md): skipped ==\n",
                        c.name.c_str(), c.config.modelPath.c_str());
            continue;
        }
        runCase(c, o);
    }
    return 0;
}
