// The HTML report on hand-made calibrations: self-contained, every point of
// the plan, the accuracy table or the "no evaluation" text, embedded plots that decode and
// show something, escaping of user strings, atomic writes, translation context.
#include "../file_test_support.h"
#include "../gui/gui_test_data.h"

#include "core/platform/atomic_file.h"
#include "core/demo/demo_splits.h"
#include "core/errors.h"
#include "core/evaluation.h"
#include "widgets/plot_style.h"
#include "gui/report_export.h"
#include "widgets/report/html_report.h"

#include <QApplication>
#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>

#include <cmath>

using cs::ui::ReportOptions;

namespace {

const QString kOutput = QStringLiteral(CALIBSCOPE_TEST_OUTPUT_DIR);
const char* const kSha = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

cs::CalibrationResult handMade()
{
    cs::CalibrationResult r = guitest::makeResult();
    r.model.path = "/models/tiny.pt";
    r.model.sha256 = kSha;
    r.config.data.path = "/data/calib.npy";
    r.config.batchSize = 16;
    r.config.numBatches = 3;
    r.batches = 3;
    r.images = 48;
    // A point with qint16, so the plan shows its flag.
    r.points[1].config.spec.dtype = cs::obs::DType::QInt16;
    return r;
}

cs::OutputMetrics metrics(double top1, double sqnr)
{
    cs::OutputMetrics m;
    m.samples = 100;
    m.labelled = 100;
    m.top1 = top1;
    m.top5 = std::min(1.0, top1 + 0.05);
    m.argmaxAgreement = top1 + 0.02;
    m.sqnrDb = sqnr;
    m.cosine = 0.999;
    return m;
}

// Labelled evaluation where "relu" has the lowest local SQNR, then "add", then "x".
std::shared_ptr<const cs::EvaluationResult> handMadeEvaluation(const cs::CalibrationResult& c)
{
    auto e = std::make_shared<cs::EvaluationResult>();
    e->hasLabels = true;
    e->images = 100;
    e->batches = 2;
    e->data.path = "/data/val.npy";
    e->floatMetrics = metrics(0.9, INFINITY);
    e->planMetrics = metrics(0.87, 24.5);
    e->accuracy = {{"float", e->floatMetrics}, {"plan", e->planMetrics}, {"auto", metrics(0.885, 27.0)},
                   {"min_max", metrics(0.86, 22.0)}, {"percentile", metrics(0.88, 26.0)}};
    const std::pair<const char*, double> local[] = {{"x", 31.0}, {"relu", 12.5}, {"add", 19.0}};
    double accumulated = 35;
    for (const auto& [name, sqnr] : local) {
        cs::PointEvaluation p;
        p.name = name;
        p.local.sqnrDb = sqnr;
        p.local.l2 = 0.1;
        accumulated -= 6;
        p.accumulated.sqnrDb = accumulated;
        e->points.push_back(p);
        cs::SensitivityEntry s;
        s.point = name;
        s.onlyThis = metrics(0.9 - 0.01 * (40 - sqnr) / 10, 30);
        s.drop = 0.9 - s.onlyThis.top1;
        e->sensitivity.push_back(s);
    }
    std::sort(e->sensitivity.begin(), e->sensitivity.end(),
              [](const auto& a, const auto& b) { return a.drop > b.drop; });
    for (const auto& p : c.points)
        e->planConfigs[p.name] = p.config;
    e->nonFinite.push_back({"add", "quantized", 1, 7});
    return e;
}

QString render(const cs::CalibrationResult& r, ReportOptions options = {})
{
    options.generatedAt = QDateTime(QDate(2024, 5, 1), QTime(12, 0));
    return cs::ui::renderHtmlReport(r, options);
}

QList<QImage> embeddedImages(const QString& html)
{
    QList<QImage> images;
    static const QRegularExpression re(QStringLiteral("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\""));
    for (auto it = re.globalMatch(html); it.hasNext();) {
        QImage image;
        image.loadFromData(QByteArray::fromBase64(it.next().captured(1).toLatin1()), "PNG");
        images << image;
    }
    return images;
}

double pixelVariance(const QImage& image)
{
    double sum = 0, sumSquares = 0;
    const double n = double(image.width()) * image.height();
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const double v = qGray(image.pixel(x, y));
            sum += v;
            sumSquares += v * v;
        }
    return sumSquares / n - (sum / n) * (sum / n);
}

