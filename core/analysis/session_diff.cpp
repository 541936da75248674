#include "core/analysis/session_diff.h"

#include "core/observers/quant_types.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <sstream>

namespace cs {
namespace {

std::vector<double> rebin(const HistogramData& h, double lo, double hi, int bins)
{
    std::vector<double> out(size_t(bins), 0.0);
    const double width = (hi - lo) / bins;
    const double w = h.binWidth();
    for (size_t i = 0; i < h.counts.size(); ++i) {
        const double c = h.counts[i];
        if (c == 0)
            continue;
        const double a = h.lo + double(i) * w, b = a + w;
        if (w <= 0 || width <= 0) {
            out[0] += c;
            continue;
        }
        auto first = int64_t(std::floor((a - lo) / width));
        auto last = int64_t(std::floor((b - lo) / width));
        first = std::clamp<int64_t>(first, 0, bins - 1);
        last = std::clamp<int64_t>(last, 0, bins - 1);
        for (int64_t k = first; k <= last; ++k) {
            const double ka = lo + double(k) * width, kb = ka + width;
            const double overlap = std::min(b, kb) - std::max(a, ka);
            if (overlap > 0)
                out[size_t(k)] += c * overlap / w;
        }
    }
    return out;
}

float first(const std::vector<float>& v) { return v.empty() ? 0.0f : v[0]; }

std::string fixed(double v, int precision)
{
    std::ostringstream s;
    s << std::fixed << std::setprecision(precision) << v;
    return s.str();
}

} // namespace

double jensenShannon(const HistogramData& a, const HistogramData& b, int bins)
{
    if (a.total() <= 0 || b.total() <= 0)
        return -1;
    const double lo = std::min(a.lo, b.lo), hi = std::max(a.hi, b.hi);
    return jensenShannon(rebin(a, lo, hi, bins), rebin(b, lo, hi, bins));
}

double jensenShannon(const std::vector<double>& p, const std::vector<double>& q)
{
    const size_t bins = std::min(p.size(), q.size());
    double sp = 0, sq = 0;
    for (size_t i = 0; i < bins; ++i) {
        sp += p[i];
        sq += q[i];
    }
    if (sp <= 0 || sq <= 0)
        return -1;
    double js = 0;
    for (size_t i = 0; i < bins; ++i) {
        const double pi = p[i] / sp, qi = q[i] / sq, m = 0.5 * (pi + qi);
        if (pi > 0)
            js += 0.5 * pi * std::log2(pi / m);
        if (qi > 0)
            js += 0.5 * qi * std::log2(qi / m);
    }
    return std::clamp(js, 0.0, 1.0);
}

SessionDiff diffSessions(const CalibrationResult& a, const CalibrationResult& b)
{
    SessionDiff d;
    d.sameModel = a.model.sha256 == b.model.sha256;
    if (a.config.histogramBins != b.config.histogramBins) {
        d.incompatible = "histogram bins differ: " + std::to_string(a.config.histogramBins) + " vs "
                         + std::to_string(b.config.histogramBins);
        return d;
    }
    std::map<std::string, const PointCalibration*> inB;
    for (const auto& p : b.points)
        inB[p.name] = &p;
    for (const auto& pa : a.points) {
        auto it = inB.find(pa.name);
        if (it == inB.end()) {
            d.onlyA.push_back(pa.name);
            continue;
        }
        const PointCalibration& pb = *it->second;
        inB.erase(it);
        if (pa.config.spec.dtype != pb.config.spec.dtype) {
            d.incompatible = "point " + pa.name + ": dtypes differ: " + obs::toString(pa.config.spec.dtype) + " vs "
                             + obs::toString(pb.config.spec.dtype);
            d.points.clear();
            return d;
        }
        PointDiff pd;
        pd.name = pa.name;
        pd.observerA = pa.config.keepFloat ? "float" : pa.config.name;
        pd.observerB = pb.config.keepFloat ? "float" : pb.config.name;
        pd.minA = first(pa.result.min);
        pd.maxA = first(pa.result.max);
        pd.minB = first(pb.result.min);
        pd.maxB = first(pb.result.max);
        pd.scaleA = first(pa.result.scale);
        pd.scaleB = first(pb.result.scale);
        pd.scaleChangePct = pd.scaleA != 0 ? 100.0 * (double(pd.scaleB) / pd.scaleA - 1.0) : 0.0;
        const double ra = std::max(std::fabs(pd.minA), std::fabs(pd.maxA));
        const double rb = std::max(std::fabs(pd.minB), std::fabs(pd.maxB));
        pd.rangeChangePct = ra != 0 ? 100.0 * (rb / ra - 1.0) : 0.0;
        pd.jsDivergence = jensenShannon(pa.stats.histogram, pb.stats.histogram);
        d.points.push_back(std::move(pd));
    }
    for (const auto& pb : b.points)
        if (inB.count(pb.name))
            d.onlyB.push_back(pb.name);
    return d;
}

void sortByChange(SessionDiff& diff)
{
    std::stable_sort(diff.points.begin(), diff.points.end(), [](const PointDiff& x, const PointDiff& y) {
        const double cx = std::fabs(x.scaleChangePct), cy = std::fabs(y.scaleChangePct);
        if (cx != cy)
            return cx > cy;
        return x.jsDivergence > y.jsDivergence;
    });
}

std::string formatDiffTable(const SessionDiff& diff, const std::string& nameA, const std::string& nameB)
{
    std::ostringstream out;
    out << "A: " << nameA << "\nB: " << nameB << '\n';
    if (!diff.sameModel)
        out << "models differ (sha256): " << diff.points.size() << " points match by name, " << diff.onlyA.size()
            << " only in A, " << diff.onlyB.size() << " only in B\n";
    size_t w = 5;
    for (const auto& p : diff.points)
        w = std::max(w, p.name.size());
    out << std::left << std::setw(int(w)) << "point" << "  " << std::setw(24) << "observer A -> B" << std::right
        << std::setw(24) << "clip A" << std::setw(24) << "clip B" << std::setw(10) << "scale %" << std::setw(10)
        << "range %" << std::setw(10) << "JS div" << '\n';
    for (const auto& p : diff.points) {
        const std::string obsText = p.observerA == p.observerB ? p.observerA : p.observerA + " -> " + p.observerB;
        out << std::left << std::setw(int(w)) << p.name << "  " << std::setw(24) << obsText << std::right
            << std::setw(24) << ("[" + fixed(p.minA, 4) + ", " + fixed(p.maxA, 4) + "]") << std::setw(24)
            << ("[" + fixed(p.minB, 4) + ", " + fixed(p.maxB, 4) + "]") << std::setw(10)
            << ((p.scaleChangePct >= 0 ? "+" : "") + fixed(p.scaleChangePct, 2)) << std::setw(10)
            << ((p.rangeChangePct >= 0 ? "+" : "") + fixed(p.rangeChangePct, 2)) << std::setw(10)
            << (p.jsDivergence < 0 ? std::string("-") : fixed(p.jsDivergence, 5)) << '\n';
    }
    for (const auto& n : diff.onlyA)
        out << "only in A: " << n << '\n';
    for (const auto& n : diff.onlyB)
        out << "only in B: " << n << '\n';
    out << "JS div: Jensen-Shannon divergence (base 2; 0 = same, 1 = disjoint) of the accumulated histograms "
           "on a shared 2048-bin grid\n";
    return out.str();
}

std::string formatDiffCsv(const SessionDiff& diff)
{
    std::ostringstream out;
    out << std::setprecision(9)
        << "point,in,observer_a,observer_b,clip_min_a,clip_max_a,clip_min_b,clip_max_b,scale_a,scale_b,"
           "scale_change_pct,range_change_pct,js_divergence\n";
    for (const auto& p : diff.points)
        out << p.name << ",both," << p.observerA << ',' << p.observerB << ',' << p.minA << ',' << p.maxA << ','
            << p.minB << ',' << p.maxB << ',' << p.scaleA << ',' << p.scaleB << ',' << p.scaleChangePct << ','
            << p.rangeChangePct << ',' << (p.jsDivergence < 0 ? std::string() : fixed(p.jsDivergence, 9)) << '\n';
    for (const auto& n : diff.onlyA)
        out << n << ",a,,,,,,,,,,,\n";
    for (const auto& n : diff.onlyB)
        out << n << ",b,,,,,,,,,,,\n";
    return out.str();
}

std::string formatDiffJson(const SessionDiff& diff, const std::string& nameA, const std::string& nameB)
{
    QJsonArray points, onlyA, onlyB;
    for (const auto& p : diff.points)
        points.append(QJsonObject{
            {QStringLiteral("name"), QString::fromStdString(p.name)},
            {QStringLiteral("observer_a"), QString::fromStdString(p.observerA)},
            {QStringLiteral("observer_b"), QString::fromStdString(p.observerB)},
            {QStringLiteral("clip_a"), QJsonArray{double(p.minA), double(p.maxA)}},
            {QStringLiteral("clip_b"), QJsonArray{double(p.minB), double(p.maxB)}},
            {QStringLiteral("scale_a"), double(p.scaleA)},
            {QStringLiteral("scale_b"), double(p.scaleB)},
            {QStringLiteral("scale_change_pct"), p.scaleChangePct},
            {QStringLiteral("range_change_pct"), p.rangeChangePct},
            {QStringLiteral("js_divergence"),
             p.jsDivergence < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(p.jsDivergence)}});
    for (const auto& n : diff.onlyA)
        onlyA.append(QString::fromStdString(n));
    for (const auto& n : diff.onlyB)
        onlyB.append(QString::fromStdString(n));
    QJsonObject root{{QStringLiteral("a"), QString::fromStdString(nameA)},
                     {QStringLiteral("b"), QString::fromStdString(nameB)},
                     {QStringLiteral("same_model"), diff.sameModel},
                     {QStringLiteral("histogram_distance"),
                      QStringLiteral("jensen_shannon_base2_shared_grid_2048")},
                     {QStringLiteral("points"), points},
                     {QStringLiteral("only_a"), onlyA},
                     {QStringLiteral("only_b"), onlyB}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented).toStdString();
}

} // namespace cs
