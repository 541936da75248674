// The GUI as a daily tool, headless on the demo: the main window at 1366×768 keeps every
// main control inside the screen through load, calibrate, evaluate and selecting points, and
// never resizes itself (the same in Chinese); a dragged clip handle keeps what was dragged.
#include "gui_test_support.h"

#include "../process_test_support.h"
#include "core/dataset/dataset_source.h"
#include "core/dataset/idx_reader.h"
#include "core/evaluation.h"
#include "core/model/quantized_model.h"
#include "core/observers/observer_registry.h"
#include "core/quant_plan.h"
#include "gui/analysis_page.h"
#include "gui/calibration_document.h"
#include "gui/dataset_dialog.h"
#include "gui/export_dialog.h"
#include "gui/language_switch.h"
#include "gui/session_controller.h"
#include "gui/settings.h"
#include "widgets/accuracy_view.h"
#include "widgets/compare_view.h"
#include "widgets/histogram_view.h"
#include "widgets/job_progress.h"
#include "widgets/parameter_panel.h"
#include "widgets/qcustomplot_wrapper.h"
#include "widgets/sensitivity_view.h"

#include <QAction>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTranslator>

#include <cmath>
#include <memory>

using cs::app::MainWindow;
using gui_test::saveScreenshot;

namespace {

constexpr int kJobTimeoutMs = 900000;
const QSize kLaptop(1366, 768);

// Whether `widget` is shown entirely inside the window, not clipped by a parent.
QString outsideReason(QWidget* window, QWidget* widget)
{
    if (!widget)
        return QStringLiteral("missing");
    if (!widget->isVisible())
        return widget->objectName() + QStringLiteral(" hidden");
    const QRect inWindow(widget->mapTo(window, QPoint(0, 0)), widget->size());
    if (!window->rect().contains(inWindow))
        return QStringLiteral("%1 at %2,%3 %4×%5 outside the window")
            .arg(widget->objectName())
            .arg(inWindow.x())
            .arg(inWindow.y())
            .arg(inWindow.width())
            .arg(inWindow.height());
    // Every ancestor shows the whole widget (a scroll area or a squeezed splitter would not).
    for (QWidget* parent = widget->parentWidget(); parent && parent != window; parent = parent->parentWidget()) {
        const QRect parentInWindow(parent->mapTo(window, QPoint(0, 0)), parent->size());
        if (!parentInWindow.contains(inWindow))
            return widget->objectName() + QStringLiteral(" clipped by ") + QString::fromLatin1(parent->metaObject()->className());
    }
    if (widget->width() < widget->minimumSizeHint().width() || widget->height() < widget->minimumSizeHint().height())
        return widget->objectName() + QStringLiteral(" squeezed below its minimum size");
    return {};
}

#define VERIFY_INSIDE(window, widget)                                                                                  \
    do {                                                                                                               \
        const QString reason = outsideReason(window, widget);                                                          \
        QVERIFY2(reason.isEmpty(), qPrintable(reason));                                                                \
    } while (false)

// A little-endian .npy file of `descr` ("<f4", "<i8") items.
bool writeNpy(const QString& path, const char* descr, const std::vector<int64_t>& shape, const void* data, size_t bytes)
{
    QString dims;
    for (int64_t d : shape)
        dims += QString::number(d) + QStringLiteral(", ");
    if (shape.size() > 1)
        dims.chop(1);
    QByteArray header = QStringLiteral("{'descr': '%1', 'fortran_order': False, 'shape': (%2), }")
                            .arg(QLatin1String(descr), dims.trimmed())
                            .toLatin1();
    while ((10 + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';
    QByteArray bytesOut("\x93NUMPY\x01\x00", 8);
    bytesOut += char(header.size() & 0xff);
    bytesOut += char(header.size() >> 8);
    bytesOut += header;
    bytesOut += QByteArray(static_cast<const char*>(data), qsizetype(bytes));
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytesOut) == bytesOut.size();
}

template <typename T> T* child(QWidget* parent, const char* name)
{
    return parent->findChild<T*>(QLatin1String(name));
}

} // namespace

class TestGuiDaily : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(QStringLiteral("calibscope-test"));
        QApplication::setApplicationName(QStringLiteral("calibscope-daily-test"));
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        m_window = std::make_unique<MainWindow>();
        m_window->sessions()->setAutosaveDelay(600000);
        m_window->resize(kLaptop);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void fitsALaptopScreen()
    {
        MainWindow& window = *m_window;
        QVERIFY2(window.minimumSizeHint().height() <= 600,
                 qPrintable(QStringLiteral("minimum height %1").arg(window.minimumSizeHint().height())));
        QVERIFY2(window.minimumSizeHint().width() <= 1000,
                 qPrintable(QStringLiteral("minimum width %1").arg(window.minimumSizeHint().width())));
        QCOMPARE(window.size(), kLaptop);

        QSignalSpy loaded(&window, &MainWindow::modelLoaded);
        window.openDemo();
        QVERIFY(loaded.wait(kJobTimeoutMs));
        QTest::qWait(50);
        QCOMPARE(window.size(), kLaptop);

        QSignalSpy calibrated(&window, &MainWindow::calibrationFinished);
        window.calibrate();
        // The progress and its Cancel button in the status bar, inside the screen.
        QTRY_VERIFY(window.jobProgress()->isVisible());
        VERIFY_INSIDE(&window, window.jobProgress());
        VERIFY_INSIDE(&window, window.jobProgress()->cancelButton());
        QTRY_VERIFY_WITH_TIMEOUT(calibrated.count() > 0, kJobTimeoutMs);
        QTest::qWait(50);
        QCOMPARE(window.size(), kLaptop);

        QSignalSpy evaluated(&window, &MainWindow::evaluationFinished);
        QVERIFY(window.evaluate(300, true));
        QVERIFY(evaluated.wait(kJobTimeoutMs));
        QTRY_VERIFY(!window.isBusy());
        gui_test::clickPoint(window, QStringLiteral("block1.add"));
        QTest::qWait(50);
        QCOMPARE(window.size(), kLaptop);
        QVERIFY2(window.minimumSizeHint().height() <= 600,
                 qPrintable(QStringLiteral("minimum height %1").arg(window.minimumSizeHint().height())));

        checkControlsInside(window, QStringLiteral("en"));

        // The point table leads with what a user compares: point, observer, clip range, scale, SQNR.
        const QHeaderView* header = window.pointTable()->table()->horizontalHeader();
        using M = cs::ui::PointTableModel;
        const int keys[] = {M::Name, M::Observer, M::ClipLow, M::ClipHigh, M::Scale, M::Sqnr};
        for (int i = 0; i < int(std::size(keys)); ++i)
            QCOMPARE(header->visualIndex(keys[i]), i);
        const QRect sqnr(header->sectionViewportPosition(M::Sqnr), 0, header->sectionSize(M::Sqnr), 1);
        QVERIFY2(sqnr.right() <= window.pointTable()->table()->viewport()->width(),
                 qPrintable(QStringLiteral("SQNR column ends at %1").arg(sqnr.right())));
    }

