// A model with more than a thousand points, made at test time (a deep residual MLP): the CLI
// calibrates it in compare mode over 30 batches; the session's size, its peak memory and the
// time to open it are printed; in the GUI, opening the session, the point table (sorting,
// filters), switching histograms and the tabs keep every GUI-thread stall under 100 ms (a 5 ms
// heartbeat measures the largest gap). The session's size is asserted (<= 100 MB).
#include "gui_test_support.h"
#include "../process_test_support.h"

#include "core/session.h"
#include "gui/main_window.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <functional>

using cs::app::MainWindow;

namespace {

constexpr int kBlocks = 500; // 2 activation points per block + the input and the head
constexpr int kBatches = 30;
constexpr int kBatchSize = 32;
constexpr int kStallMs = 100;

// The largest gap between two beats of a 5 ms GUI-thread timer while it runs.
class Heartbeat {
public:
    Heartbeat()
    {
        m_timer.setInterval(5);
        QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] {
            const qint64 now = m_clock.elapsed();
            if (m_last >= 0)
                m_largest = std::max(m_largest, now - m_last);
            m_last = now;
        });
    }
    void start()
    {
        m_last = -1;
        m_largest = 0;
        m_clock.start();
        m_timer.start();
    }
    qint64 stop()
    {
        m_timer.stop();
        return m_largest;
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = -1;
    qint64 m_largest = 0;
};

// Lets the event loop run (paints, queued results) for `ms` milliseconds.
void spin(int ms)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms)
        QTest::qWait(5);
}

} // namespace

