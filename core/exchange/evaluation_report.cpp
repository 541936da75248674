#include "core/exchange/evaluation_report.h"

#include "core/analysis/coverage.h"
#include "core/platform/atomic_file.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace cs {
namespace {

// JSON has no infinity: an error-free SQNR is written as null.
QJsonValue finite(double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(); }

QJsonObject toJson(const PointMetrics& m)
{
    return QJsonObject{{QStringLiteral("count"), qint64(m.count)},
                       {QStringLiteral("l2"), m.l2},
                       {QStringLiteral("mse"), m.mse},
                       {QStringLiteral("sqnr_db"), finite(m.sqnrDb)},
                       {QStringLiteral("cosine"), m.cosine},
                       {QStringLiteral("max_abs_error"), m.maxAbsError},
                       {QStringLiteral("rmse_over_scale"), m.rmseOverScale},
                       {QStringLiteral("clipped_fraction"), m.clippedFraction},
                       {QStringLiteral("clipping_error"), m.clippingError},
                       {QStringLiteral("rounding_error"), m.roundingError},
                       {QStringLiteral("non_finite"), qint64(m.nonFinite)}};
}

QJsonObject toJson(const OutputMetrics& m)
{
    return QJsonObject{{QStringLiteral("samples"), qint64(m.samples)},
                       {QStringLiteral("labelled"), qint64(m.labelled)},
                       {QStringLiteral("top1"), m.top1},
                       {QStringLiteral("top5"), m.top5},
                       {QStringLiteral("argmax_agreement"), m.argmaxAgreement},
                       {QStringLiteral("output_sqnr_db"), finite(m.sqnrDb)},
                       {QStringLiteral("output_cosine"), m.cosine}};
}

std::string fixed(double v, int digits)
{
    if (!std::isfinite(v))
        return "inf";
    std::ostringstream s;
    s << std::fixed << std::setprecision(digits) << v;
    return s.str();
}

} // namespace

QJsonObject evaluationToJson(const CalibrationResult& calibration, const EvaluationResult& e)
{
    QJsonArray accuracy;
    for (const auto& row : e.accuracy) {
        QJsonObject o = toJson(row.metrics);
        o.insert(QStringLiteral("label"), QString::fromStdString(row.label));
        o.insert(QStringLiteral("delta_top1"), row.metrics.top1 - e.floatMetrics.top1);
        accuracy.append(o);
    }
    QJsonArray points;
    for (const auto& p : e.points)
        points.append(QJsonObject{{QStringLiteral("name"), QString::fromStdString(p.name)},
                                  {QStringLiteral("local"), toJson(p.local)},
                                  {QStringLiteral("accumulated"), toJson(p.accumulated)}});
    QJsonArray sensitivity;
    for (size_t i = 0; i < e.sensitivity.size(); ++i) {
        const auto& s = e.sensitivity[i];
        QJsonObject o{{QStringLiteral("rank"), int(i + 1)},
                      {QStringLiteral("point"), QString::fromStdString(s.point)},
                      {QStringLiteral("drop"), s.drop},
                      {QStringLiteral("only_this"), toJson(s.onlyThis)}};
        if (s.allButThis.samples)
            o.insert(QStringLiteral("all_but_this"), toJson(s.allButThis));
        sensitivity.append(o);
    }
    QJsonArray autoPlan;
    for (const auto& c : e.autoPlan) {
        QJsonObject candidates;
        for (const auto& [name, l2] : c.candidates)
            candidates.insert(QString::fromStdString(name), l2);
        autoPlan.append(QJsonObject{{QStringLiteral("point"), QString::fromStdString(c.point)},
                                    {QStringLiteral("observer"), QString::fromStdString(c.observer)},
                                    {QStringLiteral("local_l2"), c.localL2},
                                    {QStringLiteral("candidates"), candidates},
                                    {QStringLiteral("reason"), QString::fromStdString(c.reason)}});
    }
    QJsonArray nonFinite;
    for (const auto& n : e.nonFinite)
        nonFinite.append(QJsonObject{{QStringLiteral("point"), QString::fromStdString(n.point)},
                                     {QStringLiteral("pass"), QString::fromStdString(n.pass)},
                                     {QStringLiteral("batch"), n.batch},
                                     {QStringLiteral("count"), qint64(n.count)}});
    QJsonArray sweep;
    for (const auto& row : e.sweep) {
        QJsonObject o = toJson(row.metrics);
        o.insert(QStringLiteral("percentile"), row.percentile);
        o.insert(QStringLiteral("bins"), row.bins);
        sweep.append(o);
    }
    QJsonArray warnings;
    for (const auto& w : e.warnings)
        warnings.append(QString::fromStdString(w));
    return QJsonObject{{QStringLiteral("sweep"), sweep},{QStringLiteral("format"), QStringLiteral("calibscope-evaluation")},
                       {QStringLiteral("version"), 1},
                       {QStringLiteral("model"), QJsonObject{{QStringLiteral("path"), QString::fromStdString(calibration.model.path)},
                                                             {QStringLiteral("sha256"), QString::fromStdString(calibration.model.sha256)}}},
                       {QStringLiteral("images"), qint64(e.images)},
                       {QStringLiteral("batches"), e.batches},
                       {QStringLiteral("seconds"), e.seconds},
                       {QStringLiteral("has_labels"), e.hasLabels},
                       {QStringLiteral("accuracy"), accuracy},
                       {QStringLiteral("points"), points},
                       {QStringLiteral("sensitivity"), sensitivity},
                       {QStringLiteral("auto_plan"), autoPlan},
                       {QStringLiteral("non_finite"), nonFinite},
                       {QStringLiteral("warnings"), warnings},
                       {QStringLiteral("coverage"), coverageToJson(analyzeCoverage(calibration, e))}};
}

