#include "core/analysis/coverage.h"

#include "core/analysis/session_diff.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace cs {
namespace {

std::string fixed(double v, int precision)
{
    std::ostringstream s;
    s << std::fixed << std::setprecision(precision) << v;
    return s.str();
}

std::string percent(double share) { return fixed(100.0 * share, 3) + " %"; }

// The calibration histogram on the evaluation's grid: same bounds and bin count.
bool sameGrid(const HistogramData& h, const CoverageGrid& g)
{
    return h.counts.size() == size_t(g.bins) && h.lo == g.lo && h.hi == g.hi;
}

} // namespace

const PointCoverage* CoverageReport::point(const std::string& name) const
{
    for (const auto& p : points)
        if (p.name == name)
            return &p;
    return nullptr;
}

double histogramShareOutside(const HistogramData& h, double dataMin, double dataMax, double clipMin, double clipMax)
{
    const double total = h.total();
    if (total <= 0)
        return 0;
    const double w = h.binWidth();
    double outside = 0;
    for (size_t i = 0; i < h.counts.size(); ++i) {
        const double c = h.counts[i];
        if (c == 0)
            continue;
        const double a = std::max(h.lo + double(i) * w, dataMin);
        const double b = std::min(h.lo + double(i + 1) * w, dataMax);
        if (b <= a) { // the bin's values sit at one point (or the bin lies off the data)
            const double x = std::clamp(a, dataMin, dataMax);
            outside += x < clipMin || x > clipMax ? c : 0.0;
            continue;
        }
        const double inside = std::max(0.0, std::min(b, clipMax) - std::max(a, clipMin));
        outside += c * (1.0 - inside / (b - a));
    }
    return std::clamp(outside / total, 0.0, 1.0);
}

std::string coverageRule(const CoverageOptions& options)
{
    return "flagged where the validation values fall outside the calibration clip range more than "
           + fixed(options.ratio, 0) + "x as often as the calibration values and in over "
           + fixed(100.0 * options.minShare, 1) + " % of cases";
}

CoverageReport analyzeCoverage(const CalibrationResult& calibration, const EvaluationResult& evaluation,
                               const CoverageOptions& options)
{
    CoverageReport report;
    report.options = options;
    report.recorded = !evaluation.validation.empty();
    std::vector<std::string> flagged;
    for (const auto& v : evaluation.validation) {
        const PointCalibration* cal = calibration.point(v.name);
        if (!cal)
            continue;
        PointCoverage pc;
        pc.name = v.name;
        pc.clipMin = v.grid.clipMin;
        pc.clipMax = v.grid.clipMax;
        pc.calibrationCount = cal->stats.count;
        pc.validationCount = v.count;
        if (v.count > 0) {
            pc.validationBelow = double(v.belowClip) / double(v.count);
            pc.validationAbove = double(v.aboveClip) / double(v.count);
            pc.validationOutside = double(v.belowClip + v.aboveClip) / double(v.count);
        }
        const HistogramData& h = cal->stats.histogram;
        if (!sameGrid(h, v.grid)) {
            pc.note = "calibration changed since the evaluation";
            report.points.push_back(std::move(pc));
            continue;
        }
        pc.calibrationOutside = histogramShareOutside(h, cal->stats.min, cal->stats.max, v.grid.clipMin, v.grid.clipMax);
        // One bin below and one above the grid take the validation values off it.
        std::vector<double> p(h.counts.size() + 2, 0.0), q(h.counts.size() + 2, 0.0);
        std::copy(h.counts.begin(), h.counts.end(), p.begin() + 1);
        std::copy(v.counts.begin(), v.counts.end(), q.begin() + 1);
        q.front() = double(v.below);
        q.back() = double(v.above);
        pc.jsDivergence = jensenShannon(p, q);
        pc.flagged = v.count > 0 && pc.validationOutside > options.ratio * pc.calibrationOutside
                     && pc.validationOutside > options.minShare;
        if (pc.flagged)
            flagged.push_back(pc.name);
        report.points.push_back(std::move(pc));
    }
    report.flagged = int(flagged.size());
    if (!report.recorded)
        report.verdict = "no validation histograms: evaluate again to measure the coverage";
    else if (flagged.empty())
        report.verdict = "the calibration set covers the validation data at every point";
    else {
        report.verdict = "the calibration set does not cover the validation data at " + std::to_string(flagged.size())
                         + (flagged.size() == 1 ? " point: " : " points: ");
        for (size_t i = 0; i < flagged.size() && i < 5; ++i)
            report.verdict += (i ? ", " : "") + flagged[i];
        if (flagged.size() > 5)
            report.verdict += ", ...";
    }
    return report;
}

