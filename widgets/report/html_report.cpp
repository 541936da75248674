#include "widgets/report/html_report.h"

#include "core/platform/atomic_file.h"
#include "core/errors.h"
#include "core/evaluation.h"
#include "core/observers/observer_registry.h"
#include "widgets/point_table_model.h"
#include "widgets/report/report_html.h"
#include "widgets/report/report_sections.h"

#include <QApplication>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>

#include <algorithm>
#include <cmath>
#include <memory>

namespace cs::ui {

using namespace report;

QString observerText(const ObserverConfig& config)
{
    QString text = QString::fromStdString(config.name);
    // Only what differs from the registry's defaults: that is what the user chose.
    const obs::ObserverInfo* info = obs::findObserver(config.name);
    QStringList params;
    for (const auto& [key, value] : config.params) {
        const obs::ParamSpec* spec = info ? info->param(key) : nullptr;
        if (spec && spec->defaultValue == value)
            continue;
        params << QStringLiteral("%1=%2").arg(QString::fromStdString(key), num(value, 8));
    }
    if (!params.isEmpty())
        text += QStringLiteral(" (%1)").arg(params.join(QStringLiteral(", ")));
    return text;
}

QString specText(const obs::QuantSpec& spec)
{
    QStringList parts{QString::fromStdString(obs::toString(spec.dtype)), QString::fromStdString(obs::toString(spec.qscheme))};
    if (spec.narrowRange)
        parts << QStringLiteral("narrow_range");
    if (spec.reduceRange)
        parts << QStringLiteral("reduce_range");
    if (spec.powerOfTwo)
        parts << QStringLiteral("power_of_two");
    if (spec.quantMin || spec.quantMax) {
        const obs::QuantRange r = obs::quantRange(spec);
        parts << QStringLiteral("[%1, %2]").arg(r.qmin).arg(r.qmax);
    }
    return parts.join(QStringLiteral(" · "));
}

namespace {

QString code(const std::string& text) { return QStringLiteral("<code>%1</code>").arg(esc(text)); }

QString flag(const QString& text, bool warn = false)
{
    return QStringLiteral("<span class=\"flag%1\">%2</span>").arg(warn ? QStringLiteral(" warn") : QString(), text);
}

QString header(const CalibrationResult& c, const ReportOptions& options, const QString& title)
{
    const QDateTime when = options.generatedAt.isValid() ? options.generatedAt : QDateTime::currentDateTime();
    QString html = QStringLiteral("<header>\n<h1>%1</h1>\n<p class=\"meta\">%2</p>\n</header>\n")
                       .arg(esc(title), HtmlReport::tr("Generated %1 by calibscope %2")
                                            .arg(when.toString(Qt::ISODate), QStringLiteral(CALIBSCOPE_VERSION)));
    QStringList links;
    const std::pair<const char*, QString> entries[] = {
        {"model", HtmlReport::tr("Model")},           {"data", HtmlReport::tr("Data")},
        {"plan", HtmlReport::tr("Plan")},             {"repairs", HtmlReport::tr("Repairs")},
        {"accuracy", HtmlReport::tr("Accuracy")},
        {"sensitivity", HtmlReport::tr("Sensitivity")}, {"propagation", HtmlReport::tr("Error propagation")},
        {"worst", HtmlReport::tr("Worst points")},    {"coverage", HtmlReport::tr("Coverage")},
        {"convergence", HtmlReport::tr("Convergence")}, {"warnings", HtmlReport::tr("Warnings")}};
    const EvaluationResult* e = c.evaluation.get();
    for (const auto& [id, text] : entries) {
        const QString anchor = QString::fromLatin1(id);
        // Links only to sections that exist.
        if ((anchor == QLatin1String("sensitivity") && (!e || e->sensitivity.empty()))
            || (anchor == QLatin1String("propagation") && (!e || e->points.empty()))
            || (anchor == QLatin1String("worst") && options.worstPoints <= 0)
            || (anchor == QLatin1String("coverage") && (!e || e->validation.empty()))
            || (anchor == QLatin1String("convergence") && c.points.empty())
            || (anchor == QLatin1String("repairs") && c.repairs.empty()))
            continue;
        links << QStringLiteral("<a href=\"#%1\">%2</a>").arg(anchor, text);
    }
    return html + QStringLiteral("<nav>%1</nav>\n").arg(links.join(QString()));
}

QString modelSection(const CalibrationResult& c)
{
    const ModelSummary& m = c.model;
    int passthrough = 0, fused = 0;
    for (const auto& op : m.ops) {
        passthrough += op.passthrough ? 1 : 0;
        fused += op.fusedInto.empty() ? 0 : 1;
    }
    std::vector<std::pair<QString, QString>> rows{
        {HtmlReport::tr("File"), code(m.path)},
        {HtmlReport::tr("SHA-256"), code(m.sha256)},
        {HtmlReport::tr("Ops"), HtmlReport::tr("%1 (%2 fused into a following op, %3 pass-through)")
                                    .arg(m.ops.size())
                                    .arg(fused)
                                    .arg(passthrough)},
        {HtmlReport::tr("Activation points"), QString::number(c.points.size())},
        {HtmlReport::tr("Weight points"), QString::number(c.weights.size())},
        {HtmlReport::tr("Parameters"), QString::number(m.parameterCount)},
        {HtmlReport::tr("Input shape"), esc(shapeToString(m.inputShape))},
        {HtmlReport::tr("Point mode"),
         c.config.mode == PointMode::Deployment
             ? HtmlReport::tr("deployment (conv/linear [+bn] [+relu] fused into one point)")
             : HtmlReport::tr("per op (every op output is a point)")},
    };
    return section(QStringLiteral("model"), HtmlReport::tr("Model"), keyValueTable(rows));
}

QString datasetText(const DatasetSpec& d)
{
    QString text = QStringLiteral("%1: <code>%2</code>").arg(esc(datasetFormatName(d.format)), esc(d.path));
    if (!d.labelsPath.empty())
        text += QStringLiteral("<br>") + HtmlReport::tr("labels: %1").arg(code(d.labelsPath));
    if (d.start > 0 || d.count >= 0)
        text += QStringLiteral("<br>")
                + (d.count >= 0 ? HtmlReport::tr("samples %1 to %2").arg(d.start).arg(d.start + d.count - 1)
                                : HtmlReport::tr("samples from %1 on").arg(d.start));
    return text;
}

QString dataSection(const CalibrationResult& c)
{
    const CalibrationConfig& cfg = c.config;
    const QString preprocess =
        QString::fromUtf8(QJsonDocument(cfg.data.preprocess.toJson()).toJson(QJsonDocument::Compact));
    std::vector<std::pair<QString, QString>> rows{
        {HtmlReport::tr("Dataset"), datasetText(cfg.data)},
        {HtmlReport::tr("Preprocessing"), QStringLiteral("<code>%1</code>").arg(esc(preprocess))},
        {HtmlReport::tr("Batch size"), QString::number(cfg.batchSize)},
        {HtmlReport::tr("Batches"), cfg.numBatches < 0 ? HtmlReport::tr("%1 (the whole dataset)").arg(c.batches)
                                                       : HtmlReport::tr("%1 of %2 requested").arg(c.batches).arg(cfg.numBatches)},
        {HtmlReport::tr("Images"), QString::number(c.images)},
        {HtmlReport::tr("Time"), HtmlReport::tr("%1 s (%2 images/s)")
                                     .arg(QString::number(c.seconds, 'f', 1), QString::number(c.imagesPerSecond, 'f', 0))},
        {HtmlReport::tr("Histogram bins"), QString::number(cfg.histogramBins)},
    };
    return section(QStringLiteral("data"), HtmlReport::tr("Calibration data"), keyValueTable(rows));
}

QString planSection(const CalibrationResult& c, const PointTableModel& model)
{
    const EvaluationResult* e = c.evaluation.get();
    const bool measured = e && !e->points.empty();
    int keepFloat = 0, wide = 0, overridden = 0;
    for (const auto& p : c.points) {
        keepFloat += p.config.keepFloat ? 1 : 0;
        wide += !p.config.keepFloat && p.config.spec.dtype == obs::DType::QInt16 ? 1 : 0;
        overridden += p.config != c.config.activation ? 1 : 0;
    }
    QString body = QStringLiteral("<p>%1</p>\n").arg(
        HtmlReport::tr("Default: activations %1 (%2), weights %3 (%4). %5 points configured differently, %6 kept in "
                       "float, %7 in qint16.")
            .arg(esc(observerText(c.config.activation)), esc(specText(c.config.activation.spec)),
                 esc(observerText(c.config.weight)), esc(specText(c.config.weight.spec)), QString::number(overridden),
                 QString::number(keepFloat), QString::number(wide)));
    QStringList headers{QStringLiteral("#"), HtmlReport::tr("Point"), HtmlReport::tr("Kind"), HtmlReport::tr("Observer"),
                        HtmlReport::tr("Dtype / scheme"), HtmlReport::tr("Clip low"), HtmlReport::tr("Clip high"),
                        HtmlReport::tr("Scale"), HtmlReport::tr("Zero point"), HtmlReport::tr("Est. L2"),
                        HtmlReport::tr("Est. SQNR (dB)")};
    QString align = QStringLiteral("rllllrrrrrr");
    if (measured) {
        headers << HtmlReport::tr("Local SQNR (dB)");
        align += QLatin1Char('r');
    }
    headers << HtmlReport::tr("Flags");
    align += QLatin1Char('l');
    Table table(headers, align, QStringLiteral("plan"));
    for (int row = 0; row < model.rowCount(); ++row) {
        const PointCalibration& p = *model.point(row);
        const OpInfo* op = model.op(row);
        const ErrorEstimate* estimate = model.estimate(row);
        const bool quantized = !p.config.keepFloat;
        const bool hasRange = quantized && !p.result.min.empty() && !p.result.max.empty();
        QStringList flags;
        if (p.config.keepFloat)
            flags << flag(HtmlReport::tr("keep float"));
        else if (p.config.spec.dtype == obs::DType::QInt16)
            flags << flag(QStringLiteral("qint16"));
        if (p.stats.nan || p.stats.inf)
            flags << flag(HtmlReport::tr("NaN/Inf"), true);
        if (!p.result.warning.empty())
            flags << flag(HtmlReport::tr("warning"), true);
        QStringList cells{QString::number(row + 1),
                          QStringLiteral("<code>%1</code>").arg(esc(p.name)),
                          op ? esc(op->kind) : QString(),
                          esc(observerText(p.config)),
                          quantized ? esc(specText(p.config.spec)) : HtmlReport::tr("float"),
                          hasRange ? num(p.result.min.front()) : QString(),
                          hasRange ? num(p.result.max.front()) : QString(),
                          quantized && !p.result.scale.empty() ? num(p.result.scale.front()) : QString(),
                          quantized && !p.result.zeroPoint.empty() ? QString::number(p.result.zeroPoint.front()) : QString(),
                          estimate ? num(estimate->l2, 4) : QString(),
                          estimate ? decibels(estimate->sqnrDb) : QString()};
        if (measured) {
            const PointEvaluation* pe = e->point(p.name);
            cells << (pe && quantized ? decibels(pe->local.sqnrDb) : QString());
        }
        cells << flags.join(QString());
        const bool low = estimate && estimate->sqnrDb < PointTableModel::kLowSqnrDb;
        table.addRow(cells, p.stats.nan || p.stats.inf ? QStringLiteral("bad") : low ? QStringLiteral("low") : QString());
    }
    body += table.html();
    body += QStringLiteral("<p>%1</p>\n").arg(HtmlReport::tr(
        "Est. L2 and SQNR are estimated from each point's accumulated histogram for the quantizer in use (the "
        "same figures as the point table of the GUI). Rows below %1 dB are shaded; rows with NaN/Inf in red.")
                                                .arg(num(PointTableModel::kLowSqnrDb)));
    return section(QStringLiteral("plan"), HtmlReport::tr("Quantization plan"), body);
}

QString weightsTable(const CalibrationResult& c)
{
    if (c.weights.empty())
        return {};
    Table table({HtmlReport::tr("Weight of"), HtmlReport::tr("Observer"), HtmlReport::tr("Dtype / scheme"),
                 HtmlReport::tr("Shape"), HtmlReport::tr("Min"), HtmlReport::tr("Max"), HtmlReport::tr("Folded BN")},
                QStringLiteral("lllrrrl"), QStringLiteral("weights"));
    for (const auto& w : c.weights) {
        const auto& mins = w.result.min;
        const auto& maxs = w.result.max;
        table.addRow({QStringLiteral("<code>%1</code>").arg(esc(w.name)), esc(observerText(w.config)),
                      w.config.keepFloat ? HtmlReport::tr("float") : esc(specText(w.config.spec)),
                      esc(shapeToString(w.shape)),
                      mins.empty() ? QString() : num(*std::min_element(mins.begin(), mins.end())),
                      maxs.empty() ? QString() : num(*std::max_element(maxs.begin(), maxs.end())),
                      w.foldedBatchNorm.empty() ? QString() : QStringLiteral("<code>%1</code>").arg(esc(w.foldedBatchNorm))});
    }
    return QStringLiteral("<h3>%1</h3>\n").arg(HtmlReport::tr("Weights")) + table.html();
}

QString warningsSection(const CalibrationResult& c)
{
    QStringList items;
    for (const auto& w : c.warnings)
        items << esc(w);
    for (const auto& p : c.points) {
        if (p.stats.nan || p.stats.inf)
            items << HtmlReport::tr("%1: %2 NaN and %3 Inf values during calibration; they are left out of every "
                                    "statistic.")
                         .arg(code(p.name), QString::number(p.stats.nan), QString::number(p.stats.inf));
        if (!p.result.warning.empty())
            items << QStringLiteral("%1 (%2): %3").arg(code(p.name), esc(p.config.name), esc(p.result.warning));
    }
    for (const auto& w : c.weights)
        if (!w.result.warning.empty())
            items << QStringLiteral("%1 (%2): %3")
                         .arg(code(w.name), HtmlReport::tr("weight"), esc(w.result.warning));
    if (const EvaluationResult* e = c.evaluation.get()) {
        for (const auto& n : e->nonFinite)
            items << HtmlReport::tr("%1: %2 NaN/Inf values in the %3 pass of evaluation batch %4.")
                         .arg(code(n.point), QString::number(n.count), esc(n.pass), QString::number(n.batch));
        for (const auto& w : e->warnings)
            items << HtmlReport::tr("Evaluation: %1").arg(esc(w));
    }
    const QString title = HtmlReport::tr("Warnings");
    if (items.isEmpty())
        return section(QStringLiteral("warnings"), title,
                       QStringLiteral("<p class=\"empty\">%1</p>\n").arg(HtmlReport::tr("No warnings.")));
    QString body = QStringLiteral("<ul class=\"warnings\">\n");
    for (const QString& item : std::as_const(items))
        body += QStringLiteral("<li>%1</li>\n").arg(item);
    return section(QStringLiteral("warnings"), title, body + QStringLiteral("</ul>\n"));
}

} // namespace

QString renderHtmlReport(const CalibrationResult& calibration, const ReportOptions& options)
{
    // The plots are drawn by widgets: that needs a QApplication and its thread.
    auto* app = qobject_cast<QApplication*>(QCoreApplication::instance());
    if (!app)
        throw CalibError("HTML report", "drawing the plots needs a QApplication (run it from the GUI or the CLI)");
    if (QThread::currentThread() != app->thread())
        throw CalibError("HTML report", "must be written on the GUI thread");
    if (options.plotSize.width() < 100 || options.plotSize.height() < 80)
        throw CalibError("HTML report", "plot size too small (at least 100x80 pixels)");

    // The GUI's point model gives the report the same estimated errors as the point table.
    // It only lives during this call, so it may borrow the result without owning it.
    PointTableModel model;
    model.setResult(std::shared_ptr<const CalibrationResult>(&calibration, [](const CalibrationResult*) {}));
    const ReportContext context{calibration, options, model};

    const QString modelName = QFileInfo(QString::fromStdString(calibration.model.path)).fileName();
    const QString title =
        options.title.isEmpty() ? HtmlReport::tr("Calibration report: %1").arg(modelName) : options.title;

    QString body;
    body += header(calibration, options, title);
    body += modelSection(calibration);
    body += dataSection(calibration);
    QString plan = planSection(calibration, model);
    // The weights belong to the plan: appended inside its section.
    plan.insert(plan.lastIndexOf(QStringLiteral("</section>")), weightsTable(calibration));
    body += plan;
    body += repairsSection(context);
    body += accuracySection(context);
    body += sensitivitySection(context);
    body += propagationSection(context);
    body += worstPointsSection(context);
    body += coverageSection(context);
    body += convergenceSection(context);
    body += warningsSection(calibration);
    body += QStringLiteral("<footer>%1</footer>\n")
                .arg(HtmlReport::tr("calibscope %1 · model SHA-256 %2")
                         .arg(QStringLiteral(CALIBSCOPE_VERSION), esc(calibration.model.sha256)));

    // "en" translated to the report's language code, so the page declares the right language.
    return QStringLiteral("<!DOCTYPE html>\n<html lang=\"%1\">\n<head>\n<meta charset=\"utf-8\">\n"
                          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                          "<meta name=\"generator\" content=\"calibscope %2\">\n<title>%3</title>\n"
                          "<style>\n%4</style>\n</head>\n<body>\n%5</body>\n</html>\n")
        .arg(esc(HtmlReport::tr("en")), QStringLiteral(CALIBSCOPE_VERSION), esc(title), styleSheet(), body);
}

void writeHtmlReport(const CalibrationResult& calibration, const ReportOptions& options, const std::string& path)
{
    if (path.empty())
        throw CalibError("HTML report", "no file name given");
    QString html;
    try {
        html = renderHtmlReport(calibration, options);
    } catch (const CalibError& e) {
        // Name the file the user asked for, whatever went wrong.
        throw CalibError(path, e.what());
    }
    writeFileAtomically(path, html.toStdString());
}

} // namespace cs::ui