    void fitsALaptopScreenInChinese()
    {
        QVERIFY(m_window->document()->hasResult());
        const QString session = m_dir.filePath(QStringLiteral("laptop.cscope"));
        QSignalSpy saved(m_window.get(), &MainWindow::sessionSaved);
        m_window->saveSession(session);
        QVERIFY(saved.wait(60000));

        QTranslator translator;
        QVERIFY(gui_test::installCatalogue(translator));
        {
            MainWindow window;
            window.resize(kLaptop);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QSignalSpy opened(&window, &MainWindow::sessionOpened);
            window.openSession(session);
            QVERIFY(opened.wait(60000));
            gui_test::clickPoint(window, QStringLiteral("block1.add"));
            QTest::qWait(50);
            QCOMPARE(window.size(), kLaptop);
            QVERIFY(window.minimumSizeHint().height() <= 600);
            checkControlsInside(window, QStringLiteral("zh_CN"));
        }
        QApplication::removeTranslator(&translator);
    }

    // Dragging the high handle of a ReLU output keeps the point's grid and its low end, stores
    // the dragged range as a custom range (user_range), and says while dragging which value the
    // grid keeps: the one the table then shows.
    void clipDragStoresTheDraggedRange()
    {
        MainWindow& window = *m_window;
        QVERIFY(window.document()->hasResult());
        window.inspectorTabs()->setCurrentWidget(window.histogramView());
        cs::ui::PointTableModel* model = window.pointModel();
        QString point;
        for (int row = 0; row < model->rowCount() && point.isEmpty(); ++row)
            if (model->index(row, 0).data(cs::ui::PointTableModel::KindRole).toString().startsWith(QStringLiteral("aten::relu")))
                point = model->index(row, 0).data(cs::ui::PointTableModel::PointNameRole).toString();
        QVERIFY(!point.isEmpty());
        gui_test::clickPoint(window, point);
        const cs::PointCalibration before = *window.document()->result()->point(point.toStdString());
        QVERIFY(before.config.name != "user_range");

        cs::ui::HistogramView* view = window.histogramView();
        QCustomPlot* plot = view->plot();
        plot->replot(QCustomPlot::rpImmediateRefresh);
        const double low = view->clipLow();
        const double high = view->clipHigh();
        const QPoint handle(qRound(plot->xAxis->coordToPixel(high)), plot->axisRect()->center().y());
        const QPoint target(qRound(plot->xAxis->coordToPixel(high * 0.7)), handle.y());
        gui_test::sendMouse(plot, QEvent::MouseButtonPress, handle, Qt::LeftButton);
        QVERIFY(view->isDragging());
        gui_test::sendMouse(plot, QEvent::MouseMove, target, Qt::LeftButton);
        const double draggedLow = view->clipLow();
        const double draggedHigh = view->clipHigh();
        QVERIFY(std::abs(draggedHigh - high * 0.7) < 0.05 * high);
        if (!before.config.spec.symmetric())
            QCOMPARE(draggedLow, low); // the other handle stays where it was
        const cs::ui::HistogramView::KeptRange kept = view->keptRange();
        const QString whileDragging = view->estimateText();
        QVERIFY2(whileDragging.contains(cs::ui::formatNumber(kept.high)), qPrintable(whileDragging));
        QTest::qWait(50);
        saveScreenshot(*view, QStringLiteral("daily_clip_drag.png"));
        gui_test::sendMouse(plot, QEvent::MouseButtonRelease, target, Qt::NoButton);

        const cs::PointCalibration* after = window.document()->result()->point(point.toStdString());
        QCOMPARE(QString::fromStdString(after->config.name), QStringLiteral("user_range"));
        QVERIFY(after->config.spec.dtype == before.config.spec.dtype);
        QVERIFY(after->config.spec.qscheme == before.config.spec.qscheme);
        const cs::obs::ParamMap params = cs::obs::withDefaults(*cs::obs::findObserver("user_range"), after->config.params);
        QCOMPARE(params.at("xmax"), double(float(draggedHigh)));
        QCOMPARE(params.at("xmin"), double(float(draggedLow)));
        const int row = model->rowOf(point);
        QCOMPARE(model->index(row, cs::ui::PointTableModel::Observer).data().toString(), QStringLiteral("user_range"));
        // The table's clip range is the dragged one; the grid keeps what was shown while dragging.
        QCOMPARE(model->index(row, cs::ui::PointTableModel::ClipHigh).data().toString(),
                 cs::ui::formatNumber(float(draggedHigh)));
        float keptLow = 0, keptHigh = 0;
        QVERIFY(cs::ui::quantizerRange(*after, keptLow, keptHigh));
        QCOMPARE(keptHigh, float(kept.high));
        QCOMPARE(keptLow, float(kept.low));
        m_draggedPoint = point;
    }

