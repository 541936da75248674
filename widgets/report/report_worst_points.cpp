// The report's worst points: each with its numbers, every compare observer's range and the
// GUI's histogram plot.
#include "core/evaluation.h"
#include "core/stats/histogram_error.h"
#include "widgets/point_table_model.h"
#include "widgets/report/report_html.h"
#include "widgets/report/report_plots.h"
#include "widgets/report/report_sections.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

namespace cs::ui {

using namespace report;

namespace {

// Error-free points (SQNR +inf) rank after every finite value; NaN (nothing measured) last.
double rankKey(double sqnr)
{
    if (std::isnan(sqnr))
        return std::numeric_limits<double>::max();
    return std::isinf(sqnr) ? std::numeric_limits<double>::max() / 2 : sqnr;
}

QString compareTable(const PointCalibration& p)
{
    if (p.compare.empty())
        return {};
    Table table({HtmlReport::tr("Observer"), HtmlReport::tr("Clip low"), HtmlReport::tr("Clip high"),
                 HtmlReport::tr("Scale"), HtmlReport::tr("Est. L2"), HtmlReport::tr("Est. SQNR (dB)"),
                 HtmlReport::tr("Clipped")},
                QStringLiteral("lrrrrrr"), QStringLiteral("compare"));
    for (const auto& [name, r] : p.compare) {
        const bool chosen = name == p.config.name;
        const QString label = QStringLiteral("<code>%1</code>").arg(esc(name))
                              + (chosen ? QStringLiteral(" ★") : QString());
        if (!r.hasStatistics || r.min.empty() || r.max.empty()) {
            table.addRow({label, QStringLiteral("—"), QStringLiteral("—"), QStringLiteral("—"), QStringLiteral("—"),
                          QStringLiteral("—"), QStringLiteral("—")});
            continue;
        }
        QString l2, sqnr, clipped;
        // The range whose qparams are this observer's scale and zero point, as the point table
        // estimates the chosen one: pact2's power-of-two scale or torch_histogram's own search
        // quantize differently from what their min/max alone would give.
        PointCalibration quantizer;
        quantizer.config.spec = p.config.spec;
        quantizer.result = r;
        float low = r.min.front(), high = r.max.front();
        quantizerRange(quantizer, low, high);
        if (!p.stats.histogram.counts.empty()) {
            const ErrorEstimate e = estimateQuantError(p.stats.histogram, low, high, p.config.spec);
            l2 = num(e.l2, 4);
            sqnr = decibels(e.sqnrDb);
            clipped = percent(e.clippedFraction, 3);
        }
        table.addRow({label, num(r.min.front()), num(r.max.front()), r.scale.empty() ? QString() : num(r.scale.front()),
                      l2, sqnr, clipped},
                     chosen ? QStringLiteral("chosen") : QString());
    }
    return table.html();
}

QString pointFacts(const ReportContext& context, int row)
{
    const PointCalibration& p = *context.model.point(row);
    const OpInfo* op = context.model.op(row);
    std::vector<std::pair<QString, QString>> facts;
    facts.emplace_back(HtmlReport::tr("Op"), op ? QStringLiteral("<code>%1</code> (%2)").arg(esc(op->kind), esc(op->module))
                                               : QString());
    facts.emplace_back(HtmlReport::tr("Observer"), esc(observerText(p.config)) + QStringLiteral(" · ")
                                                       + esc(specText(p.config.spec)));
    if (p.stats.hasData())
        facts.emplace_back(HtmlReport::tr("Data"), HtmlReport::tr("min %1, max %2, mean %3, std %4 over %5 values")
                                                       .arg(num(p.stats.min), num(p.stats.max), num(p.stats.mean),
                                                            num(p.stats.std))
                                                       .arg(p.stats.count));
    if (!p.result.min.empty() && !p.result.max.empty() && !p.result.scale.empty() && !p.result.zeroPoint.empty())
        facts.emplace_back(HtmlReport::tr("Clip range"), HtmlReport::tr("[%1, %2] → scale %3, zero point %4")
                                                             .arg(num(p.result.min.front()), num(p.result.max.front()),
                                                                  num(p.result.scale.front()))
                                                             .arg(p.result.zeroPoint.front()));
    if (const ErrorEstimate* e = context.model.estimate(row))
        facts.emplace_back(HtmlReport::tr("Estimated error"),
                           HtmlReport::tr("L2 %1 · SQNR %2 dB · %3 clipped (from the histogram)")
                               .arg(num(e->l2, 4), decibels(e->sqnrDb), percent(e->clippedFraction, 3)));
    if (const EvaluationResult* ev = context.calibration.evaluation.get())
        if (const PointEvaluation* pe = ev->point(p.name))
            facts.emplace_back(HtmlReport::tr("Measured error"),
                               HtmlReport::tr("local SQNR %1 dB (L2 %2, %3 clipped) · accumulated SQNR %4 dB")
                                   .arg(decibels(pe->local.sqnrDb), num(pe->local.l2, 4),
                                        percent(pe->local.clippedFraction, 3), decibels(pe->accumulated.sqnrDb)));
    if (p.stats.nan || p.stats.inf)
        facts.emplace_back(HtmlReport::tr("Non-finite"),
                           QStringLiteral("<span class=\"flag warn\">%1</span>")
                               .arg(HtmlReport::tr("%1 NaN, %2 Inf").arg(p.stats.nan).arg(p.stats.inf)));
    return keyValueTable(facts);
}

} // namespace

std::vector<int> worstPointRows(const ReportContext& context, int count, bool* measured)
{
    const CalibrationResult& c = context.calibration;
    const EvaluationResult* e = c.evaluation.get();
    const bool useEvaluation = e && !e->points.empty();
    if (measured)
        *measured = useEvaluation;
    std::vector<std::pair<double, int>> ranked;
    for (int row = 0; row < context.model.rowCount(); ++row) {
        const PointCalibration& p = *context.model.point(row);
        if (p.config.keepFloat)
            continue;
        if (useEvaluation) {
            if (const PointEvaluation* pe = e->point(p.name))
                ranked.emplace_back(rankKey(pe->local.sqnrDb), row);
        } else if (const ErrorEstimate* estimate = context.model.estimate(row)) {
            ranked.emplace_back(rankKey(estimate->sqnrDb), row);
        }
    }
    // Stable: equal SQNR keeps the op order.
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<int> rows;
    for (size_t i = 0; i < ranked.size() && int(i) < count; ++i)
        rows.push_back(ranked[i].second);
    return rows;
}

QString worstPointsSection(const ReportContext& context)
{
    if (context.options.worstPoints <= 0)
        return {};
    bool measured = false;
    const std::vector<int> rows = worstPointRows(context, context.options.worstPoints, &measured);
    const QString title = HtmlReport::tr("Worst points");
    if (rows.empty())
        return section(QStringLiteral("worst"), title,
                       QStringLiteral("<p class=\"empty\">%1</p>\n")
                           .arg(HtmlReport::tr("No quantized point has a histogram to rank.")));
    QString body = QStringLiteral("<p>%1</p>\n").arg(
        measured ? HtmlReport::tr("The %1 points with the lowest local SQNR measured by the evaluation, worst first. "
                                  "Each histogram shows the chosen clip range (solid), the data min/max (dashed) and "
                                  "every compared observer's range (dash-dotted).")
                       .arg(rows.size())
                 : HtmlReport::tr("The %1 points with the lowest SQNR estimated from their histograms, worst first. "
                                  "Each histogram shows the chosen clip range (solid), the data min/max (dashed) and "
                                  "every compared observer's range (dash-dotted).")
                       .arg(rows.size()));
    if (context.options.logHistograms)
        body += QStringLiteral("<p>%1</p>\n").arg(HtmlReport::tr(
            "Counts are on a logarithmic axis, so that tails and sparse bins stay visible next to a peak (such as "
            "the zeros after a ReLU)."));
    // The renderer only reads the model; it is the one object that needs a non-const one.
    HistogramRenderer renderer(const_cast<PointTableModel*>(&context.model), context.options.plotSize,
                               context.options.logHistograms);
    int rank = 0;
    for (const int row : rows) {
        const PointCalibration& p = *context.model.point(row);
        const QString name = QString::fromStdString(p.name);
        ++rank;
        body += QStringLiteral("<h3 id=\"point-%1\">%1. <code>%2</code></h3>\n").arg(rank).arg(esc(name));
        body += pointFacts(context, row);
        body += compareTable(p);
        QStringList outside;
        const QImage image = renderer.render(name, &outside);
        body += imageTag(image, HtmlReport::tr("Histogram of %1 with its clip ranges").arg(name));
        if (!outside.isEmpty())
            body += QStringLiteral("<p class=\"empty\">%1</p>\n")
                        .arg(HtmlReport::tr("Not drawn, far outside the data: %1.")
                                 .arg(esc(outside.join(QStringLiteral(", ")))));
    }
    return section(QStringLiteral("worst"), title, body);
}

} // namespace cs::ui