int pixelsNear(const QImage& image, QColor color, int tolerance = 40)
{
    int count = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - color.red()) + std::abs(c.green() - color.green())
                    + std::abs(c.blue() - color.blue()) < tolerance)
                ++count;
        }
    return count;
}

// Point name headings of the worst-points section, in order.
QStringList worstHeadings(const QString& html)
{
    QStringList names;
    static const QRegularExpression re(QStringLiteral("<h3 id=\"point-\\d+\">\\d+\\. <code>([^<]*)</code></h3>"));
    for (auto it = re.globalMatch(html); it.hasNext();)
        names << it.next().captured(1);
    return names;
}

// Translates two report strings, to prove the report asks under its context.
class FakeChinese : public QTranslator {
public:
    QString translate(const char* context, const char* source, const char* disambiguation, int n) const override
    {
        Q_UNUSED(disambiguation)
        Q_UNUSED(n)
        if (qstrcmp(context, "cs::ui::HtmlReport") != 0)
            return {};
        if (qstrcmp(source, "Accuracy") == 0)
            return QStringLiteral("准确率");
        if (qstrcmp(source, "en") == 0)
            return QStringLiteral("zh-CN");
        return {};
    }
    bool isEmpty() const override { return false; }
};

} // namespace

class TestHtmlReport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void withoutEvaluation()
    {
        const cs::CalibrationResult r = handMade();
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("report.html"));
        ReportOptions options;
        options.generatedAt = QDateTime(QDate(2024, 5, 1), QTime(12, 0));
        cs::ui::writeHtmlReport(r, options, path.toStdString());
        const QString html = QString::fromUtf8(cs::test::readFileBytes(path));
        QVERIFY(html.startsWith(QStringLiteral("<!DOCTYPE html>")));
        QVERIFY(html.trimmed().endsWith(QStringLiteral("</html>")));
        // Self-contained: nothing fetched from anywhere.
        QVERIFY(!html.contains(QStringLiteral("src=\"http")));
        QVERIFY(!html.contains(QStringLiteral("<link")));
        QVERIFY(!html.contains(QStringLiteral("<script")));
        QVERIFY(!html.contains(QStringLiteral("url(")));
        QVERIFY(html.contains(QString::fromLatin1(kSha)));
        QVERIFY(html.contains(QStringLiteral("2024-05-01T12:00:00")));
        QVERIFY(html.contains(QStringLiteral("calibscope " CALIBSCOPE_VERSION)));
        QVERIFY(html.contains(QStringLiteral("Calibration report: tiny.pt")));
        for (const auto& p : r.points)
            QVERIFY2(html.contains(QStringLiteral("<code>%1</code>").arg(QString::fromStdString(p.name))), p.name.c_str());
        QVERIFY(html.contains(QStringLiteral("No evaluation: run <code>calibscope-cli evaluate</code>")));
        QVERIFY(!html.contains(QStringLiteral("id=\"propagation\"")));
        QVERIFY(html.contains(QStringLiteral("<span class=\"flag\">qint16</span>")));
        QVERIFY(html.contains(QStringLiteral("NaN/Inf"))); // the bad "add" point
        QVERIFY(html.contains(QStringLiteral("<code>/data/calib.npy</code>")));

        // Without an evaluation the worst points follow the estimated SQNR: every quantized
        // point here, each with a histogram of the requested size.
        const QList<QImage> images = embeddedImages(html);
        QCOMPARE(images.size(), 3);
        for (const QImage& image : images) {
            QVERIFY(!image.isNull());
            QCOMPARE(image.size(), QSize(720, 360));
            QVERIFY(pixelVariance(image) > 10.0);
            // The chosen clip range is drawn in the clip colour.
            QVERIFY(pixelsNear(image, cs::ui::clipColor()) > 100);
        }
        QCOMPARE(worstHeadings(html).size(), 3);
    }

    void withEvaluation()
    {
        cs::CalibrationResult r = handMade();
        r.evaluation = handMadeEvaluation(r);
        ReportOptions options;
        options.worstPoints = 2;
        const QString html = render(r, options);
        QVERIFY(!html.contains(QStringLiteral("No evaluation")));
        QVERIFY(!html.contains(QStringLiteral("The plan changed")));
        // Every accuracy row with its numbers: top-1 and the delta against float.
        for (const char* label : {"float", "plan", "auto", "min_max", "percentile"})
            QVERIFY2(html.contains(QStringLiteral("<tr%1><td><code>%2</code></td>")
                                       .arg(qstrcmp(label, "float") == 0   ? QStringLiteral(" class=\"ref\"")
                                            : qstrcmp(label, "plan") == 0 ? QStringLiteral(" class=\"chosen\"")
                                                                          : QString(),
                                            QString::fromLatin1(label))),
                     label);
        QVERIFY(html.contains(QStringLiteral("<td class=\"num\">87.00 %</td>")));
        QVERIFY(html.contains(QStringLiteral("<td class=\"num\">-3.00 pp</td>")));
        QVERIFY(html.contains(QStringLiteral("<td class=\"num\">-1.50 pp</td>")));
        QVERIFY(html.contains(QStringLiteral("id=\"sensitivity\"")));
        QVERIFY(html.contains(QStringLiteral("id=\"propagation\"")));
        QVERIFY(html.contains(QStringLiteral("NaN/Inf values in the quantized pass of evaluation batch 1")));
        // Worst by measured local SQNR: relu (12.5 dB) then add (19 dB).
        QCOMPARE(worstHeadings(html), (QStringList{QStringLiteral("relu"), QStringLiteral("add")}));
        // Accuracy chart + propagation chart + 2 histograms.
        const QList<QImage> images = embeddedImages(html);
        QCOMPARE(images.size(), 4);
        for (const QImage& image : images) {
            QCOMPARE(image.size(), QSize(720, 360));
            QVERIFY(pixelVariance(image) > 10.0);
        }
        // The plan's bar and the accumulated curve are drawn in the clip colour.
        QVERIFY(pixelsNear(images[0], cs::ui::clipColor()) > 200);
        QVERIFY(pixelsNear(images[1], cs::ui::clipColor()) > 100);

        QFile out(kOutput + QStringLiteral("/report.html"));
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(html.toUtf8());
        qInfo("report: %s", qPrintable(out.fileName()));
        for (int i = 0; i < images.size(); ++i)
            QVERIFY(images[i].save(kOutput + QStringLiteral("/report_plot_%1.png").arg(i)));

        // A plan edited after the evaluation is called out.
        r.points[0].config.keepFloat = true;
        const QString stale = render(r, options);
        QVERIFY(stale.contains(QStringLiteral("The plan changed at 1 points since this evaluation")));
        QVERIFY(stale.contains(QStringLiteral("<span class=\"flag\">keep float</span>")));

        // Without labels the rows are compared with the float model's outputs.
        auto unlabelled = std::make_shared<cs::EvaluationResult>(*r.evaluation);
        unlabelled->hasLabels = false;
        r.evaluation = unlabelled;
        const QString noLabels = render(r, options);
        QVERIFY(noLabels.contains(QStringLiteral("The validation data has no labels")));
        QVERIFY(!noLabels.contains(QStringLiteral(">Top-1</th>")));
        // plan: argmax agreement 0.89 against the float model's 1.0.
        QVERIFY(noLabels.contains(QStringLiteral("<td class=\"num\">-11.00 pp</td>")));
    }

    void worstPointCount()
    {
        const cs::CalibrationResult r = handMade();
        ReportOptions options;
        options.worstPoints = 1;
        options.plotSize = QSize(400, 250);
        options.title = QStringLiteral("Nightly");
        const QString html = render(r, options);
        const QList<QImage> images = embeddedImages(html);
        QCOMPARE(images.size(), 1);
        QCOMPARE(images[0].size(), QSize(400, 250));
        QVERIFY(html.contains(QStringLiteral("<title>Nightly</title>")));
        options.worstPoints = 0;
        QCOMPARE(embeddedImages(render(r, options)).size(), 0);
    }

    void manyComparedObservers()
    {
        // More legend entries than fit beside a 360-pixel plot: the legend wraps into a second
        // column, and every later point is drawn on the wrapped legend.
        cs::CalibrationResult r = handMade();
        for (auto& p : r.points)
            for (int i = 0; i < 24; ++i)
                p.compare["observer_" + std::to_string(i)] =
                    guitest::rangeResult(-1.0f - 0.2f * float(i), 1.0f + 0.2f * float(i), p.config.spec);
        const QList<QImage> images = embeddedImages(render(r));
        QCOMPARE(images.size(), 3);
        for (const QImage& image : images)
            QVERIFY(pixelVariance(image) > 10.0);
        QVERIFY(images[0].save(kOutput + QStringLiteral("/report_many_observers.png")));
    }

    void userStringsAreEscaped()
    {
        cs::CalibrationResult r = handMade();
        r.model.path = "/tmp/<script>alert('path')</script>/m.pt";
        r.points[1].name = "<script>alert(1)</script>";
        r.warnings.push_back("odd & <b>bold</b>");
        const QString html = render(r);
        QVERIFY(!html.contains(QStringLiteral("<script")));
        QVERIFY(!html.contains(QStringLiteral("<b>bold")));
        QVERIFY(html.contains(QStringLiteral("&lt;script&gt;alert(1)&lt;/script&gt;")));
        QVERIFY(html.contains(QStringLiteral("/tmp/&lt;script&gt;alert('path')&lt;/script&gt;/m.pt")));
        QVERIFY(html.contains(QStringLiteral("odd &amp; &lt;b&gt;bold&lt;/b&gt;")));
    }

    void failedWriteKeepsThePreviousFile()
    {
        const cs::CalibrationResult r = handMade();
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("report.html"));
        ReportOptions options;
        options.worstPoints = 1;
        cs::ui::writeHtmlReport(r, options, path.toStdString());
        const QByteArray before = cs::test::readFileBytes(path);
        QVERIFY(before.size() > 10000);
        cs::injectWriteFailureForTesting(1000);
        options.title = QStringLiteral("second");
        QVERIFY_THROWS_EXCEPTION(cs::CalibError, cs::ui::writeHtmlReport(r, options, path.toStdString()));
        QCOMPARE(cs::test::readFileBytes(path), before);

        // A "folder" that is a file: the message names the file.
        QFile blocker(dir.filePath(QStringLiteral("blocker")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        const std::string bad = dir.filePath(QStringLiteral("blocker/report.html")).toStdString();
        try {
            cs::ui::writeHtmlReport(r, options, bad);
            QFAIL("no error");
        } catch (const cs::CalibError& e) {
            QVERIFY2(std::string(e.what()).find(bad) != std::string::npos, e.what());
        }
    }

    void demoWithEvaluation()
    {
        // The real thing: the demo CNN calibrated with every observer and evaluated.
        const cs::DemoSplits splits = cs::loadDemoSplits(CALIBSCOPE_TEST_DEMO_DIR "/demo.json");
        cs::CalibrationConfig config;
        config.modelPath = CALIBSCOPE_TEST_DEMO_DIR "/demo.pt";
        config.data = splits.calibration;
        config.numBatches = 4;
        config.compareObservers = true;
        config.threads = 2;
        cs::CalibrationResult r = cs::runCalibration(config);
        cs::EvaluationConfig evaluation;
        evaluation.data = splits.validation;
        evaluation.data.count = 400;
        evaluation.batchSize = 100;
        evaluation.observers = {"min_max", "percentile", "mse", "kl"};
        evaluation.threads = 2;
        r.evaluation = std::make_shared<const cs::EvaluationResult>(cs::runEvaluation(r, evaluation));

        const QString path = kOutput + QStringLiteral("/report_demo.html");
        cs::ui::writeHtmlReport(r, {}, path.toStdString());
        qInfo("report: %s", qPrintable(path));
        const QString html = QString::fromUtf8(cs::test::readFileBytes(path));
        QVERIFY(html.contains(QString::fromStdString(r.model.sha256)));
        QCOMPARE(r.points.size(), size_t(15));
        for (const auto& p : r.points)
            QVERIFY2(html.contains(QStringLiteral("<code>%1</code>").arg(QString::fromStdString(p.name))), p.name.c_str());
        for (const char* label : {"float", "plan", "auto", "min_max", "percentile", "mse", "kl"})
            QVERIFY2(html.contains(QStringLiteral("<td><code>%1</code></td><td>").arg(QString::fromLatin1(label))), label);
        // Accuracy chart, propagation chart and the 8 worst points' histograms.
        const QList<QImage> images = embeddedImages(html);
        QCOMPARE(images.size(), 10);
        for (int i = 0; i < images.size(); ++i) {
            QCOMPARE(images[i].size(), QSize(720, 360));
            QVERIFY(pixelVariance(images[i]) > 10.0);
            QVERIFY(images[i].save(kOutput + QStringLiteral("/report_demo_plot_%1.png").arg(i)));
        }
        // Worst first by the evaluation's local SQNR.
        const QStringList worst = worstHeadings(html);
        QCOMPARE(worst.size(), 8);
        for (int i = 1; i < worst.size(); ++i)
            QVERIFY(r.evaluation->point(worst[i - 1].toStdString())->local.sqnrDb
                    <= r.evaluation->point(worst[i].toStdString())->local.sqnrDb);
    }

    void guiEntryPoint()
    {
        // What File ▸ Export report… calls: finished() with the path, or failed() with a message.
        QTemporaryDir dir;
        cs::app::ReportExporter exporter;
        QSignalSpy finished(&exporter, &cs::app::ReportExporter::finished);
        QSignalSpy failed(&exporter, &cs::app::ReportExporter::failed);
        const QString path = dir.filePath(QStringLiteral("gui.html"));
        const auto result = std::make_shared<const cs::CalibrationResult>(handMade());
        QVERIFY(exporter.exportReport(result, path));
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0).toString(), path);
        QVERIFY(cs::test::readFileBytes(path).contains(kSha));

        QVERIFY(!exporter.exportReport(nullptr, path));
        QCOMPARE(failed.count(), 1);
        QFile blocker(dir.filePath(QStringLiteral("blocker")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        const QString bad = dir.filePath(QStringLiteral("blocker/gui.html"));
        const QString message = cs::app::exportHtmlReport(result, bad);
        QVERIFY2(message.contains(bad), qPrintable(message));
        QCOMPARE(finished.count(), 1);
    }

    void followsTheTranslation()
    {
        FakeChinese translator;
        QVERIFY(QCoreApplication::installTranslator(&translator));
        const QString html = render(handMade());
        QCoreApplication::removeTranslator(&translator);
        QVERIFY(html.contains(QStringLiteral("<html lang=\"zh-CN\">")));
        QVERIFY(html.contains(QStringLiteral("<h2>准确率</h2>")));
        QVERIFY(render(handMade()).contains(QStringLiteral("<html lang=\"en\">")));
    }
};

QTEST_MAIN(TestHtmlReport)
#include "test_html_report.moc"