    // The accuracy view fills as soon as its stage finishes, while the sensitivity passes
    // still run; the sensitivity view follows with the whole result.
    void accuracyFillsBeforeSensitivity()
    {
        MainWindow& window = *m_window;
        struct Seen {
            cs::EvaluationStage stage;
            bool running;
            int accuracyRows;
            bool hasPlanRow;
            int sensitivityRows;
            bool accuracyStale;
        };
        QList<Seen> seen;
        connect(window.analysis(), &cs::app::AnalysisPage::stageShown, this, [&](cs::EvaluationStage stage) {
            cs::ui::AccuracyView* accuracy = window.accuracyView();
            bool planRow = false;
            for (int row = 0; row < accuracy->table()->rowCount(); ++row)
                planRow = planRow || accuracy->table()->item(row, cs::ui::AccuracyView::Label)->data(cs::ui::AccuracyView::LabelRole).toString() == QLatin1String("plan");
            seen.push_back({stage, window.isBusy(), accuracy->table()->rowCount(), planRow,
                            window.sensitivityView()->table()->rowCount(), accuracy->isStale()});
        });
        window.tableTabs()->setCurrentWidget(window.accuracyView());
        QSignalSpy evaluated(&window, &MainWindow::evaluationFinished);
        QVERIFY(window.evaluate(300, true));
        QVERIFY(evaluated.wait(kJobTimeoutMs));
        disconnect(window.analysis(), &cs::app::AnalysisPage::stageShown, this, nullptr);

        QCOMPARE(seen.size(), 3); // main pass, automatic plan, accuracy table
        QCOMPARE(seen[0].stage, cs::EvaluationStage::MainPass);
        QCOMPARE(seen[2].stage, cs::EvaluationStage::AccuracyTable);
        for (const Seen& s : seen) {
            QVERIFY(s.running); // shown while the evaluation still runs
            QVERIFY(s.hasPlanRow);
            QVERIFY(!s.accuracyStale); // this evaluation measures the current plan
        }
        QVERIFY(seen[2].accuracyRows > seen[0].accuracyRows); // the observers' rows joined
        QTRY_VERIFY(!window.isBusy());
        QVERIFY(window.sensitivityView()->table()->rowCount() > 0);
        QCOMPARE(window.accuracyView()->table()->rowCount(), seen[2].accuracyRows + 0);
    }

