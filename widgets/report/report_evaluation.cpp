// The report's sections that read the evaluation: accuracy table and chart, sensitivity
// ranking, error propagation along the op order.
#include "core/evaluation.h"
#include "widgets/report/report_html.h"
#include "widgets/report/report_plots.h"
#include "widgets/report/report_sections.h"
#include "widgets/repair_labels.h"


#include <algorithm>
#include <cmath>

namespace cs::ui {

using namespace report;

namespace {

// Sensitivity rows shown: the top of the ranking is what a user acts on.
constexpr int kSensitivityRows = 10;

QString rowDescription(const std::string& label)
{
    if (label == kFloatRow)
        return HtmlReport::tr("float model (reference)");
    if (label == kPlanRow)
        return HtmlReport::tr("your plan");
    if (label == kAutoRow)
        return HtmlReport::tr("automatic plan (best observer per point)");
    if (isRepairRow(label))
        return esc(repairRowDisplay(label));
    return HtmlReport::tr("%1 at every point").arg(esc(label));
}

// Points whose configuration changed since the evaluation: its numbers describe an older plan.
int stalePoints(const CalibrationResult& c, const EvaluationResult& e)
{
    return e.planConfigs.empty() ? 0 : int(cs::stalePoints(e, c.points).size());
}

QString noEvaluation()
{
    return QStringLiteral("<p class=\"empty\">%1</p>\n")
        .arg(HtmlReport::tr("No evaluation: run <code>calibscope-cli evaluate</code> or Evaluate in the GUI."));
}

} // namespace

QString accuracySection(const ReportContext& context)
{
    const EvaluationResult* e = context.calibration.evaluation.get();
    const QString title = HtmlReport::tr("Accuracy");
    if (!e)
        return section(QStringLiteral("accuracy"), title, noEvaluation());

    QString body;
    body += QStringLiteral("<p>%1</p>\n").arg(
        HtmlReport::tr("Evaluated on %1 images in %2 batches of <code>%3</code> (%4) in %5 s.")
            // One multi-argument arg(): a '%' in the path must not be taken for a placeholder.
            .arg(QString::number(e->images), QString::number(e->batches), esc(e->data.path),
                 e->hasLabels ? HtmlReport::tr("labelled") : HtmlReport::tr("no labels"),
                 QString::number(e->seconds, 'f', 1)));
    if (const int stale = stalePoints(context.calibration, *e))
        body += QStringLiteral("<p class=\"note\">%1</p>\n")
                    .arg(HtmlReport::tr("The plan changed at %1 points since this evaluation: its numbers describe "
                                        "the earlier plan. Evaluate again for current figures.")
                             .arg(stale));
    if (e->accuracy.empty())
        return section(QStringLiteral("accuracy"), title,
                       body + QStringLiteral("<p class=\"empty\">%1</p>\n")
                                  .arg(HtmlReport::tr("The evaluation has no accuracy table.")));

    const bool labels = e->hasLabels;
    const double reference = labels ? e->floatMetrics.top1 : 1.0;
    QStringList headers{HtmlReport::tr("Row"), HtmlReport::tr("Quantized as")};
    QString align = QStringLiteral("ll");
    if (labels) {
        headers << HtmlReport::tr("Top-1") << HtmlReport::tr("Top-5");
        align += QStringLiteral("rr");
    }
    headers << HtmlReport::tr("Agreement with float") << HtmlReport::tr("Δ vs float")
            << HtmlReport::tr("Output SQNR (dB)") << HtmlReport::tr("Output cosine");
    align += QStringLiteral("rrrr");
    Table table(headers, align, QStringLiteral("accuracy"));
    for (const AccuracyRow& row : e->accuracy) {
        const OutputMetrics& m = row.metrics;
        const double value = rowAccuracy(m, labels);
        const bool isFloat = row.label == kFloatRow;
        // Percentage points, signed: "-0.42".
        const QString delta = isFloat ? QStringLiteral("—")
                                      : HtmlReport::tr("%1 pp").arg(QString::number(100.0 * (value - reference), 'f', 2));
        QStringList cells{QStringLiteral("<code>%1</code>").arg(esc(row.label)), rowDescription(row.label)};
        if (labels)
            cells << percent(m.top1) << percent(m.top5);
        cells << percent(m.argmaxAgreement) << delta << (isFloat ? QStringLiteral("—") : decibels(m.sqnrDb))
              << (isFloat ? QStringLiteral("—") : num(m.cosine, 6));
        table.addRow(cells, isFloat ? QStringLiteral("ref") : row.label == kPlanRow ? QStringLiteral("chosen") : QString());
    }
    body += table.html();
    if (!labels)
        body += QStringLiteral("<p>%1</p>\n").arg(HtmlReport::tr(
            "The validation data has no labels: rows are compared with the float model's outputs (the share of "
            "samples whose top-1 class agrees, and the SQNR of the logits)."));
    const QImage chart = renderAccuracyChart(*e, context.options.plotSize);
    body += imageTag(chart, HtmlReport::tr("Accuracy of each row of the table"));
    return section(QStringLiteral("accuracy"), title, body);
}

QString sensitivitySection(const ReportContext& context)
{
    const EvaluationResult* e = context.calibration.evaluation.get();
    if (!e || e->sensitivity.empty())
        return {};
    const bool labels = e->hasLabels;
    QString body = QStringLiteral("<p>%1</p>\n").arg(
        labels ? HtmlReport::tr("Each point quantized alone (with its weights), everything else in float; the drop "
                                "is the float model's top-1 minus that top-1. Most sensitive first.")
               : HtmlReport::tr("Each point quantized alone (with its weights), everything else in float; the drop "
                                "is derived from the output SQNR (no labels). Most sensitive first."));
    double maxDrop = 0;
    for (const auto& s : e->sensitivity)
        if (std::isfinite(s.drop))
            maxDrop = std::max(maxDrop, s.drop);
    QStringList headers{HtmlReport::tr("Rank"), HtmlReport::tr("Point"), HtmlReport::tr("Drop"), QString()};
    QString align = QStringLiteral("rlrl");
    headers << (labels ? HtmlReport::tr("Top-1, only this point") : HtmlReport::tr("Agreement, only this point"))
            << HtmlReport::tr("Output SQNR (dB)");
    align += QStringLiteral("rr");
    Table table(headers, align, QStringLiteral("sensitivity"));
    const int rows = std::min<int>(kSensitivityRows, int(e->sensitivity.size()));
    for (int i = 0; i < rows; ++i) {
        const SensitivityEntry& s = e->sensitivity[size_t(i)];
        // An inline bar: the ranking reads at a glance without another image.
        const int width = maxDrop > 0 && std::isfinite(s.drop) ? int(std::round(120.0 * std::max(0.0, s.drop) / maxDrop)) : 0;
        table.addRow({QString::number(i + 1), QStringLiteral("<code>%1</code>").arg(esc(s.point)),
                      num(s.drop, 4), QStringLiteral("<span class=\"bar\" style=\"width:%1px\"></span>").arg(width),
                      percent(labels ? s.onlyThis.top1 : s.onlyThis.argmaxAgreement), decibels(s.onlyThis.sqnrDb)});
    }
    body += table.html();
    if (int(e->sensitivity.size()) > rows)
        body += QStringLiteral("<p class=\"empty\">%1</p>\n")
                    .arg(HtmlReport::tr("%1 more points in the ranking.").arg(int(e->sensitivity.size()) - rows));
    return section(QStringLiteral("sensitivity"), HtmlReport::tr("Sensitivity (top %1)").arg(rows), body);
}

QString propagationSection(const ReportContext& context)
{
    const EvaluationResult* e = context.calibration.evaluation.get();
    if (!e || e->points.empty())
        return {};
    QString body = QStringLiteral("<p>%1</p>\n").arg(HtmlReport::tr(
        "Local SQNR: only this point quantized, its input in float. Accumulated SQNR: the whole plan up to and "
        "including this point. Where the accumulated curve drops, error enters; where it keeps falling below "
        "the local one, error grows."));
    const QImage chart = renderPropagationChart(context.calibration, *e, context.options.plotSize);
    body += imageTag(chart, HtmlReport::tr("Local and accumulated SQNR along the op order"));
    return section(QStringLiteral("propagation"), HtmlReport::tr("Error propagation"), body);
}

} // namespace cs::ui
