// The GUI as a daily tool, headless on the demo: the status bar and one overall progress bar
// tell the truth while jobs run, stale evaluations are marked when the validation data
// changes, the save and export dialogs propose sensible places, Help has the guide and the
// shortcuts, and opening another model is a new document: no view keeps the old model's
// results and Export refuses until the new model is calibrated.
#include "gui_test_support.h"

#include "gui/calibration_controller.h"
#include "gui/calibration_document.h"
#include "gui/evaluation_controller.h"
#include "gui/export_dialog.h"
#include "gui/session_controller.h"
#include "widgets/accuracy_view.h"
#include "widgets/compare_view.h"
#include "widgets/error_propagation_view.h"
#include "widgets/histogram_view.h"
#include "widgets/job_progress.h"
#include "widgets/observer_heat_map.h"
#include "widgets/sensitivity_view.h"
#include "widgets/weights_view.h"

#include <QAction>
#include <QCheckBox>
#include <QDesktopServices>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

using cs::app::MainWindow;
using gui_test::saveScreenshot;

namespace {

constexpr int kJobTimeoutMs = 900000;

} // namespace

class TestGuiDocument : public QObject {
    Q_OBJECT
public Q_SLOTS:
    // Help ▸ User Guide goes through QDesktopServices: caught here instead of a browser.
    void openUrl(const QUrl& url) { m_openedUrls << url; }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        gui_test::startWindow(m_window, "calibscope-document-test", 600000, QSize(1500, 1000));
        gui_test::openDemo(*m_window, kJobTimeoutMs);
        QTRY_COMPARE(m_window->statusBar()->currentMessage(), QStringLiteral("Ready"));
    }

    void statusBarIsNotReadyWhileCalibrating()
    {
        QStringList whileRunning;
        connect(m_window->calibrations(), &cs::app::CalibrationController::progressChanged, this,
                [this, &whileRunning] { whileRunning << m_window->statusBar()->currentMessage(); });
        QSignalSpy calibrated(m_window.get(), &MainWindow::calibrationFinished);
        m_window->calibrate();
        QVERIFY(m_window->isBusy());
        QVERIFY(m_window->statusBar()->currentMessage() != QStringLiteral("Ready"));
        QVERIFY(calibrated.wait(kJobTimeoutMs));
        disconnect(m_window->calibrations(), &cs::app::CalibrationController::progressChanged, this, nullptr);
        QVERIFY(!whileRunning.isEmpty());
        QVERIFY2(!whileRunning.contains(QStringLiteral("Ready")), qPrintable(whileRunning.join(QStringLiteral(" | "))));
    }

    void saveAndExportProposeAPlaceOutsideTheCache()
    {
        const QString cache = QString::fromLocal8Bit(qgetenv("CALIBSCOPE_CACHE_DIR"));
        // Save As proposes the model's name, in the documents folder for the demo.
        m_window->saveAs();
        auto* save = m_window->findChild<QFileDialog*>();
        QVERIFY(save);
        const QString proposed = save->selectedFiles().value(0);
        QVERIFY2(proposed.endsWith(QStringLiteral("/demo.cscope")), qPrintable(proposed));
        QVERIFY2(cache.isEmpty() || !proposed.startsWith(cache), qPrintable(proposed));
        save->reject();
        QTRY_VERIFY(!m_window->findChild<QFileDialog*>());

        // Export writes next to where the session goes, the fake-quantized model included.
        auto* dialog = m_window->showExportDialog();
        QVERIFY(dialog);
        QVERIFY(dialog->fakeQuantBox()->isChecked());
        QVERIFY(!dialog->request().fakeQuantModel.isEmpty());
        const QString base = proposed.chopped(int(QStringLiteral(".cscope").size()));
        QCOMPARE(dialog->qconfigEdit()->text(), base + QStringLiteral(".qconfig.json"));
        QCOMPARE(dialog->fakeQuantEdit()->text(), base + QStringLiteral(".fakequant.pt"));
        saveScreenshot(*dialog, QStringLiteral("document_export_dialog.png"));
        dialog->reject();
    }

    void evaluationProgressIsOneBarOverAllPhases()
    {
        cs::ui::JobProgress* progress = m_window->jobProgress();
        QList<int> values;
        QStringList labels;
        QStringList messages;
        QList<int> maxima;
        connect(m_window->evaluations(), &cs::app::EvaluationController::progressChanged, this, [&] {
            values << progress->bar()->value();
            maxima << progress->bar()->maximum();
            labels << progress->text();
            messages << m_window->statusBar()->currentMessage();
        });
        QSignalSpy finished(m_window.get(), &MainWindow::evaluationFinished);
        QVERIFY(m_window->evaluate(500, true));
        QVERIFY(finished.wait(kJobTimeoutMs));
        disconnect(m_window->evaluations(), &cs::app::EvaluationController::progressChanged, this, nullptr);

        QVERIFY(!values.isEmpty());
        QVERIFY2(!messages.contains(QStringLiteral("Ready")), qPrintable(messages.join(QStringLiteral(" | "))));
        // Once the amount of work is known the bar has one range and never goes back.
        int previous = -1;
        bool sawPhase1 = false, sawPhase3 = false, sawEta = false;
        for (int i = 0; i < values.size(); ++i) {
            if (maxima[i] == 0)
                continue; // busy: opening the data
            QCOMPARE(maxima[i], cs::ui::JobProgress::kOverallSteps);
            QVERIFY2(values[i] >= previous, qPrintable(QStringLiteral("%1 after %2 at %3").arg(values[i]).arg(previous).arg(labels[i])));
            previous = values[i];
            sawPhase1 = sawPhase1 || labels[i].contains(QStringLiteral("phase 1 of 3"));
            sawPhase3 = sawPhase3 || labels[i].contains(QStringLiteral("sensitivity (phase 3 of 3)"));
            sawEta = sawEta || (labels[i].contains(QStringLiteral(" left")) && !labels[i].contains(QStringLiteral("unknown")));
        }
        QVERIFY2(sawPhase1 && sawPhase3, qPrintable(labels.join(QStringLiteral("\n"))));
        QVERIFY(sawEta);
        QVERIFY2(previous >= cs::ui::JobProgress::kOverallSteps * 95 / 100, qPrintable(QString::number(previous)));
        qInfo("%lld progress reports, last: %s", qint64(labels.size()), qPrintable(labels.last()));
        QTRY_VERIFY(!m_window->isBusy());
    }

    void changedValidationDataMarksEveryViewStale()
    {
        QVERIFY(m_window->document()->evaluation());
        QVERIFY(!m_window->accuracyView()->isStale());
        QVERIFY(!m_window->sensitivityView()->isStale());
        QVERIFY(!m_window->propagationView()->isStale());

        const cs::DatasetSpec original = m_window->validationData();
        cs::DatasetSpec changed = original;
        changed.preprocess.mean = {0.5};
        changed.preprocess.stddev = {0.5};
        m_window->setValidationData(changed);
        QVERIFY(m_window->accuracyView()->isStale());
        QVERIFY(m_window->sensitivityView()->isStale());
        QVERIFY(m_window->propagationView()->isStale());
        QVERIFY(m_window->sensitivityView()->staleBanner()->isVisibleTo(m_window->sensitivityView()));
        QVERIFY(m_window->sensitivityView()->staleBanner()->text().contains(QStringLiteral("validation data")));
        m_window->tableTabs()->setCurrentWidget(m_window->sensitivityView());
        QTest::qWait(50);
        saveScreenshot(*m_window, QStringLiteral("document_stale_sensitivity.png"));

        // Back to the data it was evaluated on: current again.
        m_window->setValidationData(original);
        QVERIFY(!m_window->accuracyView()->isStale());
        QVERIFY(!m_window->sensitivityView()->isStale());
        QVERIFY(!m_window->propagationView()->isStale());
    }

    void helpHasTheGuideAndTheShortcuts()
    {
        QDesktopServices::setUrlHandler(QStringLiteral("file"), this, "openUrl");
        auto* guide = m_window->findChild<QAction*>(QStringLiteral("actionUserGuide"));
        QVERIFY(guide);
        QCOMPARE(guide->shortcut(), QKeySequence(QKeySequence::HelpContents));
        guide->trigger();
        QDesktopServices::unsetUrlHandler(QStringLiteral("file"));
        QCOMPARE(m_openedUrls.size(), 1);
        QVERIFY2(m_openedUrls.first().toLocalFile().endsWith(QStringLiteral("USER_GUIDE.md")),
                 qPrintable(m_openedUrls.first().toString()));
        QVERIFY(QFile::exists(m_openedUrls.first().toLocalFile()));

        auto* keys = m_window->findChild<QAction*>(QStringLiteral("actionShortcuts"));
        QVERIFY(keys);
        keys->trigger();
        auto* dialog = m_window->findChild<QDialog*>(QStringLiteral("shortcutsDialog"));
        QVERIFY(dialog);
        auto* table = dialog->findChild<QTableWidget*>(QStringLiteral("shortcutsTable"));
        QVERIFY(table);
        QStringList rows;
        for (int row = 0; row < table->rowCount(); ++row)
            rows << table->item(row, 0)->text() + QLatin1Char('=') + table->item(row, 1)->text();
        QVERIFY2(rows.contains(QStringLiteral("Calibrate=F5")), qPrintable(rows.join(QStringLiteral(", "))));
        QVERIFY2(rows.contains(QStringLiteral("Evaluate=F6")), qPrintable(rows.join(QStringLiteral(", "))));
        saveScreenshot(*dialog, QStringLiteral("document_shortcuts.png"));
        dialog->reject();
    }

    void openingAnotherModelIsANewDocument()
    {
        const QString other = QStringLiteral(CALIBSCOPE_TEST_MODELS_DIR "/inplace_traced.pt");
        QVERIFY(QFile::exists(other));
        // Everything shows the demo's calibration and evaluation, and it is not saved.
        QVERIFY(m_window->document()->isModified());
        QVERIFY(m_window->pointModel()->rowCount() > 0);
        QVERIFY(m_window->accuracyView()->hasEvaluation());
        QVERIFY(m_window->sensitivityView()->table()->rowCount() > 0);
        QVERIFY(!m_window->propagationView()->pointNames().isEmpty());
        QVERIFY(m_window->heatMap()->model()->rowCount() > 0);
        gui_test::clickPoint(*m_window, QStringLiteral("block1.add"));
        QCOMPARE(m_window->histogramView()->point(), QStringLiteral("block1.add"));

        // Cancel keeps the document and loads nothing.
        m_window->openModel(other);
        auto* prompt = m_window->findChild<QMessageBox*>(QStringLiteral("unsavedDialog"));
        QVERIFY(prompt && prompt->isVisible());
        QVERIFY(prompt->text().contains(QStringLiteral("another model")));
        saveScreenshot(*prompt, QStringLiteral("document_open_prompt.png"));
        QTest::mouseClick(prompt->button(QMessageBox::Cancel), Qt::LeftButton);
        QTRY_VERIFY(!m_window->findChild<QMessageBox*>(QStringLiteral("unsavedDialog")));
        QVERIFY(!m_window->isBusy());
        QVERIFY(m_window->document()->hasResult());

        // Discard: the other model loads and nothing of the demo's stays on screen.
        m_window->openModel(other);
        prompt = m_window->findChild<QMessageBox*>(QStringLiteral("unsavedDialog"));
        QVERIFY(prompt);
        QSignalSpy loaded(m_window.get(), &MainWindow::modelLoaded);
        QTest::mouseClick(prompt->button(QMessageBox::Discard), Qt::LeftButton);
        QVERIFY(loaded.wait(kJobTimeoutMs));
        QCOMPARE(QString::fromStdString(m_window->summary().path), other);
        QVERIFY(!m_window->document()->hasResult());
        QVERIFY(!m_window->document()->isModified());
        QCOMPARE(m_window->pointModel()->rowCount(), 0);
        QVERIFY(m_window->histogramView()->point().isEmpty() || m_window->pointModel()->rowOf(m_window->histogramView()->point()) < 0);
        QVERIFY(!m_window->histogramView()->hasMeasuredError());
        QCOMPARE(m_window->heatMap()->model()->rowCount(), 0);
        QVERIFY(!m_window->accuracyView()->hasEvaluation());
        QCOMPARE(m_window->accuracyView()->table()->rowCount(), 0);
        QCOMPARE(m_window->sensitivityView()->table()->rowCount(), 0);
        QVERIFY(m_window->propagationView()->pointNames().isEmpty());
        QCOMPARE(m_window->weightsView()->channelCount(), 0);
        auto* header = m_window->findChild<QLabel*>(QStringLiteral("modelLabel"));
        QVERIFY(header->text().contains(other));
        QVERIFY(!header->text().contains(QStringLiteral("Fashion-MNIST")));
        QTest::qWait(50);
        saveScreenshot(*m_window, QStringLiteral("document_new_model.png"));

        // Export refuses until this model is calibrated: nothing of the demo's is written.
        auto* exportAction = m_window->findChild<QAction*>(QStringLiteral("actionExport"));
        QVERIFY(!exportAction->isEnabled());
        QVERIFY(!m_window->showExportDialog());
        QSignalSpy errors(m_window.get(), &MainWindow::errorShown);
        QSignalSpy exported(m_window.get(), &MainWindow::filesExported);
        cs::app::ExportRequest request;
        request.qconfig = m_dir.filePath(QStringLiteral("stale.qconfig.json"));
        m_window->exportFiles(request);
        QCOMPARE(errors.count(), 1);
        QTest::qWait(200);
        QCOMPARE(exported.count(), 0);
        QVERIFY(!QFile::exists(request.qconfig));
        QVERIFY(!m_window->jobProgress()->isVisible());
        if (auto* box = m_window->findChild<QMessageBox*>(QStringLiteral("errorDialog")))
            box->accept();
    }

    void cleanupTestCase() { m_window.reset(); }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<MainWindow> m_window;
    QList<QUrl> m_openedUrls;
};

QTEST_MAIN(TestGuiDocument)
#include "test_gui_document.moc"