    // Choosing another file in the dataset dialog starts from that file: labels found beside
    // it, first sample 0, every sample, no preprocessing of the old data; its sample count and
    // shape are shown and values beyond it are refused in place.
    void datasetDialogStartsFromTheChosenFile()
    {
        MainWindow& window = *m_window;
        const cs::DatasetSpec calibration = window.dataset();
        const cs::DatasetSpec validation = window.validationData();
        QVERIFY(calibration.path != validation.path);
        window.showDatasetDialog();
        auto* dialog = window.findChild<cs::app::DatasetDialog*>(QStringLiteral("datasetDialog"));
        QVERIFY(dialog);
        QCOMPARE(dialog->pathEdit()->text(), QString::fromStdString(calibration.path));
        dialog->chooseData(QString::fromStdString(validation.path)); // the 10000 test images
        QCOMPARE(dialog->dataSize(), qint64(10000));
        QVERIFY2(dialog->infoLabel()->text().contains(QStringLiteral("10000 samples of [1, 28, 28], labelled")),
                 qPrintable(dialog->infoLabel()->text()));
        QCOMPARE(dialog->labelsEdit()->text(),
                 QString::fromStdString(cs::idxLabelsPathFor(validation.path)));
        QVERIFY(dialog->labelsEdit()->text() != QString::fromStdString(calibration.labelsPath));
        QCOMPARE(dialog->startBox()->value(), 0);
        QCOMPARE(dialog->countBox()->value(), 10000);
        QVERIFY(dialog->meanEdit()->text().isEmpty());
        QVERIFY(dialog->stdEdit()->text().isEmpty());
        // Beyond the file: refused where it is typed.
        dialog->startBox()->setValue(59000);
        QCOMPARE(dialog->startBox()->value(), 9999);
        QCOMPARE(dialog->countBox()->maximum(), 1);
        dialog->startBox()->setValue(9000);
        QCOMPARE(dialog->countBox()->maximum(), 1000);
        QTest::qWait(50);
        saveScreenshot(*dialog, QStringLiteral("daily_dataset_dialog.png"));
        dialog->reject();
        QTRY_VERIFY(!window.findChild<cs::app::DatasetDialog*>(QStringLiteral("datasetDialog")));
        QCOMPARE(window.dataset(), calibration);

        // Validation data: another file starts from the calibration's preprocessing, and a
        // difference is said.
        window.showValidationDialog();
        auto* valid = window.findChild<cs::app::DatasetDialog*>(QStringLiteral("validationDialog"));
        QVERIFY(valid);
        valid->chooseData(QString::fromStdString(calibration.path));
        QCOMPARE(valid->startBox()->value(), 0);
        QCOMPARE(valid->countBox()->value(), int(valid->dataSize()));
        QVERIFY(!calibration.preprocess.mean.empty());
        QVERIFY(!valid->meanEdit()->text().isEmpty());
        QVERIFY(valid->preprocessNote()->isHidden());
        valid->meanEdit()->setText(QStringLiteral("0.5"));
        QVERIFY(!valid->preprocessNote()->isHidden());
        QVERIFY(valid->preprocessNote()->text().contains(QStringLiteral("Differs from the calibration")));
        saveScreenshot(*valid, QStringLiteral("daily_validation_dialog.png"));
        valid->reject();
        QTRY_VERIFY(!window.findChild<cs::app::DatasetDialog*>(QStringLiteral("validationDialog")));
    }

