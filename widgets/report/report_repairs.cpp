// The report's Repairs section: every repair the calibration carries (its parameters and
// what it said per point) and the accuracy before and after the last one when evaluated.
#include "core/evaluation.h"
#include "widgets/repair_labels.h"
#include "widgets/repair_records_model.h"
#include "widgets/report/report_html.h"
#include "widgets/report/report_sections.h"

namespace cs::ui {

using namespace report;

QString repairsSection(const ReportContext& context)
{
    const CalibrationResult& c = context.calibration;
    if (c.repairs.empty())
        return {};
    QString body = QStringLiteral("<p>%1</p>\n").arg(HtmlReport::tr(
        "The repairs changed the conv/linear parameters the quantized model runs with (%1 layers); they are "
        "listed in the order applied.")
                                                          .arg(c.config.parameters.size()));
    Table table({HtmlReport::tr("Repair"), HtmlReport::tr("Parameters"), HtmlReport::tr("Notes")}, QStringLiteral("lll"),
                QStringLiteral("repairs"));
    for (const RepairRecord& r : c.repairs) {
        QStringList notes;
        for (const auto& n : r.notes)
            notes << esc(n);
        table.addRow({QStringLiteral("<code>%1</code>").arg(esc(r.name)),
                      esc(RepairRecordsModel::parametersText(r)), notes.join(QStringLiteral("<br>"))});
    }
    body += table.html();
    if (const EvaluationResult* e = c.evaluation.get()) {
        const bool labels = e->hasLabels;
        Table rows({HtmlReport::tr("Row"), labels ? HtmlReport::tr("Top-1") : HtmlReport::tr("Agreement with float"),
                    HtmlReport::tr("Output SQNR (dB)")},
                   QStringLiteral("lrr"), QStringLiteral("accuracy"));
        for (const AccuracyRow& row : e->accuracy)
            if (isRepairRow(row.label))
                rows.addRow({esc(repairRowDisplay(row.label)), percent(rowAccuracy(row.metrics, labels)),
                             decibels(row.metrics.sqnrDb)});
        if (rows.rowCount() > 0)
            body += QStringLiteral("<h3>%1</h3>\n").arg(HtmlReport::tr("Accuracy before and after the last repair"))
                    + rows.html();
    }
    return section(QStringLiteral("repairs"), HtmlReport::tr("Repairs"), body);
}

} // namespace cs::ui
