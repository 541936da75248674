// A new user's day, headless: open the demo, calibrate (the window keeps responding), pick a
// point, change its percentile, drag a clip handle, undo, change the dtype (a background
// re-run), save, reopen, close with unsaved changes. Screenshots go to the build tree.
#include "gui_test_support.h"

#include "core/observers/observer_registry.h"

#include "gui/calibration_document.h"
#include "gui/dataset_dialog.h"
#include "gui/main_window.h"
#include "gui/session_controller.h"
#include "gui/settings.h"
#include "widgets/histogram_view.h"
#include "widgets/job_progress.h"
#include "widgets/parameter_panel.h"
#include "widgets/point_filter_proxy.h"
#include "widgets/point_table_model.h"
#include "widgets/point_table_view.h"
#include "widgets/qcustomplot_wrapper.h"
#include "widgets/weights_view.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTranslator>
#include <QUndoStack>

#include <memory>

using cs::app::MainWindow;
using cs::ui::PointTableModel;
using gui_test::clickPoint;
using gui_test::saveScreenshot;
using gui_test::sendMouse;

namespace {

constexpr int kJobTimeoutMs = 600000;

QString cellOf(MainWindow& window, const QString& point, int column)
{
    const int row = window.pointModel()->rowOf(point);
    return window.pointModel()->index(row, column).data().toString();
}

void applyPanel(MainWindow& window)
{
    QPushButton* apply = window.parameterPanel()->applyButton();
    QVERIFY2(apply->isEnabled(), qPrintable(window.parameterPanel()->validationMessage()));
    QTest::mouseClick(apply, Qt::LeftButton);
}

void setObserver(MainWindow& window, const QString& name)
{
    QComboBox* combo = window.parameterPanel()->observerCombo();
    combo->setCurrentIndex(combo->findData(name));
    QCOMPARE(combo->currentData().toString(), name);
}

} // namespace