    // The accuracy view says when the validation preprocessing differs from the calibration's
    // and when the float model is near chance on labelled data.
    void accuracyViewFlagsSuspiciousData()
    {
        MainWindow& window = *m_window;
        QVERIFY(window.accuracyView()->dataNotes()->isHidden());
        const cs::DatasetSpec original = window.validationData();
        cs::DatasetSpec broken = original;
        broken.preprocess.scale = 1e-6; // every image the same: the float model guesses
        window.setValidationData(broken);
        QSignalSpy evaluated(&window, &MainWindow::evaluationFinished);
        QVERIFY(window.evaluate(200, false));
        QVERIFY(evaluated.wait(kJobTimeoutMs));
        QTRY_VERIFY(!window.isBusy());
        const QString notes = window.accuracyView()->dataNotes()->text();
        QVERIFY(!window.accuracyView()->dataNotes()->isHidden());
        QVERIFY2(notes.contains(QStringLiteral("preprocessed differently")), qPrintable(notes));
        QVERIFY2(notes.contains(QStringLiteral("near chance")), qPrintable(notes));
        window.tableTabs()->setCurrentWidget(window.accuracyView());
        QTest::qWait(50);
        saveScreenshot(window, QStringLiteral("daily_accuracy_near_chance.png"));

        window.setValidationData(original);
        QVERIFY(window.evaluate(200, false));
        QVERIFY(evaluated.wait(kJobTimeoutMs));
        QTRY_VERIFY(!window.isBusy());
        QVERIFY2(window.accuracyView()->dataNotes()->isHidden(), qPrintable(window.accuracyView()->dataNotes()->text()));
    }

