// calibscope-cli export --report on a demo session, run without any display or platform
// setting: the CLI must render its plots headless by itself.
#include "../file_test_support.h"
#include "../process_test_support.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {

using Run = cs::test::ProcessRun;

// Like a user's shell without a desktop: the CLI must render its plots headless by itself.
Run cli(const QStringList& arguments)
{
    cs::test::ProcessOptions options;
    options.withoutDisplay = true;
    return cs::test::runCli(arguments, options);
}

const QString kDemo = QStringLiteral(CALIBSCOPE_TEST_DEMO_DIR "/demo.pt");
const QString kTrain = QStringLiteral("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");

} // namespace

class TestCliReport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_session = m_dir.filePath(QStringLiteral("demo.cscope"));
        const Run calibrate = cli({QStringLiteral("calibrate"), QStringLiteral("--model"), kDemo, QStringLiteral("--data"),
                                   kTrain, QStringLiteral("--start"), QStringLiteral("59000"), QStringLiteral("--count"),
                                   QStringLiteral("1000"), QStringLiteral("--num-batches"), QStringLiteral("3"),
                                   QStringLiteral("--compare"), QStringLiteral("--quiet"), QStringLiteral("--session"),
                                   m_session});
        QVERIFY2(calibrate.exitCode == 0, qPrintable(calibrate.err));
        const Run json = cli({QStringLiteral("inspect"), QStringLiteral("--session"), m_session, QStringLiteral("--format"),
                              QStringLiteral("json")});
        QCOMPARE(json.exitCode, 0);
        for (const auto& p : QJsonDocument::fromJson(json.out.toUtf8()).object().value(QStringLiteral("points")).toArray())
            m_points << p.toObject().value(QStringLiteral("name")).toString();
        QCOMPARE(m_points.size(), 15);
    }

    void writesTheReportHeadless()
    {
        const QString report = m_dir.filePath(QStringLiteral("out/report.html"));
        QDir().mkpath(m_dir.filePath(QStringLiteral("out")));
        const Run r = cli({QStringLiteral("export"), QStringLiteral("--session"), m_session, QStringLiteral("--report"),
                           report, QStringLiteral("--worst-points"), QStringLiteral("5")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("report:     ") + report), qPrintable(r.out));
        // Nothing from the platform plugin or elsewhere on stderr.
        QVERIFY2(r.err.trimmed().isEmpty(), qPrintable(r.err));
        const QString html = QString::fromUtf8(cs::test::readFileBytes(report));
        QVERIFY(html.startsWith(QStringLiteral("<!DOCTYPE html>")));
        for (const QString& point : std::as_const(m_points))
            QVERIFY2(html.contains(QStringLiteral("<code>%1</code>").arg(point.toHtmlEscaped())), qPrintable(point));
        QVERIFY(html.contains(QStringLiteral("demo.pt")));
        static const QRegularExpression png(QStringLiteral("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\""));
        int images = 0;
        for (auto it = png.globalMatch(html); it.hasNext(); ++images) {
            QImage image;
            QVERIFY(image.loadFromData(QByteArray::fromBase64(it.next().captured(1).toLatin1()), "PNG"));
            QCOMPARE(image.size(), QSize(720, 360));
        }
        QCOMPARE(images, 5); // the worst 5 points; no evaluation in the session, so no charts
        QFile::remove(QStringLiteral(CALIBSCOPE_TEST_OUTPUT_DIR "/report_demo_cli.html"));
        QVERIFY(QFile::copy(report, QStringLiteral(CALIBSCOPE_TEST_OUTPUT_DIR "/report_demo_cli.html")));
    }

    void reportWithOtherExports()
    {
        const QString report = m_dir.filePath(QStringLiteral("both.html"));
        const QString qconfig = m_dir.filePath(QStringLiteral("both.json"));
        const Run r = cli({QStringLiteral("export"), QStringLiteral("--session"), m_session, QStringLiteral("--qconfig"),
                           qconfig, QStringLiteral("--report=") + report, QStringLiteral("--worst-points"),
                           QStringLiteral("0"), QStringLiteral("--title"), QStringLiteral("Nightly <demo>"),
                           QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
        QVERIFY(QFile::exists(qconfig));
        const QString html = QString::fromUtf8(cs::test::readFileBytes(report));
        QVERIFY(html.contains(QStringLiteral("<title>Nightly &lt;demo&gt;</title>")));
        QVERIFY(!html.contains(QStringLiteral("data:image/png")));
    }

    void badPathExitsOne()
    {
        // Missing folders are created; a folder that is a file cannot be.
        QFile blocker(m_dir.filePath(QStringLiteral("blocker")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        const QString report = m_dir.filePath(QStringLiteral("blocker/report.html"));
        const Run r = cli({QStringLiteral("export"), QStringLiteral("--session"), m_session, QStringLiteral("--report"),
                           report});
        QCOMPARE(r.exitCode, 1);
        const QStringList lines = r.err.trimmed().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines[0].startsWith(QStringLiteral("calibscope-cli: ")) && lines[0].contains(report), qPrintable(r.err));
        QVERIFY(!QFile::exists(report));
    }

    void badUsageExitsTwo()
    {
        const Run r = cli({QStringLiteral("export"), QStringLiteral("--session"), m_session, QStringLiteral("--report"),
                           m_dir.filePath(QStringLiteral("x.html")), QStringLiteral("--worst-points"), QStringLiteral("-1")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QStringLiteral("--worst-points")));
        const Run help = cli({QStringLiteral("help"), QStringLiteral("export")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains(QStringLiteral("--report <REPORT.html>")));
        QVERIFY(help.out.contains(QStringLiteral("--worst-points <N>")));
    }

private:
    QTemporaryDir m_dir;
    QString m_session;
    QStringList m_points;
};

QTEST_GUILESS_MAIN(TestCliReport)
#include "test_cli_report.moc"