class TestGuiWorkflow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        gui_test::startWindow(m_window, "calibscope-test", 200);
    }

    void opensTheDemoWithItsCalibrationSplit()
    {
        QSignalSpy loaded(m_window.get(), &MainWindow::modelLoaded);
        m_window->openDemo();
        QVERIFY(loaded.wait(kJobTimeoutMs));
        const cs::DatasetSpec& data = m_window->dataset();
        QCOMPARE(data.format, cs::DatasetFormat::Idx);
        QVERIFY(QString::fromStdString(data.path).endsWith(QStringLiteral("train-images-idx3-ubyte.gz")));
        QCOMPARE(data.start, int64_t(59000));
        QCOMPARE(data.count, int64_t(1000));
        QVERIFY(data.preprocess.grayscale);
        QCOMPARE(data.preprocess.mean, std::vector<double>{0.286});
        QVERIFY(m_window->findChild<QAction*>(QStringLiteral("actionCalibrate"))->isEnabled());
    }

    void calibratesWithoutBlockingTheWindow()
    {
        // A GUI-thread heartbeat: its largest gap is how long the window stopped responding.
        QElapsedTimer clock;
        qint64 last = -1, largestGap = 0;
        int beats = 0;
        QTimer heartbeat;
        heartbeat.setInterval(5);
        connect(&heartbeat, &QTimer::timeout, &heartbeat, [&] {
            const qint64 now = clock.elapsed();
            if (last >= 0)
                largestGap = std::max(largestGap, now - last);
            last = now;
            ++beats;
        });
        QStringList progressTexts;
        QObject scope; // ends the connection with this function
        connect(m_window->jobProgress()->bar(), &QProgressBar::valueChanged, &scope,
                [&] { progressTexts << m_window->jobProgress()->text(); });

        QSignalSpy finished(m_window.get(), &MainWindow::calibrationFinished);
        clock.start();
        heartbeat.start();
        m_window->findChild<QAction*>(QStringLiteral("actionCalibrate"))->trigger();
        QVERIFY(m_window->isBusy());
        QVERIFY(m_window->jobProgress()->isVisible());
        QVERIFY(finished.wait(kJobTimeoutMs));
        heartbeat.stop();
        qInfo("calibration: %lld ms, %d heartbeats, largest gap %lld ms", clock.elapsed(), beats, largestGap);
        QVERIFY2(largestGap < 100, qPrintable(QStringLiteral("GUI thread blocked for %1 ms").arg(largestGap)));
        QVERIFY(!m_window->isBusy());
        QVERIFY(!m_window->jobProgress()->isVisible());
        QVERIFY(!progressTexts.isEmpty());
        QVERIFY2(progressTexts.last().contains(QStringLiteral("images/s")), qPrintable(progressTexts.last()));
        QVERIFY(progressTexts.last().contains(QStringLiteral("left")));

        const cs::CalibrationResult* result = m_window->document()->result();
        QVERIFY(result);
        QVERIFY(result->config.compareObservers);
        QCOMPARE(result->images, int64_t(1000));
        QCOMPARE(m_window->pointModel()->rowCount(), int(result->points.size()));
        QVERIFY(m_window->document()->isModified());
        QVERIFY(m_window->isWindowModified());
    }

    void realModelsPassTheTester()
    {
        // On the real calibration, through the same proxy the table uses.
        QAbstractItemModelTester source(m_window->pointModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxy(m_window->pointTable()->proxy(),
                                       QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester ops(m_window->opTable()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        m_window->pointTable()->proxy()->setWorstCount(3);
        QCOMPARE(m_window->pointTable()->proxy()->rowCount(), 3);
        m_window->pointTable()->proxy()->setWorstCount(0);
    }

    void selectingAPointShowsItsHistogram()
    {
        clickPoint(*m_window, QStringLiteral("block1.add"));
        cs::ui::HistogramView* view = m_window->histogramView();
        QCOMPARE(view->point(), QStringLiteral("block1.add"));
        const cs::PointCalibration* point = m_window->document()->result()->point("block1.add");
        const cs::HistogramData& h = point->stats.histogram;
        QCPGraph* graph = view->histogramGraph();
        QCOMPARE(graph->data()->size(), int(h.counts.size()) + 1);
        double sum = 0;
        for (int i = 0; i < int(h.counts.size()); ++i) {
            QCOMPARE((graph->data()->constBegin() + i)->value, h.counts[size_t(i)]);
            sum += (graph->data()->constBegin() + i)->value;
        }
        QCOMPARE(sum, h.total());
        QCOMPARE(view->clipHigh(), double(point->result.max[0]));
        // Every compare observer of the point has its pair of lines.
        QVERIFY(view->compareLineCount() >= 2 * 10);
        QCOMPARE(m_window->parameterPanel()->config(), point->config);

        // Picking an op in the all-ops table selects the point that quantizes it.
        QTableView* ops = m_window->opTable();
        for (int row = 0; row < ops->model()->rowCount(); ++row)
            if (ops->model()->index(row, 1).data().toString() == QLatin1String("block1.conv1")) {
                ops->selectionModel()->setCurrentIndex(ops->model()->index(row, 0),
                                                       QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
                break;
            }
        const QString fusedPoint = m_window->pointTable()->currentPoint();
        QVERIFY(fusedPoint != QLatin1String("block1.add"));
        const int row = m_window->pointModel()->rowOf(fusedPoint);
        QVERIFY(m_window->pointModel()->weightOf(row));
        QCOMPARE(m_window->pointModel()->weightOf(row)->name, std::string("block1.conv1"));
        QCOMPARE(m_window->weightsView()->channelCount(),
                 int(m_window->pointModel()->weightOf(row)->folded.max.size()));
        m_window->inspectorTabs()->setCurrentWidget(m_window->weightsView());
        QTest::qWait(100);
        saveScreenshot(*m_window->weightsView(), QStringLiteral("workflow_weights_view.png"));
        m_window->inspectorTabs()->setCurrentWidget(m_window->histogramView());
        clickPoint(*m_window, QStringLiteral("block1.add"));
    }

    void percentileMovesTheClipLineAndTheRow()
    {
        const QString point = QStringLiteral("block1.add");
        cs::ui::HistogramView* view = m_window->histogramView();
        const double originalHigh = view->clipHigh();
        const QString originalCell = cellOf(*m_window, point, PointTableModel::ClipHigh);
        const QString originalL2 = cellOf(*m_window, point, PointTableModel::L2);

        setObserver(*m_window, QStringLiteral("percentile"));
        auto* percentile = qobject_cast<QDoubleSpinBox*>(m_window->parameterPanel()->editor(QStringLiteral("percentile")));
        QVERIFY(percentile);
        percentile->setValue(99.0);
        applyPanel(*m_window);
        // Instant: from the compare observer's retained statistics, no re-run.
        QVERIFY(!m_window->isBusy());
        QCOMPARE(cellOf(*m_window, point, PointTableModel::Observer), QStringLiteral("percentile"));
        const double p99High = view->clipHigh();
        QVERIFY(p99High < originalHigh);
        QCOMPARE(cellOf(*m_window, point, PointTableModel::ClipHigh), cs::ui::formatNumber(p99High));
        QVERIFY(cellOf(*m_window, point, PointTableModel::L2) != originalL2);

        percentile->setValue(99.99);
        applyPanel(*m_window);
        const double p9999High = view->clipHigh();
        QVERIFY(p9999High > p99High);
        QCOMPARE(cellOf(*m_window, point, PointTableModel::ClipHigh), cs::ui::formatNumber(p9999High));
        QCOMPARE(m_window->document()->undoStack()->count(), 2);
        QTest::qWait(50);
        saveScreenshot(*m_window->histogramView(), QStringLiteral("workflow_histogram_percentile.png"));

        // Undo walks back through both edits; redo forward again.
        QAction* undo = m_window->findChild<QAction*>(QStringLiteral("actionUndo"));
        QAction* redo = m_window->findChild<QAction*>(QStringLiteral("actionRedo"));
        undo->trigger();
        QCOMPARE(view->clipHigh(), p99High);
        undo->trigger();
        QCOMPARE(view->clipHigh(), originalHigh);
        QCOMPARE(cellOf(*m_window, point, PointTableModel::ClipHigh), originalCell);
        QCOMPARE(cellOf(*m_window, point, PointTableModel::Observer), QStringLiteral("min_max"));
        QCOMPARE(m_window->parameterPanel()->observerCombo()->currentData().toString(), QStringLiteral("min_max"));
        redo->trigger();
        QCOMPARE(view->clipHigh(), p99High);
    }

    void draggingAClipHandleEstimatesLive()
    {
        const QString point = QStringLiteral("block1.add");
        cs::ui::HistogramView* view = m_window->histogramView();
        QCustomPlot* plot = view->plot();
        plot->replot(QCustomPlot::rpImmediateRefresh);
        const double high = view->clipHigh();
        const double before = view->shownEstimate().l2;
        const int undoIndex = m_window->document()->undoStack()->index();
        QSignalSpy dragged(view, &cs::ui::HistogramView::clipDragged);

        const QPoint handle(qRound(plot->xAxis->coordToPixel(high)), plot->axisRect()->center().y());
        const QPoint target(qRound(plot->xAxis->coordToPixel(high * 0.6)), handle.y());
        sendMouse(plot, QEvent::MouseButtonPress, handle, Qt::LeftButton);
        QVERIFY(view->isDragging());
        QList<double> estimates;
        for (int step = 1; step <= 4; ++step) {
            sendMouse(plot, QEvent::MouseMove, handle + (target - handle) * step / 4, Qt::LeftButton);
            estimates << view->shownEstimate().l2;
        }
        QCOMPARE(dragged.count(), 4);
        QVERIFY(estimates.last() != before);
        QVERIFY(estimates[0] != estimates[3]);
        QVERIFY(view->estimateText().contains(QStringLiteral("What-if")));
        const double whatIfL2 = view->shownEstimate().l2;
        const double draggedHigh = view->clipHigh();
        // What the grid keeps is said while dragging, and it is what the point then keeps.
        const cs::ui::HistogramView::KeptRange kept = view->keptRange();
        QVERIFY2(view->estimateText().contains(QStringLiteral("Kept on the grid")), qPrintable(view->estimateText()));
        QVERIFY(std::abs(draggedHigh - high * 0.6) < 0.05 * high);
        QTest::qWait(50);
        saveScreenshot(*m_window->histogramView(), QStringLiteral("workflow_histogram_drag.png"));
        sendMouse(plot, QEvent::MouseButtonRelease, target, Qt::NoButton);

        // The dragged range is now the point's custom range on its own grid; its error is the
        // what-if's and its range the one shown as kept.
        QCOMPARE(cellOf(*m_window, point, PointTableModel::Observer), QStringLiteral("user_range"));
        const cs::PointCalibration* edited = m_window->pointModel()->point(m_window->pointModel()->rowOf(point));
        QCOMPARE(cs::obs::withDefaults(*cs::obs::findObserver("user_range"), edited->config.params).at("xmax"),
                 double(float(draggedHigh)));
        float keptLow = 0, keptHigh = 0;
        QVERIFY(cs::ui::quantizerRange(*edited, keptLow, keptHigh));
        QCOMPARE(keptHigh, float(kept.high));
        QCOMPARE(keptLow, float(kept.low));
        QCOMPARE(m_window->document()->undoStack()->index(), undoIndex + 1);
        const cs::ErrorEstimate* e = m_window->pointModel()->estimate(m_window->pointModel()->rowOf(point));
        QVERIFY(std::abs(e->l2 - whatIfL2) <= 1e-6 * whatIfL2);
        QVERIFY(std::abs(view->clipHigh() - draggedHigh) < 0.02 * draggedHigh);
        QVERIFY(!view->isDragging());

        // The exact numbers follow in the background, measured on the calibration images
        // (the same values the histogram holds, so they are close to the estimate).
        QSignalSpy measured(m_window.get(), &MainWindow::pointMeasured);
        QVERIFY(measured.wait(kJobTimeoutMs));
        QCOMPARE(measured.first().first().toString(), point);
        QVERIFY(view->hasMeasuredError());
        const QString text = view->estimateText();
        qInfo("%s", qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Measured on 1000 calibration images")), qPrintable(text));
        // Every value of the histogram was measured; the histogram's estimate (values spread
        // uniformly within a bin) is close to the exact figure.
        const auto& exact = view->measuredError();
        QCOMPARE(exact.values, qint64(m_window->document()->result()->point(point.toStdString())->stats.count));
        QVERIFY2(std::abs(exact.l2 - whatIfL2) < 0.02 * whatIfL2,
                 qPrintable(QStringLiteral("measured %1, estimated %2").arg(exact.l2).arg(whatIfL2)));
        QTest::qWait(50);
        saveScreenshot(*m_window->histogramView(), QStringLiteral("workflow_histogram_measured.png"));

        m_window->findChild<QAction*>(QStringLiteral("actionUndo"))->trigger();
        QCOMPARE(cellOf(*m_window, point, PointTableModel::Observer), QStringLiteral("percentile"));
        QCOMPARE(view->clipHigh(), high);
        QVERIFY(!view->hasMeasuredError()); // it described the undone range
    }

    void dtypeChangeRerunsInTheBackground()
    {
        const QString point = QStringLiteral("block1.add");
        QComboBox* dtype = m_window->parameterPanel()->dtypeCombo();
        dtype->setCurrentIndex(dtype->findData(QStringLiteral("qint16")));
        QSignalSpy finished(m_window.get(), &MainWindow::calibrationFinished);
        applyPanel(*m_window);
        // The compare observers ran on the qint8 grid: this one needs the data again.
        QCOMPARE(m_window->document()->pendingPoints(), QStringList{point});
        QVERIFY(m_window->isBusy());
        QVERIFY(m_window->pointModel()->index(m_window->pointModel()->rowOf(point), 0).data(Qt::FontRole).value<QFont>().italic());
        QVERIFY(finished.wait(kJobTimeoutMs));
        QVERIFY(m_window->document()->pendingPoints().isEmpty());
        QCOMPARE(cellOf(*m_window, point, PointTableModel::DType), QStringLiteral("qint16"));
        QCOMPARE(cellOf(*m_window, point, PointTableModel::Observer), QStringLiteral("percentile"));
        QCOMPARE(m_window->pointTable()->currentPoint(), point); // the user's place is kept

        // Undo goes through a re-run too, and lands back on qint8.
        QSignalSpy again(m_window.get(), &MainWindow::calibrationFinished);
        m_window->findChild<QAction*>(QStringLiteral("actionUndo"))->trigger();
        QVERIFY(again.wait(kJobTimeoutMs));
        QCOMPARE(cellOf(*m_window, point, PointTableModel::DType), QStringLiteral("qint8"));
        QCOMPARE(cellOf(*m_window, point, PointTableModel::Observer), QStringLiteral("percentile"));
    }

    void editsApplyToASelectionAndToAKind()
    {
        // Two points selected with Ctrl: keep both in float, in one undoable step.
        clickPoint(*m_window, QStringLiteral("stem.relu"));
        QTableView* table = m_window->pointTable()->table();
        const QModelIndex second = m_window->pointTable()->proxy()->mapFromSource(
            m_window->pointModel()->index(m_window->pointModel()->rowOf(QStringLiteral("pool")), 0));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::ControlModifier, table->visualRect(second).center());
        QCOMPARE(m_window->pointTable()->selectedPoints().size(), 2);
        auto* keepFloat = m_window->parameterPanel()->findChild<QCheckBox*>(QStringLiteral("keepFloat"));
        keepFloat->setChecked(true);
        m_window->parameterPanel()->setScope(cs::ui::ParameterPanel::Scope::Selection);
        const int index = m_window->document()->undoStack()->index();
        applyPanel(*m_window);
        QCOMPARE(cellOf(*m_window, QStringLiteral("stem.relu"), PointTableModel::DType), QStringLiteral("float"));
        QCOMPARE(cellOf(*m_window, QStringLiteral("pool"), PointTableModel::DType), QStringLiteral("float"));
        QCOMPARE(m_window->document()->undoStack()->index(), index + 1);
        m_window->findChild<QAction*>(QStringLiteral("actionUndo"))->trigger();
        QCOMPARE(cellOf(*m_window, QStringLiteral("stem.relu"), PointTableModel::DType), QStringLiteral("qint8"));
        QCOMPARE(cellOf(*m_window, QStringLiteral("pool"), PointTableModel::DType), QStringLiteral("qint8"));

        // Every aten::relu point switches to percentile (instant: compare mode).
        clickPoint(*m_window, QStringLiteral("stem.relu"));
        setObserver(*m_window, QStringLiteral("percentile"));
        m_window->parameterPanel()->setScope(cs::ui::ParameterPanel::Scope::Kind);
        applyPanel(*m_window);
        QVERIFY(!m_window->isBusy());
        int relus = 0;
        for (int row = 0; row < m_window->pointModel()->rowCount(); ++row) {
            const QModelIndex i = m_window->pointModel()->index(row, 0);
            if (i.data(PointTableModel::KindRole).toString() == QLatin1String("aten::relu")) {
                ++relus;
                QCOMPARE(i.data(PointTableModel::ObserverRole).toString(), QStringLiteral("percentile"));
            }
        }
        QVERIFY(relus >= 3);
        QCOMPARE(cellOf(*m_window, QStringLiteral("pool"), PointTableModel::Observer), QStringLiteral("min_max"));
        m_window->findChild<QAction*>(QStringLiteral("actionUndo"))->trigger();
        QCOMPARE(cellOf(*m_window, QStringLiteral("stem.relu"), PointTableModel::Observer), QStringLiteral("min_max"));
        clickPoint(*m_window, QStringLiteral("block1.add"));
    }

    void cancelStopsACalibration()
    {
        const cs::CalibrationResult* before = m_window->document()->result();
        m_window->calibrate();
        QVERIFY(m_window->isBusy());
        QTRY_VERIFY_WITH_TIMEOUT(m_window->jobProgress()->bar()->value() >= 1, 60000);
        QTest::mouseClick(m_window->jobProgress()->cancelButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->isBusy(), 60000);
        QVERIFY(!m_window->jobProgress()->isVisible());
        QCOMPARE(m_window->document()->result(), before); // nothing half-done replaced the plan
    }

    void badSessionFileShowsTheReason()
    {
        const QString path = m_dir.filePath(QStringLiteral("broken.cscope"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not a session");
        file.close();
        QSignalSpy errors(m_window.get(), &MainWindow::errorShown);
        m_window->openSession(path);
        // The calibration is not saved: opening another session asks first. Discarding only
        // lets the open go ahead; a file that fails to open replaces nothing.
        auto* prompt = m_window->findChild<QMessageBox*>(QStringLiteral("unsavedDialog"));
        QVERIFY(prompt);
        QVERIFY(prompt->text().contains(QStringLiteral("another session")));
        QTest::mouseClick(prompt->button(QMessageBox::Discard), Qt::LeftButton);
        QVERIFY(errors.wait(60000));
        QVERIFY(errors.first().first().toString().contains(path));
        QVERIFY(errors.first().first().toString().contains(QStringLiteral("not a calibscope session")));
        auto* dialog = m_window->findChild<QMessageBox*>(QStringLiteral("errorDialog"));
        QVERIFY(dialog && dialog->isVisible());
        dialog->accept();
        QVERIFY(m_window->document()->hasResult()); // the open calibration is untouched
    }

    void datasetDialogAndLanguageSetting()
    {
        m_window->showDatasetDialog();
        auto* dialog = m_window->findChild<cs::app::DatasetDialog*>(QStringLiteral("datasetDialog"));
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        QCOMPARE(dialog->spec(), m_window->dataset());
        dialog->findChild<QSpinBox*>(QStringLiteral("numBatches"))->setValue(8);
        dialog->accept();
        QCOMPARE(m_window->findChild<QLabel*>(QStringLiteral("datasetLabel"))->text().contains(QStringLiteral("8 batches")),
                 true);
        QCOMPARE(cs::app::settings::numBatches.value(), 8);
        QVERIFY(cs::app::settings::recentDatasets.value().contains(QString::fromStdString(m_window->dataset().path)));
        // Back to the whole split for the rest of the day.
        m_window->setDataset(m_window->dataset(), 32, -1);

        // Another language offers a restart; "Later" keeps the window as it is.
        const auto later = [this] {
            auto* box = m_window->findChild<QMessageBox*>(QStringLiteral("languageRestartDialog"));
            QVERIFY(box);
            QTest::mouseClick(box->findChild<QPushButton*>(QStringLiteral("restartLater")), Qt::LeftButton);
            QTRY_VERIFY(!m_window->findChild<QMessageBox*>(QStringLiteral("languageRestartDialog")));
        };
        m_window->findChild<QAction*>(QStringLiteral("language_zh_CN"))->trigger();
        QCOMPARE(cs::app::settings::language.value(), QStringLiteral("zh_CN"));
        later();
        m_window->findChild<QAction*>(QStringLiteral("language_system"))->trigger();
        QCOMPARE(cs::app::settings::language.value(), QString());
        later();
    }

    void autosavesAfterAnEdit()
    {
        QSignalSpy autosaved(m_window->sessions(), &cs::app::SessionController::autosaved);
        auto* keepFloat = m_window->parameterPanel()->findChild<QCheckBox*>(QStringLiteral("keepFloat"));
        m_window->parameterPanel()->setScope(cs::ui::ParameterPanel::Scope::Point);
        keepFloat->setChecked(true);
        applyPanel(*m_window);
        QVERIFY(autosaved.wait(30000));
        m_window->findChild<QAction*>(QStringLiteral("actionUndo"))->trigger();
        QVERIFY(QFileInfo::exists(autosaved.first().first().toString()));
        QVERIFY(autosaved.first().first().toString().startsWith(QString::fromLocal8Bit(qgetenv("CALIBSCOPE_CACHE_DIR"))));
    }

    void savesAndReopensTheSession()
    {
        m_sessionPath = m_dir.filePath(QStringLiteral("demo.cscope"));
        QSignalSpy saved(m_window.get(), &MainWindow::sessionSaved);
        m_window->saveSession(m_sessionPath);
        QVERIFY(saved.wait(60000));
        QVERIFY(!m_window->document()->isModified());
        QVERIFY(!m_window->isWindowModified());
        QVERIFY(m_window->windowTitle().contains(QStringLiteral("demo.cscope")));
        QCOMPARE(cs::app::settings::recentSessions.value().value(0), QFileInfo(m_sessionPath).absoluteFilePath());

        clickPoint(*m_window, QStringLiteral("block1.add"));
        QTest::qWait(100);
        saveScreenshot(*m_window, QStringLiteral("workflow_main_window.png"));
        saveScreenshot(*m_window->parameterPanel(), QStringLiteral("workflow_parameter_panel.png"));

        MainWindow reopened;
        reopened.show();
        QSignalSpy opened(&reopened, &MainWindow::sessionOpened);
        reopened.openSession(m_sessionPath);
        QVERIFY(opened.wait(60000));
        const cs::CalibrationResult& a = *m_window->document()->result();
        const cs::CalibrationResult& b = *reopened.document()->result();
        QCOMPARE(b.points.size(), a.points.size());
        for (size_t i = 0; i < a.points.size(); ++i) {
            QCOMPARE(b.points[i].config, a.points[i].config);
            QCOMPARE(b.points[i].result.max, a.points[i].result.max);
        }
        QVERIFY(!reopened.document()->isModified());
        QCOMPARE(QString::fromStdString(reopened.dataset().path), QString::fromStdString(a.config.data.path));
        clickPoint(reopened, QStringLiteral("block1.add"));
        QCOMPARE(reopened.histogramView()->histogramGraph()->data()->size(),
                 int(a.point("block1.add")->stats.histogram.counts.size()) + 1);
        QCOMPARE(cellOf(reopened, QStringLiteral("block1.add"), PointTableModel::L2),
                 cellOf(*m_window, QStringLiteral("block1.add"), PointTableModel::L2));
    }

    void mainWindowInChinese()
    {
        QTranslator translator;
        QVERIFY(gui_test::installCatalogue(translator));
        {
            MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QSignalSpy opened(&window, &MainWindow::sessionOpened);
            window.openSession(m_sessionPath);
            QVERIFY(opened.wait(60000));
            clickPoint(window, QStringLiteral("block1.add"));
            QCOMPARE(window.pointModel()->headerData(PointTableModel::ClipHigh, Qt::Horizontal).toString(),
                     QStringLiteral("截断上限"));
            QTest::qWait(100);
            saveScreenshot(window, QStringLiteral("workflow_main_window_zh_CN.png"));
        }
        QApplication::removeTranslator(&translator);
    }

    void closingWithUnsavedChangesAsks()
    {
        const QString point = QStringLiteral("block1.add");
        clickPoint(*m_window, point);
        QCheckBox* keepFloat = m_window->parameterPanel()->findChild<QCheckBox*>(QStringLiteral("keepFloat"));
        keepFloat->setChecked(true);
        applyPanel(*m_window);
        QCOMPARE(cellOf(*m_window, point, PointTableModel::DType), QStringLiteral("float"));
        QVERIFY(m_window->document()->isModified());

        QVERIFY(!m_window->close());
        QVERIFY(m_window->isVisible());
        auto* prompt = m_window->findChild<QMessageBox*>(QStringLiteral("unsavedDialog"));
        QVERIFY(prompt);
        QVERIFY(prompt->isVisible());
        saveScreenshot(*prompt, QStringLiteral("workflow_unsaved_prompt.png"));
        // Cancel keeps the window and the changes.
        QTest::mouseClick(prompt->button(QMessageBox::Cancel), Qt::LeftButton);
        QTRY_VERIFY(!m_window->findChild<QMessageBox*>(QStringLiteral("unsavedDialog")));
        QVERIFY(m_window->isVisible());

        // Save writes the session, then the window closes.
        QVERIFY(!m_window->close());
        prompt = m_window->findChild<QMessageBox*>(QStringLiteral("unsavedDialog"));
        QVERIFY(prompt);
        QSignalSpy saved(m_window.get(), &MainWindow::sessionSaved);
        QTest::mouseClick(prompt->button(QMessageBox::Save), Qt::LeftButton);
        QVERIFY(saved.wait(60000));
        QTRY_VERIFY(!m_window->isVisible());
        QVERIFY(!m_window->document()->isModified());
    }

    void cleanupTestCase() { m_window.reset(); }

private:
    QTemporaryDir m_dir;
    QString m_sessionPath;
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestGuiWorkflow)
#include "test_gui_workflow.moc"