    // After edits (a dragged range, a percentile, "Use this"), the accuracy the GUI reports for
    // the plan is the one plain PyTorch measures on the exported fake-quantized model, on the
    // same images, and the export's outputs are calibscope's to 1e-6.
    void exportInPythonMatchesTheGuiAccuracy()
    {
        MainWindow& window = *m_window;
        QVERIFY(!m_draggedPoint.isEmpty());
        const auto* result = window.document()->result();
        // A percentile on one point, another observer's range ("Use this") on another.
        QString percentilePoint, usePoint;
        for (const auto& p : result->points) {
            const QString name = QString::fromStdString(p.name);
            if (name == m_draggedPoint || p.config.keepFloat)
                continue;
            if (percentilePoint.isEmpty())
                percentilePoint = name;
            else if (usePoint.isEmpty())
                usePoint = name;
        }
        QVERIFY(!usePoint.isEmpty());
        cs::ObserverConfig percentile = window.document()->wantedConfig(percentilePoint.toStdString());
        percentile.name = "percentile";
        percentile.params = {{"percentile", 99.9}};
        window.document()->editPoints({{percentilePoint.toStdString(), percentile}}, QStringLiteral("percentile"));
        window.useObserver(usePoint, QStringLiteral("mse"));
        QTRY_VERIFY(!window.document()->hasPending());
        QCOMPARE(window.document()->result()->point(usePoint.toStdString())->config.name, std::string("mse"));
        QCOMPARE(window.document()->result()->point(percentilePoint.toStdString())->config.name, std::string("percentile"));

        QSignalSpy evaluated(&window, &MainWindow::evaluationFinished);
        QVERIFY(window.evaluate(500, false));
        QVERIFY(evaluated.wait(kJobTimeoutMs));
        QTRY_VERIFY(!window.isBusy());
        const auto evaluation = window.document()->evaluation();
        QVERIFY(window.document()->isEvaluationCurrent());
        QCOMPARE(evaluation->images, int64_t(500));
        const double guiTop1 = evaluation->row("plan")->metrics.top1;

        cs::app::ExportRequest request;
        request.fakeQuantModel = m_dir.filePath(QStringLiteral("gui.fakequant.pt"));
        QSignalSpy exported(&window, &MainWindow::filesExported);
        window.exportFiles(request);
        QVERIFY(exported.wait(kJobTimeoutMs));

        // The evaluated images as the evaluation read them, and calibscope's outputs on them.
        const cs::CalibrationResult& calibration = *window.document()->result();
        const auto source = cs::openDataset(evaluation->data);
        const int64_t n = evaluation->images;
        const std::vector<int64_t> sampleShape = source->sampleShape();
        const int64_t numel = source->sampleNumel();
        std::vector<float> images(static_cast<size_t>(n * numel));
        std::vector<int64_t> labels(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) {
            source->readSample(i, images.data() + i * numel);
            labels[size_t(i)] = source->label(i);
        }
        cs::ModelGraph graph(calibration.model.path, calibration.config.mode);
        cs::QuantizedModel quantized(graph, cs::planFromCalibration(calibration));
        std::vector<float> outputs;
        int64_t classes = 0;
        for (int64_t start = 0; start < n; start += 100) {
            const int64_t b = std::min<int64_t>(100, n - start);
            std::vector<int64_t> shape{b};
            shape.insert(shape.end(), sampleShape.begin(), sampleShape.end());
            const cs::BatchOutput out = quantized.forward(images.data() + start * numel, shape);
            outputs.insert(outputs.end(), out.data.begin(), out.data.end());
            classes = out.shape.back();
        }
        std::vector<int64_t> inputShape{n};
        inputShape.insert(inputShape.end(), sampleShape.begin(), sampleShape.end());
        const QString inputPath = m_dir.filePath(QStringLiteral("input.npy"));
        const QString labelsPath = m_dir.filePath(QStringLiteral("labels.npy"));
        const QString expectedPath = m_dir.filePath(QStringLiteral("expected.npy"));
        QVERIFY(writeNpy(inputPath, "<f4", inputShape, images.data(), images.size() * sizeof(float)));
        QVERIFY(writeNpy(labelsPath, "<i8", {n}, labels.data(), labels.size() * sizeof(int64_t)));
        QVERIFY(writeNpy(expectedPath, "<f4", {n, classes}, outputs.data(), outputs.size() * sizeof(float)));

        const cs::test::ProcessRun py = cs::test::runProcess(
            QStringLiteral(CALIBSCOPE_PYTHON),
            {QStringLiteral(CALIBSCOPE_SOURCE_DIR "/tests/gui/check_gui_export.py"), request.fakeQuantModel, inputPath,
             labelsPath, expectedPath});
        qInfo("%s", qPrintable(py.out.trimmed() + py.err.trimmed()));
        QCOMPARE(py.exitCode, 0);
        const QRegularExpressionMatch top1 =
            QRegularExpression(QStringLiteral("top1 (\\d+)/(\\d+)")).match(py.out);
        QVERIFY(top1.hasMatch());
        QCOMPARE(top1.captured(2).toLongLong(), n);
        qInfo("GUI plan top-1 %.4f, PyTorch on the export %lld/%lld", guiTop1, top1.captured(1).toLongLong(), qint64(n));
        QCOMPARE(top1.captured(1).toLongLong(), std::llround(guiTop1 * double(n)));
    }

