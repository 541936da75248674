#include "core/analysis/convergence.h"

#include "core/observers/observer_registry.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <random>
#include <sstream>
#include <stdexcept>

namespace cs {
namespace {

// Observers whose per-batch statistic is the batch's min and max alone: a two-element batch
// {min, max} feeds them exactly what the whole batch did.
bool needsMinMaxOnly(const std::string& observer)
{
    return observer == "min_max" || observer == "clip" || observer == "running_min_max" || observer == "fixed_scale";
}

// One batch rebuilt from its summary for the observer: {min, max}, or the |x| histogram as
// bin centres with the exact min and max in place of one element of their bins.
void batchInput(const BatchSummary& b, bool minMaxOnly, std::vector<float>& out)
{
    out.clear();
    if (b.count <= 0)
        return;
    if (minMaxOnly) {
        out = {b.min, b.max};
        return;
    }
    const auto bins = static_cast<int64_t>(b.absHistogram.size());
    if (b.absMax <= 0.0f || bins == 0) {
        out.assign(static_cast<size_t>(b.count), 0.0f);
        return;
    }
    out.reserve(static_cast<size_t>(b.count));
    const float width = b.absMax / static_cast<float>(bins);
    for (int64_t i = 0; i < bins; ++i) {
        const auto n = static_cast<int64_t>(b.absHistogram[size_t(i)]);
        if (n == 0)
            continue;
        const float centre = (static_cast<float>(i) + 0.5f) * width;
        // A value of this bin inside [min, max]: the centre with either sign, else the
        // extreme that lies in this bin (the lowest non-empty bin of one-signed data).
        float v = centre;
        if (centre > b.max || centre < b.min)
            v = (-centre >= b.min && -centre <= b.max) ? -centre
                                                       : (std::fabs(b.min) < std::fabs(b.max) ? b.min : b.max);
        out.insert(out.end(), static_cast<size_t>(n), v);
    }
    if (out.empty())
        out.push_back(0.0f);
    // The extremes: the element in the bin holding |v| nearest to |v| is replaced by v.
    auto place = [&](float v, size_t avoid) {
        const float a = std::fabs(v);
        size_t best = 0;
        float bestDist = INFINITY;
        // Elements are sorted by bin, so a binary search finds the nearest centre.
        const auto it = std::lower_bound(out.begin(), out.end(), a,
                                         [](float x, float key) { return std::fabs(x) < key; });
        for (auto k : {it - out.begin() - 1, it - out.begin()}) {
            if (k < 0 || size_t(k) >= out.size() || size_t(k) == avoid)
                continue;
            const float d = std::fabs(std::fabs(out[size_t(k)]) - a);
            if (d < bestDist) {
                bestDist = d;
                best = size_t(k);
            }
        }
        out[best] = v;
        return best;
    };
    const size_t atMax = place(b.max, size_t(-1));
    if (out.size() > 1 && b.min != b.max)
        place(b.min, atMax);
}

std::unique_ptr<obs::Observer> makeObserver(const ObserverConfig& config)
{
    if (config.keepFloat)
        throw std::invalid_argument("kept in float: nothing to replay");
    if (config.spec.perChannel())
        throw std::invalid_argument("per-channel grid: the per-batch statistics are per tensor");
    return obs::createObserver(config.name, config.params, config.spec);
}

double relativeRange(float mn, float mx) { return std::max(std::fabs(double(mn)), std::fabs(double(mx))); }

std::string percent(double v, int precision = 2)
{
    std::ostringstream s;
    s << std::fixed << std::setprecision(precision) << v;
    return s.str();
}

} // namespace

std::vector<obs::ObserverResult> replayObserver(const PointStatistics& stats, const ObserverConfig& config,
                                                const std::vector<int>& order)
{
    auto observer = makeObserver(config);
    const bool minMaxOnly = needsMinMaxOnly(config.name);
    std::vector<obs::ObserverResult> results;
    results.reserve(order.size());
    std::vector<float> input;
    for (int index : order) {
        if (index < 0 || size_t(index) >= stats.batches.size())
            throw std::invalid_argument("batch " + std::to_string(index) + " is not in the statistics");
        batchInput(stats.batches[size_t(index)], minMaxOnly, input);
        if (!input.empty())
            observer->observe(obs::TensorView(input.data(), {static_cast<int64_t>(input.size())}));
        results.push_back(observer->result());
    }
    return results;
}

std::vector<double> bootstrapScales(const PointStatistics& stats, const ObserverConfig& config, int firstBatches,
                                    int resamples, uint64_t seed)
{
    firstBatches = std::min<int>(firstBatches, int(stats.batches.size()));
    std::vector<double> scales;
    if (firstBatches <= 0)
        return scales;
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> pick(0, firstBatches - 1);
    std::vector<int> order(size_t(firstBatches), 0);
    for (int r = 0; r < resamples; ++r) {
        for (int& i : order)
            i = pick(rng);
        const auto results = replayObserver(stats, config, order);
        scales.push_back(results.back().scale.empty() ? 0.0 : double(results.back().scale[0]));
    }
    return scales;
}

ConvergenceReport analyzeConvergence(const CalibrationResult& result, const ConvergenceOptions& options)
{
    ConvergenceReport report;
    report.batches = result.batches;
    report.batchSize = result.config.batchSize;
    report.tolerance = options.tolerance;
    report.resamples = options.resamples;
    report.seed = options.seed;
    for (const PointCalibration& p : result.points) {
        ConvergencePoint cp;
        cp.name = p.name;
        cp.observer = p.config.name;
        const int n = int(p.stats.batches.size());
        report.batches = std::max(report.batches, n);
        if (p.config.keepFloat)
            cp.note = "kept in float";
        else if (p.config.spec.perChannel())
            cp.note = "per-channel grid: not replayed";
        else if (n == 0)
            cp.note = "no batches retained";
        if (!cp.note.empty()) {
            report.points.push_back(std::move(cp));
            continue;
        }
        std::vector<int> order(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i)
            order[size_t(i)] = i;
        std::vector<obs::ObserverResult> steps;
        try {
            steps = replayObserver(p.stats, p.config, order);
        } catch (const std::invalid_argument& e) {
            cp.note = e.what();
            report.points.push_back(std::move(cp));
            continue;
        }
        cp.replayed = true;
        for (const auto& r : steps) {
            cp.clipMin.push_back(r.min.empty() ? 0.0f : r.min[0]);
            cp.clipMax.push_back(r.max.empty() ? 0.0f : r.max[0]);
            cp.scale.push_back(r.scale.empty() ? 0.0f : r.scale[0]);
        }
        const obs::ObserverResult& last = steps.back();
        cp.exact = last.min == p.result.min && last.max == p.result.max && last.scale == p.result.scale;

        const float finalMin = cp.clipMin.back(), finalMax = cp.clipMax.back();
        const double reach = relativeRange(finalMin, finalMax);
        const double allowed = options.tolerance * reach;
        int settledAfter = n;
        for (int j = n - 1; j >= 0; --j) {
            if (std::fabs(double(cp.clipMin[size_t(j)]) - finalMin) > allowed
                || std::fabs(double(cp.clipMax[size_t(j)]) - finalMax) > allowed)
                break;
            settledAfter = j + 1;
        }
        cp.settledAfter = reach > 0 ? settledAfter : 1;
        cp.settled = n > 1 && n - cp.settledAfter >= std::max(1, n / 4);

        if (n > 1 && options.resamples > 1 && !cp.scale.empty() && cp.scale.back() > 0) {
            std::vector<double> scales = bootstrapScales(p.stats, p.config, n, options.resamples, options.seed);
            const double reference = cp.scale.back();
            double mean = 0;
            for (double s : scales)
                mean += s;
            mean /= double(scales.size());
            double var = 0;
            for (double s : scales)
                var += (s - mean) * (s - mean);
            var /= double(scales.size() - 1);
            std::sort(scales.begin(), scales.end());
            auto quantile = [&](double q) {
                const double pos = q * double(scales.size() - 1);
                const auto lo = size_t(std::floor(pos));
                const size_t hi = std::min(lo + 1, scales.size() - 1);
                return scales[lo] + (pos - double(lo)) * (scales[hi] - scales[lo]);
            };
            cp.hasBand = true;
            cp.scaleSpreadPct = 100.0 * std::sqrt(var) / reference;
            cp.scaleLowPct = 100.0 * (quantile(0.05) / reference - 1.0);
            cp.scaleHighPct = 100.0 * (quantile(0.95) / reference - 1.0);
        }
        report.points.push_back(std::move(cp));
    }

    report.oneBatch = report.batches <= 1;
    int replayed = 0;
    for (const auto& cp : report.points) {
        if (!cp.replayed)
            continue;
        ++replayed;
        if (cp.settled)
            report.settledAfter = std::max(report.settledAfter, cp.settledAfter);
        else
            ++report.unsettled;
    }
    report.settled = replayed > 0 && report.unsettled == 0 && !report.oneBatch;
    if (report.oneBatch)
        report.verdict = "one batch only: convergence needs at least two batches (calibrate with more data)";
    else if (replayed == 0)
        report.verdict = "no point could be replayed";
    else if (report.settled)
        report.verdict = "ranges settled after " + std::to_string(report.settledAfter) + " batches ("
                         + std::to_string(int64_t(report.settledAfter) * report.batchSize) + " images)";
    else
        report.verdict = "not settled at " + std::to_string(report.unsettled) + " point"
                         + (report.unsettled == 1 ? "" : "s") + ": add data";
    return report;
}

std::string formatConvergenceTable(const ConvergenceReport& report)
{
    std::ostringstream out;
    out << "convergence over " << report.batches << " batches of " << report.batchSize << " (tolerance "
        << percent(100 * report.tolerance, 1) << " %, bootstrap " << report.resamples << " resamples, seed "
        << report.seed << ")\n";
    size_t w = 5;
    for (const auto& p : report.points)
        w = std::max(w, p.name.size());
    out << std::left << std::setw(int(w)) << "point" << "  " << std::setw(16) << "observer" << std::right
        << std::setw(12) << "clip min" << std::setw(12) << "clip max" << std::setw(13) << "scale"
        << std::setw(9) << "settled" << std::setw(11) << "spread %" << std::setw(20) << "5..95 % band"
        << "  note\n";
    for (const auto& p : report.points) {
        out << std::left << std::setw(int(w)) << p.name << "  " << std::setw(16) << p.observer << std::right;
        if (!p.replayed) {
            out << "  " << p.note << '\n';
            continue;
        }
        out << std::setw(12) << std::setprecision(6) << p.clipMin.back() << std::setw(12) << p.clipMax.back()
            << std::setw(13) << std::setprecision(6) << p.scale.back() << std::setw(9)
            << (p.settled ? std::to_string(p.settledAfter) : std::string("no"));
        if (p.hasBand)
            out << std::setw(11) << percent(p.scaleSpreadPct) << std::setw(20)
                << (percent(p.scaleLowPct) + ".." + percent(p.scaleHighPct));
        else
            out << std::setw(11) << "-" << std::setw(20) << "-";
        out << "  " << (p.exact ? "" : "replay approximate");
        out << '\n';
    }
    out << "verdict: " << report.verdict << '\n';
    return out.str();
}

std::string formatConvergenceCsv(const ConvergenceReport& report)
{
    std::ostringstream out;
    out << "point,observer,replayed,exact,batches,clip_min,clip_max,scale,settled,settled_after,"
           "scale_spread_pct,scale_p5_pct,scale_p95_pct,note\n";
    out << std::setprecision(9);
    for (const auto& p : report.points) {
        out << p.name << ',' << p.observer << ',' << (p.replayed ? 1 : 0) << ',' << (p.exact ? 1 : 0) << ','
            << p.scale.size() << ',';
        if (p.replayed)
            out << p.clipMin.back() << ',' << p.clipMax.back() << ',' << p.scale.back() << ',' << (p.settled ? 1 : 0)
                << ',' << p.settledAfter << ',';
        else
            out << ",,,,,";
        if (p.hasBand)
            out << p.scaleSpreadPct << ',' << p.scaleLowPct << ',' << p.scaleHighPct << ',';
        else
            out << ",,,";
        out << '"' << p.note << "\"\n";
    }
    return out.str();
}

std::string formatConvergenceJson(const ConvergenceReport& report)
{
    QJsonArray points;
    for (const auto& p : report.points) {
        QJsonObject o{{QStringLiteral("name"), QString::fromStdString(p.name)},
                      {QStringLiteral("observer"), QString::fromStdString(p.observer)},
                      {QStringLiteral("replayed"), p.replayed}};
        if (!p.replayed) {
            o.insert(QStringLiteral("note"), QString::fromStdString(p.note));
            points.append(o);
            continue;
        }
        QJsonArray mins, maxs, scales;
        for (size_t i = 0; i < p.scale.size(); ++i) {
            mins.append(double(p.clipMin[i]));
            maxs.append(double(p.clipMax[i]));
            scales.append(double(p.scale[i]));
        }
        o.insert(QStringLiteral("exact"), p.exact);
        o.insert(QStringLiteral("clip_min"), mins);
        o.insert(QStringLiteral("clip_max"), maxs);
        o.insert(QStringLiteral("scale"), scales);
        o.insert(QStringLiteral("settled"), p.settled);
        o.insert(QStringLiteral("settled_after"), p.settledAfter);
        if (p.hasBand)
            o.insert(QStringLiteral("bootstrap"), QJsonObject{{QStringLiteral("scale_spread_pct"), p.scaleSpreadPct},
                                                              {QStringLiteral("scale_p5_pct"), p.scaleLowPct},
                                                              {QStringLiteral("scale_p95_pct"), p.scaleHighPct}});
        else
            o.insert(QStringLiteral("bootstrap"), QJsonValue(QJsonValue::Null));
        points.append(o);
    }
    QJsonObject root{{QStringLiteral("batches"), report.batches},
                     {QStringLiteral("batch_size"), report.batchSize},
                     {QStringLiteral("tolerance"), report.tolerance},
                     {QStringLiteral("resamples"), report.resamples},
                     {QStringLiteral("seed"), QString::number(report.seed)},
                     {QStringLiteral("one_batch"), report.oneBatch},
                     {QStringLiteral("settled"), report.settled},
                     {QStringLiteral("settled_after"), report.settled ? QJsonValue(report.settledAfter)
                                                                      : QJsonValue(QJsonValue::Null)},
                     {QStringLiteral("unsettled_points"), report.unsettled},
                     {QStringLiteral("verdict"), QString::fromStdString(report.verdict)},
                     {QStringLiteral("points"), points}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented).toStdString();
}

} // namespace cs