void writeEvaluationReport(const CalibrationResult& calibration, const EvaluationResult& evaluation,
                           const std::string& path)
{
    writeFileAtomically(path, QJsonDocument(evaluationToJson(calibration, evaluation)).toJson().toStdString());
}

std::string formatEvaluation(const EvaluationResult& e, int worstPoints)
{
    std::ostringstream out;
    out << "Accuracy (" << e.images << " images" << (e.hasLabels ? ", labelled" : ", no labels") << ")\n";
    out << std::left << std::setw(18) << "plan" << std::setw(9) << "top-1" << std::setw(9) << "top-5" << std::setw(9)
        << "delta" << std::setw(12) << "out SQNR" << "agree\n";
    for (const auto& row : e.accuracy)
        out << std::left << std::setw(18) << row.label << std::setw(9) << fixed(100 * row.metrics.top1, 2)
            << std::setw(9) << fixed(100 * row.metrics.top5, 2) << std::setw(9)
            << fixed(100 * (row.metrics.top1 - e.floatMetrics.top1), 2) << std::setw(12)
            << (row.label == kFloatRow ? std::string("-") : fixed(row.metrics.sqnrDb, 1))
            << fixed(100 * row.metrics.argmaxAgreement, 2) << '\n';

    std::vector<const PointEvaluation*> worst;
    for (const auto& p : e.points)
        worst.push_back(&p);
    std::sort(worst.begin(), worst.end(),
              [](const auto* a, const auto* b) { return a->accumulated.sqnrDb < b->accumulated.sqnrDb; });
    out << "\nPoints with the lowest accumulated SQNR\n"
        << std::left << std::setw(22) << "point" << std::setw(12) << "local dB" << std::setw(12) << "accum dB"
        << std::setw(12) << "local L2" << "clipped %\n";
    for (size_t i = 0; i < worst.size() && int(i) < worstPoints; ++i)
        out << std::left << std::setw(22) << worst[i]->name << std::setw(12) << fixed(worst[i]->local.sqnrDb, 1)
            << std::setw(12) << fixed(worst[i]->accumulated.sqnrDb, 1) << std::setw(12) << fixed(worst[i]->local.l2, 3)
            << fixed(100 * worst[i]->local.clippedFraction, 4) << '\n';
    if (!e.sensitivity.empty()) {
        out << "\nMost sensitive points (only that point quantized)\n";
        for (size_t i = 0; i < e.sensitivity.size() && int(i) < worstPoints; ++i)
            out << std::left << std::setw(4) << (i + 1) << std::setw(22) << e.sensitivity[i].point << "drop "
                << fixed(e.sensitivity[i].drop, 3) << '\n';
    }
    if (!e.autoPlan.empty()) {
        out << "\nAutomatic plan\n";
        for (const auto& c : e.autoPlan)
            out << "  " << std::left << std::setw(22) << c.point << c.observer << "  (local L2 " << fixed(c.localL2, 3)
                << ")\n";
    }
    if (!e.sweep.empty()) {
        out << "\nSweep (best first)\n" << std::left << std::setw(12) << "percentile" << std::setw(8) << "bins"
            << std::setw(9) << "top-1" << "out SQNR\n";
        for (const auto& row : e.sweep)
            out << std::left << std::setw(12) << fixed(row.percentile, 4) << std::setw(8) << row.bins << std::setw(9)
                << fixed(100 * row.metrics.top1, 2) << fixed(row.metrics.sqnrDb, 1) << '\n';
    }
    for (const auto& n : e.nonFinite)
        out << "NaN/Inf: " << n.point << " (" << n.pass << " pass, batch " << n.batch << "): " << n.count << '\n';
    for (const auto& w : e.warnings)
        out << "warning: " << w << '\n';
    return out.str();
}

} // namespace cs