    // View ▸ Language offers to restart at once; the unsaved session is saved first and the
    // restarted program reopens it in the chosen language. (Last: the window closes.)
    void languageSwitchRestartsWithTheSession()
    {
        MainWindow& window = *m_window;
        QVERIFY(window.document()->isModified()); // the dragged clip range
        const QString session = window.document()->sessionPath();
        QVERIFY(!session.isEmpty());
        QString program;
        QStringList arguments;
        window.languageSwitch()->setLauncher([&](const QString& p, const QStringList& a) {
            program = p;
            arguments = a;
            return true;
        });
        window.findChild<QAction*>(QStringLiteral("language_zh_CN"))->trigger();
        QCOMPARE(cs::app::settings::language.value(), QStringLiteral("zh_CN"));
        auto* box = window.findChild<QMessageBox*>(QStringLiteral("languageRestartDialog"));
        QVERIFY(box && box->isVisible());
        saveScreenshot(*box, QStringLiteral("daily_language_restart.png"));
        QTest::mouseClick(box->findChild<QPushButton*>(QStringLiteral("restartNow")), Qt::LeftButton);
        auto* prompt = window.findChild<QMessageBox*>(QStringLiteral("unsavedDialog"));
        QTRY_VERIFY(prompt = window.findChild<QMessageBox*>(QStringLiteral("unsavedDialog")));
        QVERIFY(program.isEmpty()); // nothing restarts before the answer
        QSignalSpy saved(&window, &MainWindow::sessionSaved);
        QTest::mouseClick(prompt->button(QMessageBox::Save), Qt::LeftButton);
        QVERIFY(saved.wait(60000));
        QTRY_VERIFY(!program.isEmpty());
        QCOMPARE(program, QCoreApplication::applicationFilePath());
        QCOMPARE(arguments, (QStringList{QStringLiteral("--language"), QStringLiteral("zh_CN"), session}));
        QVERIFY(!window.document()->isModified());
        QTRY_VERIFY(!window.isVisible());
        cs::app::settings::language.setValue(QString());
    }

    void cleanupTestCase() { m_window.reset(); }

private:
    void checkControlsInside(MainWindow& window, const QString& language)
    {
        const QString suffix = QLatin1Char('_') + language + QStringLiteral(".png");
        VERIFY_INSIDE(&window, window.menuBar());
        VERIFY_INSIDE(&window, window.statusBar());
        VERIFY_INSIDE(&window, window.pointTable());
        VERIFY_INSIDE(&window, window.histogramView());
        VERIFY_INSIDE(&window, child<QDockWidget>(&window, "parameterDock")->widget());
        VERIFY_INSIDE(&window, child<QDockWidget>(&window, "logDock")->widget());
        VERIFY_INSIDE(&window, child<QWidget>(window.parameterPanel(), "observerCombo"));
        saveScreenshot(window, QStringLiteral("laptop_points") + suffix);

        // The Compare table with its "Use this" button.
        window.inspectorTabs()->setCurrentWidget(window.compareView());
        QTest::qWait(50);
        VERIFY_INSIDE(&window, window.compareView());
        auto* table = child<QTableWidget>(window.compareView(), "compareTable");
        VERIFY_INSIDE(&window, table);
        QVERIFY(table->rowCount() > 0);
        QVERIFY2(table->viewport()->height() >= 3 * table->verticalHeader()->defaultSectionSize(),
                 qPrintable(QStringLiteral("compare table shows %1 px of rows").arg(table->viewport()->height())));
        table->selectRow(1);
        auto* use = child<QPushButton>(window.compareView(), "compareUse");
        VERIFY_INSIDE(&window, use);
        QVERIFY(use->isEnabled());
        QVERIFY(use->width() >= use->sizeHint().width());
        saveScreenshot(window, QStringLiteral("laptop_compare") + suffix);
        table->clearSelection();

        window.tableTabs()->setCurrentWidget(window.accuracyView());
        QTest::qWait(50);
        VERIFY_INSIDE(&window, child<QWidget>(window.accuracyView(), "accuracyEvaluate"));
        VERIFY_INSIDE(&window, window.accuracyView()->table());
        saveScreenshot(window, QStringLiteral("laptop_accuracy") + suffix);

        window.tableTabs()->setCurrentWidget(window.sensitivityView());
        QTest::qWait(50);
        VERIFY_INSIDE(&window, child<QWidget>(window.sensitivityView(), "sensitivityApply"));
        saveScreenshot(window, QStringLiteral("laptop_sensitivity") + suffix);
        window.tableTabs()->setCurrentIndex(0);
        window.inspectorTabs()->setCurrentIndex(0);
    }

    QTemporaryDir m_dir;
    std::unique_ptr<MainWindow> m_window;
    QString m_draggedPoint;
};

QTEST_MAIN(TestGuiDaily)
#include "test_gui_daily.moc"
