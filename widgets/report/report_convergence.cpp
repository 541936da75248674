// The report's convergence section: did the calibration see enough batches for every point's
// clip range to settle (core/analysis/convergence.h)? The verdicts are the Convergence tab's.
#include "core/analysis/convergence.h"
#include "widgets/convergence_view.h"
#include "widgets/report/report_html.h"
#include "widgets/report/report_sections.h"

namespace cs::ui {

using namespace report;

QString convergenceSection(const ReportContext& context)
{
    const ConvergenceReport convergence = analyzeConvergence(context.calibration);
    if (convergence.points.empty())
        return {};
    QString body = QStringLiteral("<p>%1</p>\n").arg(
        HtmlReport::tr("Per point, the configured observer replayed over the calibration batches: the batch after "
                       "which its clip range stays within %1 of the final range, and the spread of the final scale "
                       "(5th to 95th percentile) over %2 bootstrap resamples of the batches.")
            .arg(percent(convergence.tolerance, 0))
            .arg(convergence.resamples));
    body += QStringLiteral("<p><strong>%1</strong></p>\n").arg(esc(convergenceVerdict(convergence)));
    Table table({HtmlReport::tr("Point"), HtmlReport::tr("Observer"), HtmlReport::tr("Settled"),
                 HtmlReport::tr("Scale spread (5–95 %)")},
                QStringLiteral("llll"), QStringLiteral("convergence"));
    // Points that never settle first, then the rest in graph order.
    for (const bool unsettledPass : {true, false})
        for (const auto& p : convergence.points) {
            const bool unsettled = p.replayed && p.settledAfter > 0 && !p.settled && !convergence.oneBatch;
            if (unsettled != unsettledPass)
                continue;
            const QString spread = p.hasBand ? QStringLiteral("%1 % … %2 %").arg(num(p.scaleLowPct, 3), num(p.scaleHighPct, 3))
                                             : QString();
            table.addRow({QStringLiteral("<code>%1</code>").arg(esc(p.name)), esc(p.observer),
                          esc(settledText(convergence, p)), spread},
                         unsettled ? QStringLiteral("bad") : QString());
        }
    body += table.html();
    return section(QStringLiteral("convergence"), HtmlReport::tr("Convergence of the calibration"), body);
}

} // namespace cs::ui