class TestGuiThousandPoints : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // CALIBSCOPE_THOUSAND_SESSION names a session made earlier: the GUI steps run on it
        // without the calibration (for working on them; the size is not checked then).
        const QString reuse = qEnvironmentVariable("CALIBSCOPE_THOUSAND_SESSION");
        if (!reuse.isEmpty()) {
            m_session = reuse;
            cs::ObserverBank bank;
            QElapsedTimer clock;
            clock.start();
            const cs::CalibrationResult result = cs::loadSession(m_session.toStdString(), &bank);
            qInfo("%s: loadSession %lld ms", qPrintable(reuse), clock.elapsed());
            m_points = int(result.points.size());
            for (const auto& p : result.points)
                m_names << QString::fromStdString(p.name);
            return;
        }
        const QString maker = QStringLiteral(CALIBSCOPE_THOUSAND_POINTS_MAKER);
        const auto made = cs::test::runProcess(QStringLiteral("/usr/bin/python3"),
                                               {maker, m_dir.path(), QString::number(kBlocks),
                                                QString::number(kBatches * kBatchSize)},
                                               {600000});
        QVERIFY2(made.exitCode == 0, qPrintable(made.out + made.err));
        m_session = m_dir.filePath(QStringLiteral("deep_mlp.cscope"));
        QElapsedTimer clock;
        clock.start();
        const auto calibrated = cs::test::runProcess(
            QStringLiteral("/usr/bin/python3"),
            {maker, QStringLiteral("--max-rss"), QStringLiteral(CALIBSCOPE_CLI), QStringLiteral("calibrate"),
             QStringLiteral("--model"), m_dir.filePath(QStringLiteral("deep_mlp.pt")), QStringLiteral("--data"),
             m_dir.filePath(QStringLiteral("deep_mlp_input.npy")), QStringLiteral("--batch-size"),
             QString::number(kBatchSize), QStringLiteral("--num-batches"), QString::number(kBatches),
             QStringLiteral("--compare"), QStringLiteral("--quiet"), QStringLiteral("--session"), m_session},
            {1800000});
        QVERIFY2(calibrated.exitCode == 0, qPrintable(calibrated.out + calibrated.err));
        const qint64 calibrateMs = clock.elapsed();
        const qint64 rssKib = calibrated.out.section(QStringLiteral("max_rss_kib "), 1).trimmed().toLongLong();
        const double sizeMb = double(QFileInfo(m_session).size()) / 1e6;

        clock.restart();
        cs::ObserverBank bank;
        const cs::CalibrationResult result = cs::loadSession(m_session.toStdString(), &bank);
        const qint64 loadMs = clock.elapsed();
        m_points = int(result.points.size());
        qInfo("%d activation points, %zu weight points, %d batches of %d: calibrate (compare) %lld ms, peak RSS %lld "
              "MiB, session %.1f MB, loadSession %lld ms",
              m_points, result.weights.size(), result.batches, kBatchSize, calibrateMs, rssKib / 1024, sizeMb, loadMs);
        QVERIFY2(m_points >= 1000, qPrintable(QString::number(m_points)));
        QCOMPARE(result.batches, kBatches);
        QVERIFY(!bank.empty());
        // What a calibration keeps is its statistics: every point's per-batch histograms and
        // every compare observer's retained state (about 1.7 GiB here, most of it the compare
        // observers' per-batch data, and the session written from them), not the data seen.
        QVERIFY2(rssKib > 0 && rssKib < 3 * 1024 * 1024, qPrintable(QString::number(rssKib)));
        // The session keeps every point's per-batch |x| histograms and the compare observers'
        // retained states (KL's per-batch histograms with their edges, percentile's per-batch
        // histograms, the hist_* observers' shared one), each distinct array once, in byte
        // planes and zlib-compressed.
        QVERIFY2(sizeMb <= 100.0, qPrintable(QStringLiteral("session %1 MB").arg(sizeMb, 0, 'f', 1)));
        for (const auto& p : result.points)
            m_names << QString::fromStdString(p.name);
    }

    void everyGuiStepStaysResponsive()
    {
        std::unique_ptr<MainWindow> window;
        gui_test::startWindow(window, "calibscope-thousand-points-test", 600000, QSize(1366, 768));
        Heartbeat heartbeat;
        qint64 worst = 0;
        auto measure = [&](const char* step, const std::function<void()>& work) {
            heartbeat.start();
            work();
            const qint64 gap = heartbeat.stop();
            qInfo("%-34s largest GUI-thread stall %lld ms", step, gap);
            worst = std::max(worst, gap);
            QVERIFY2(gap < kStallMs, qPrintable(QStringLiteral("%1: the GUI thread stalled %2 ms")
                                                   .arg(QString::fromLatin1(step))
                                                   .arg(gap)));
        };

        // Taking over an opened thousand-point session: the error estimates arrive computed
        // with the session, the heat map's follow in slices, the tables size their columns on
        // a turn of their own, the convergence replay runs on its worker and the recent-files
        // setting is written to disk on a worker.
        measure("open the session", [&] {
            QSignalSpy opened(window.get(), &MainWindow::sessionOpened);
            window->openSession(m_session);
            QVERIFY(opened.wait(120000));
            spin(200);
        });
        QCOMPARE(window->pointModel()->rowCount(), m_points);

        // Every tab of every tab widget in turn, each painted (the analysis views fill on show).
        const std::function<void()> showEveryTab = [&] {
            for (QTabWidget* tabWidget : window->findChildren<QTabWidget*>())
                for (int i = 0; i < tabWidget->count(); ++i) {
                    tabWidget->setCurrentIndex(i);
                    QTest::qWait(30);
                }
            spin(100);
        };
        QTableView* table = window->pointTable()->table();
        measure("sort the point table by each column", [&] {
            for (int column = 0; column < window->pointModel()->columnCount(); ++column) {
                table->sortByColumn(column, Qt::DescendingOrder);
                QTest::qWait(10);
            }
            table->sortByColumn(0, Qt::AscendingOrder);
            spin(100);
        });
        measure("filter the point table", [&] {
            cs::ui::PointFilterProxy* proxy = window->pointTable()->proxy();
            proxy->setNameFilter(QStringLiteral("blocks.4"));
            QTest::qWait(20);
            QVERIFY(proxy->rowCount() > 0 && proxy->rowCount() < m_points);
            proxy->setNameFilter(QString());
            proxy->setKindFilter(QStringLiteral("aten::add"));
            QTest::qWait(20);
            proxy->setKindFilter(QString());
            proxy->setWorstCount(20);
            QTest::qWait(20);
            QCOMPARE(proxy->rowCount(), 20);
            proxy->setWorstCount(0);
            spin(100);
        });
        measure("switch histograms (60 points)", [&] {
            for (int i = 0; i < 60; ++i) {
                window->showPoint(m_names.at((i * 97) % m_names.size()));
                QTest::qWait(5);
            }
            spin(100);
        });
        measure("show every tab", showEveryTab);
        gui_test::saveScreenshot(*window, QStringLiteral("thousand_points.png"));

        qInfo("largest GUI-thread stall over every step: %lld ms", worst);
        window->sessions()->shutdown();
    }

private:
    QTemporaryDir m_dir;
    QString m_session;
    int m_points = 0;
    QStringList m_names;
};

QTEST_MAIN(TestGuiThousandPoints)
#include "test_gui_thousand_points.moc"