std::string formatCoverageTable(const CoverageReport& report)
{
    std::ostringstream out;
    size_t w = 5;
    for (const auto& p : report.points)
        w = std::max(w, p.name.size());
    out << std::left << std::setw(int(w)) << "point" << std::right << std::setw(26) << "clip range" << std::setw(14)
        << "calib out" << std::setw(14) << "valid out" << std::setw(10) << "JS div" << "  flag\n";
    for (const auto& p : report.points) {
        out << std::left << std::setw(int(w)) << p.name << std::right << std::setw(26)
            << ("[" + fixed(p.clipMin, 4) + ", " + fixed(p.clipMax, 4) + "]");
        if (!p.note.empty()) {
            out << "  " << p.note << '\n';
            continue;
        }
        out << std::setw(14) << percent(p.calibrationOutside) << std::setw(14) << percent(p.validationOutside)
            << std::setw(10) << (p.jsDivergence < 0 ? std::string("-") : fixed(p.jsDivergence, 5))
            << (p.flagged ? "  not covered" : "") << '\n';
    }
    out << "out: share of values outside the clip range; JS div: Jensen-Shannon divergence (base 2) of the "
           "calibration and validation histograms on the calibration grid; "
        << coverageRule(report.options) << '\n';
    out << "coverage: " << report.verdict << '\n';
    return out.str();
}

std::string formatCoverageCsv(const CoverageReport& report)
{
    std::ostringstream out;
    out << std::setprecision(9)
        << "point,clip_min,clip_max,calibration_count,validation_count,calibration_outside,validation_outside,"
           "validation_below,validation_above,js_divergence,flagged,note\n";
    for (const auto& p : report.points)
        out << p.name << ',' << p.clipMin << ',' << p.clipMax << ',' << p.calibrationCount << ',' << p.validationCount
            << ',' << p.calibrationOutside << ',' << p.validationOutside << ',' << p.validationBelow << ','
            << p.validationAbove << ',' << (p.jsDivergence < 0 ? std::string() : fixed(p.jsDivergence, 9)) << ','
            << (p.flagged ? "true" : "false") << ',' << p.note << '\n';
    return out.str();
}

QJsonObject coverageToJson(const CoverageReport& report)
{
    QJsonArray points;
    for (const auto& p : report.points)
        points.append(QJsonObject{
            {QStringLiteral("name"), QString::fromStdString(p.name)},
            {QStringLiteral("clip"), QJsonArray{double(p.clipMin), double(p.clipMax)}},
            {QStringLiteral("calibration_count"), double(p.calibrationCount)},
            {QStringLiteral("validation_count"), double(p.validationCount)},
            {QStringLiteral("calibration_outside"), p.calibrationOutside},
            {QStringLiteral("validation_outside"), p.validationOutside},
            {QStringLiteral("validation_below"), p.validationBelow},
            {QStringLiteral("validation_above"), p.validationAbove},
            {QStringLiteral("js_divergence"),
             p.jsDivergence < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(p.jsDivergence)},
            {QStringLiteral("flagged"), p.flagged},
            {QStringLiteral("note"), QString::fromStdString(p.note)}});
    return QJsonObject{{QStringLiteral("recorded"), report.recorded},
                       {QStringLiteral("rule"), QString::fromStdString(coverageRule(report.options))},
                       {QStringLiteral("ratio"), report.options.ratio},
                       {QStringLiteral("min_share"), report.options.minShare},
                       {QStringLiteral("histogram_distance"), QStringLiteral("jensen_shannon_base2_calibration_grid")},
                       {QStringLiteral("flagged"), report.flagged},
                       {QStringLiteral("verdict"), QString::fromStdString(report.verdict)},
                       {QStringLiteral("points"), points}};
}

std::string formatCoverageJson(const CoverageReport& report)
{
    return QJsonDocument(coverageToJson(report)).toJson(QJsonDocument::Indented).toStdString();
}

} // namespace cs
