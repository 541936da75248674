// The report's coverage section: does the calibration data reach where the evaluation's
// validation data goes (core/analysis/coverage.h)?
#include "core/analysis/coverage.h"
#include "widgets/report/report_html.h"
#include "widgets/report/report_sections.h"

namespace cs::ui {

using namespace report;

QString coverageSection(const ReportContext& context)
{
    const EvaluationResult* e = context.calibration.evaluation.get();
    if (!e || e->validation.empty())
        return {};
    const CoverageReport coverage = analyzeCoverage(context.calibration, *e);
    QString body = QStringLiteral("<p>%1</p>\n").arg(
        HtmlReport::tr("Per point, the share of values outside the clip range on the calibration data and on the "
                       "validation data, and the Jensen-Shannon divergence (base 2: 0 = same, 1 = disjoint) of the "
                       "two histograms on the calibration histogram's grid. A point is flagged when the validation "
                       "values fall outside the clip range more than %1× as often as the calibration values and in "
                       "over %2 of cases.")
            .arg(coverage.options.ratio, 0, 'f', 0)
            .arg(percent(coverage.options.minShare, 1)));
    body += QStringLiteral("<p><strong>%1</strong></p>\n")
                .arg(coverage.flagged == 0
                         ? HtmlReport::tr("The calibration set covers the validation data at every point.")
                         : HtmlReport::tr("The calibration set does not cover the validation data at %n point(s).",
                                          nullptr, coverage.flagged));
    Table table({HtmlReport::tr("Point"), HtmlReport::tr("Clip range"), HtmlReport::tr("Outside, calibration"),
                 HtmlReport::tr("Outside, validation"), HtmlReport::tr("JS divergence"), QString()},
                QStringLiteral("llrrrl"), QStringLiteral("coverage"));
    // Flagged points first, then the rest in graph order.
    for (const bool flaggedPass : {true, false})
        for (const auto& p : coverage.points) {
            if (p.flagged != flaggedPass)
                continue;
            const QString range = QStringLiteral("[%1, %2]").arg(num(p.clipMin, 4), num(p.clipMax, 4));
            if (!p.note.empty()) {
                table.addRow({QStringLiteral("<code>%1</code>").arg(esc(p.name)), range, QString(), QString(),
                              QString(), HtmlReport::tr("calibration changed since the evaluation")});
                continue;
            }
            table.addRow({QStringLiteral("<code>%1</code>").arg(esc(p.name)), range,
                          percent(p.calibrationOutside, 3), percent(p.validationOutside, 3),
                          p.jsDivergence < 0 ? QString() : num(p.jsDivergence, 4),
                          p.flagged ? QStringLiteral("<span class=\"flag warn\">%1</span>")
                                          .arg(HtmlReport::tr("not covered"))
                                    : QString()},
                         p.flagged ? QStringLiteral("bad") : QString());
        }
    body += table.html();
    return section(QStringLiteral("coverage"), HtmlReport::tr("Coverage of the validation data"), body);
}

} // namespace cs::ui
