// The Repair page on the demo, headless: the choices it offers, a cancelled repair that
// leaves the calibration as it was, bias correction run through the page as one undo step
// (undo restores parameters and ranges exactly, redo re-applies without running), the Weights
// view's bias shift and histograms, the accuracy rows before and after the repair against a
// direct evaluation in core, the report's Repairs section, the session reopened with its
// repairs, screenshots of the page in English and Chinese at 1366×768, and a run of two
// repairs with an accuracy row after each.
#include "gui_test_support.h"

#include "core/evaluation.h"
#include "core/repair/repair.h"
#include "gui/analysis_page.h"
#include "gui/calibration_document.h"
#include "gui/repair_commands.h"
#include "gui/repair_page.h"
#include "widgets/accuracy_view.h"
#include "widgets/qcustomplot_wrapper.h"
#include "widgets/repair_labels.h"
#include "widgets/repair_panel.h"
#include "widgets/repair_records_model.h"
#include "widgets/weights_view.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTranslator>
#include <QUndoStack>

#include <cmath>
#include <memory>

using cs::app::MainWindow;
using cs::app::RepairCommand;
using gui_test::saveScreenshot;

namespace {

constexpr int kJobTimeoutMs = 900000;
constexpr int kValidationImages = 500;
const QSize kLaptop(1366, 768);

// The ranges of every point: what a re-calibration changes.
std::vector<std::vector<float>> pointRanges(const cs::CalibrationResult& c)
{
    std::vector<std::vector<float>> out;
    for (const auto& p : c.points) {
        out.push_back(p.result.min);
        out.push_back(p.result.max);
        out.push_back(p.result.scale);
    }
    return out;
}

// The evaluation the page runs for a plan row: `e`'s data and batches, the plan row only.
cs::EvaluationConfig planRowConfig(const cs::EvaluationResult& e)
{
    cs::EvaluationConfig config;
    config.data = e.data;
    config.batchSize = cs::app::AnalysisPage::kEvaluationBatchSize;
    config.maxBatches = e.maxBatches;
    config.accuracyTable = false;
    config.sensitivity = false;
    config.autoPlan = false;
    return config;
}

const cs::AccuracyRow* findRow(const cs::EvaluationResult& e, const std::string& label)
{
    for (const auto& r : e.accuracy)
        if (r.label == label)
            return &r;
    return nullptr;
}

} // namespace

class TestGuiRepair : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        gui_test::startWindow(m_window, "calibscope-repair-test", 600000, kLaptop);
        gui_test::openDemo(*m_window, kJobTimeoutMs);
        // A short calibration: the repairs measure on the calibration batches.
        m_window->setDataset(m_window->dataset(), 32, 3);
        QSignalSpy calibrated(m_window.get(), &MainWindow::calibrationFinished);
        m_window->calibrate();
        QVERIFY(calibrated.wait(kJobTimeoutMs));
        QVERIFY(m_window->document()->hasResult());
        m_panel = m_window->repair()->panel();
        QVERIFY(m_panel);
    }

    void offersEveryRepairOfTheCli()
    {
        m_window->repair()->showPage();
        QCOMPARE(m_window->tableTabs()->currentWidget(), static_cast<QWidget*>(m_panel));
        // "none" and every preset, each with its description as tooltip.
        const std::vector<std::string> presets = cs::presetNames();
        QCOMPARE(m_panel->presetBox()->count(), int(presets.size()) + 1);
        QCOMPARE(m_panel->presetBox()->itemData(0).toString(), QString());
        for (size_t i = 0; i < presets.size(); ++i) {
            QCOMPARE(m_panel->presetBox()->itemData(int(i) + 1).toString(), QString::fromStdString(presets[i]));
            QCOMPARE(m_panel->presetBox()->itemData(int(i) + 1, Qt::ToolTipRole).toString(),
                     QString::fromStdString(cs::presetDescription(presets[i])));
        }
        for (QWidget* w : std::initializer_list<QWidget*>{m_panel->equalizeBox(), m_panel->absorbBox(),
                                                          m_panel->clippingBox(), m_panel->biasBox(),
                                                          m_panel->biasFlavourBox(), m_panel->planSearchBox(),
                                                          m_panel->adaroundBox(), m_panel->iterationsBox(),
                                                          m_panel->budgetBox(), m_panel->budgetPointsBox(),
                                                          m_panel->batchesBox()})
            QVERIFY(w->isVisible());
        QCOMPARE(m_panel->iterationsBox()->value(), 400);
        // Nothing chosen: nothing to run. No labelled evaluation yet: no budget.
        QVERIFY(!m_panel->choice().any());
        QVERIFY(!m_panel->runButton()->isEnabled());
        QVERIFY(!m_panel->budgetBox()->isEnabled());
        QVERIFY(!m_panel->budgetBox()->toolTip().isEmpty());
        // The dependent settings follow their repair.
        QVERIFY(!m_panel->iterationsBox()->isEnabled());
        m_panel->adaroundBox()->setChecked(true);
        QVERIFY(m_panel->iterationsBox()->isEnabled());
        QVERIFY(m_panel->runButton()->isEnabled());
        m_panel->adaroundBox()->setChecked(false);
        m_panel->presetBox()->setCurrentIndex(2);
        QCOMPARE(m_panel->choice().preset, presets[1]);
        QVERIFY(m_panel->runButton()->isEnabled());
        m_panel->presetBox()->setCurrentIndex(0);
        // The calibration's batches are the default.
        QCOMPARE(m_panel->batchesBox()->value(), 3);
    }

    void cancelLeavesTheCalibrationUnchanged()
    {
        cs::app::CalibrationDocument* document = m_window->document();
        const cs::LayerParameterMap parameters = document->result()->config.parameters;
        const auto ranges = pointRanges(*document->result());
        const int steps = document->undoStack()->count();
        m_panel->biasBox()->setChecked(true);
        m_panel->batchesBox()->setValue(2);
        QSignalSpy running(m_window->repair(), &cs::app::RepairPage::runningChanged);
        QSignalSpy applied(m_window->repair(), &cs::app::RepairPage::repairApplied);
        QTest::mouseClick(m_panel->runButton(), Qt::LeftButton);
        QVERIFY(m_window->repair()->isRunning());
        QVERIFY(m_panel->cancelButton()->isEnabled());
        QVERIFY(!m_panel->runButton()->isEnabled());
        QVERIFY(m_window->isBusy());
        QTest::mouseClick(m_panel->cancelButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->repair()->isRunning(), kJobTimeoutMs);
        QTest::qWait(100);
        QCOMPARE(applied.count(), 0);
        QCOMPARE(document->undoStack()->count(), steps);
        QVERIFY(document->result()->config.parameters == parameters);
        QVERIFY(pointRanges(*document->result()) == ranges);
        QVERIFY(document->result()->repairs.empty());
        QVERIFY(m_panel->runButton()->isEnabled());
    }

    void biasCorrectionIsOneUndoStep()
    {
        cs::app::CalibrationDocument* document = m_window->document();
        const cs::CalibrationResult before = *document->result();
        const int steps = document->undoStack()->count();
        QVERIFY(m_panel->choice().biasCorrection);
        QSignalSpy applied(m_window->repair(), &cs::app::RepairPage::repairApplied);
        QTest::mouseClick(m_panel->runButton(), Qt::LeftButton);
        QVERIFY(applied.wait(kJobTimeoutMs));
        QVERIFY(!m_window->repair()->isRunning());

        QCOMPARE(document->undoStack()->count(), steps + 1);
        QCOMPARE(document->undoStack()->undoText(), QStringLiteral("Repair: bias correction"));
        const cs::CalibrationResult after = *document->result();
        QVERIFY(!after.config.parameters.empty());
        QVERIFY(after.config.parameters != before.config.parameters);
        QVERIFY(!after.repairs.empty());
        QCOMPARE(after.repairs.back().name, std::string("bias_correction"));
        QVERIFY(pointRanges(after) != pointRanges(before)); // re-calibrated with the new biases
        QVERIFY(document->isModified());
        // The page lists the repairs; its model passes Qt's checks.
        cs::ui::RepairRecordsModel* records = m_panel->recordsModel();
        QAbstractItemModelTester tester(records, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(records->rowCount(), int(after.repairs.size()));
        QCOMPARE(records->index(0, cs::ui::RepairRecordsModel::Repair).data().toString(), QStringLiteral("bias correction"));
        QCOMPARE(records->index(0, cs::ui::RepairRecordsModel::Repair).data(cs::ui::RepairRecordsModel::NameRole).toString(),
                 QStringLiteral("bias_correction"));
        QVERIFY(!records->index(0, cs::ui::RepairRecordsModel::Notes).data(Qt::ToolTipRole).toString().isEmpty());

        // Undo restores the parameters and every range exactly, redo re-applies them without a job.
        document->undoStack()->undo();
        QVERIFY(document->result()->config.parameters == before.config.parameters);
        QVERIFY(pointRanges(*document->result()) == pointRanges(before));
        QVERIFY(document->result()->repairs.empty());
        QCOMPARE(records->rowCount(), 0);
        QSignalSpy running(m_window->repair(), &cs::app::RepairPage::runningChanged);
        document->undoStack()->redo();
        QCOMPARE(running.count(), 0);
        QVERIFY(document->result()->config.parameters == after.config.parameters);
        QVERIFY(pointRanges(*document->result()) == pointRanges(after));
        QCOMPARE(records->rowCount(), int(after.repairs.size()));
        QVERIFY(!m_window->isBusy());
    }

    void weightsViewShowsTheBiasShift()
    {
        const auto changes = m_window->repair()->currentChanges();
        QVERIFY(changes && !changes->empty());
        // The first point whose layer the repair changed.
        cs::ui::PointTableModel* model = m_window->pointModel();
        QString point;
        const cs::ui::WeightRepairChange* change = nullptr;
        for (int row = 0; row < model->rowCount() && point.isEmpty(); ++row)
            if (const cs::WeightCalibration* w = model->weightOf(row)) {
                const auto it = changes->find(w->name);
                if (it != changes->end()) {
                    point = model->index(row, 0).data().toString();
                    change = &it->second;
                }
            }
        QVERIFY(!point.isEmpty());
        m_repairedPoint = point;
        gui_test::clickPoint(*m_window, point);
        m_window->inspectorTabs()->setCurrentWidget(m_window->weightsView());
        cs::ui::WeightsView* view = m_window->weightsView();
        QVERIFY(view->showsRepair());
        QVERIFY(view->biasShiftBars());
        QCOMPARE(view->biasShiftBars()->data()->size(), int(change->biasShift.size()));
        double largest = 0;
        for (auto it = view->biasShiftBars()->data()->constBegin(); it != view->biasShiftBars()->data()->constEnd(); ++it)
            largest = std::max(largest, std::abs(it->value));
        QVERIFY2(largest > 0, "bias correction shifts some bias");
        QCOMPARE(view->histogramBefore()->data()->size(), int(change->before.size()));
        QCOMPARE(view->histogramAfter()->data()->size(), int(change->after.size()));
        // Bias correction leaves the weights as they were: the two histograms agree.
        QCOMPARE(change->before, change->after);
        QTest::qWait(50);
        // The repair plots fit beside the ranges: the window stays on a laptop screen.
        QCOMPARE(m_window->size(), kLaptop);
        saveScreenshot(*m_window, QStringLiteral("repair_weights.png"));
        // A point whose layer was not repaired (or that has none) shows no repair plots.
        gui_test::clickPoint(*m_window, QStringLiteral("block1.add"));
        QVERIFY(!view->showsRepair());
        gui_test::clickPoint(*m_window, point);
        QVERIFY(view->showsRepair());
    }

    void accuracyRowsBeforeAndAfterTheRepair()
    {
        cs::app::CalibrationDocument* document = m_window->document();
        evaluateWithTheRepairRows();
        if (QTest::currentTestFailed())
            return;
        const auto evaluation = document->evaluation();
        QVERIFY(evaluation && evaluation->hasLabels);
        QVERIFY(document->isEvaluationCurrent());
        const cs::AccuracyRow* beforeRow = findRow(*evaluation, cs::ui::kBeforeRepairRow);
        const cs::AccuracyRow* afterRow = findRow(*evaluation, "after: bias correction");
        QVERIFY(beforeRow && afterRow);

        // The same numbers as an evaluation run directly in core on the two plans.
        const RepairCommand* last = RepairCommand::lastApplied(document->undoStack());
        QVERIFY(last);
        const cs::EvaluationConfig config = planRowConfig(*evaluation);
        const cs::EvaluationResult directBefore = cs::runEvaluation(last->before(), config);
        const cs::EvaluationResult directAfter = cs::runEvaluation(*document->result(), config);
        QCOMPARE(beforeRow->metrics.top1, directBefore.planMetrics.top1);
        QCOMPARE(beforeRow->metrics.labelled, directBefore.planMetrics.labelled);
        QVERIFY(std::abs(beforeRow->metrics.sqnrDb - directBefore.planMetrics.sqnrDb) < 1e-3);
        QCOMPARE(afterRow->metrics.top1, directAfter.planMetrics.top1);
        QVERIFY(std::abs(afterRow->metrics.sqnrDb - directAfter.planMetrics.sqnrDb) < 1e-3);
        qInfo("demo, %d validation images: before repair top-1 %.4f, after bias correction %.4f, float %.4f",
              kValidationImages, beforeRow->metrics.top1, afterRow->metrics.top1, evaluation->floatMetrics.top1);

        // The accuracy view shows both rows under their names.
        cs::ui::AccuracyView* view = m_window->accuracyView();
        m_window->tableTabs()->setCurrentWidget(view);
        QStringList shown;
        for (int row = 0; row < view->table()->rowCount(); ++row)
            shown << view->table()->item(row, cs::ui::AccuracyView::Label)->text();
        QVERIFY2(shown.contains(QStringLiteral("Before repair")), qPrintable(shown.join(QStringLiteral(", "))));
        QVERIFY2(shown.contains(QStringLiteral("After: bias correction")), qPrintable(shown.join(QStringLiteral(", "))));
        QCOMPARE(view->table()->rowCount(), int(evaluation->accuracy.size()));
        QTest::qWait(50);
        saveScreenshot(*m_window, QStringLiteral("repair_accuracy.png"));
        // With labelled validation data the fallback budget can run.
        QVERIFY(m_panel->budgetBox()->isEnabled());
    }

    void reportHasTheRepairsSection()
    {
        const QString path = m_dir.filePath(QStringLiteral("report.html"));
        const QString html = gui_test::exportedReportHtml(*m_window, path);
        QVERIFY(html.contains(QStringLiteral("<section id=\"repairs\"")));
        QVERIFY(html.contains(QStringLiteral("href=\"#repairs\"")));
        QVERIFY(html.contains(QStringLiteral("<code>bias_correction</code>")));
        QVERIFY(html.contains(QStringLiteral("Before repair")));
        QVERIFY(html.contains(QStringLiteral("After: bias correction")));
        for (const auto& note : m_window->document()->result()->repairs.back().notes)
            QVERIFY(html.contains(QString::fromStdString(note).toHtmlEscaped()));
        QFile::remove(QStringLiteral(CALIBSCOPE_TEST_OUTPUT_DIR "/repair_report.html"));
        QVERIFY(QFile::copy(path, QStringLiteral(CALIBSCOPE_TEST_OUTPUT_DIR "/repair_report.html")));
    }

    void sessionReopensWithItsRepairs()
    {
        const cs::CalibrationResult saved = *m_window->document()->result();
        const QString path = m_dir.filePath(QStringLiteral("repaired.cscope"));
        m_sessionPath = path;
        QSignalSpy savedSpy(m_window.get(), &MainWindow::sessionSaved);
        m_window->saveSession(path);
        QVERIFY(savedSpy.wait(60000));
        QSignalSpy opened(m_window.get(), &MainWindow::sessionOpened);
        m_window->openSession(path);
        QVERIFY(opened.wait(60000));
        const cs::CalibrationResult* reopened = m_window->document()->result();
        QVERIFY(reopened->config.parameters == saved.config.parameters);
        QCOMPARE(reopened->repairs.size(), saved.repairs.size());
        QVERIFY(pointRanges(*reopened) == pointRanges(saved));
        QCOMPARE(m_panel->recordsModel()->rowCount(), int(saved.repairs.size()));
        // The evaluation with its before/after rows came back too.
        QVERIFY(reopened->evaluation && findRow(*reopened->evaluation, cs::ui::kBeforeRepairRow));
        // Without the undo history the Weights view compares with the model's own parameters.
        QTRY_VERIFY_WITH_TIMEOUT(m_window->repair()->currentChanges() != nullptr, 120000);
        QVERIFY(!m_window->repair()->currentChanges()->empty());
    }

    void pageScreenshotsInEnglishAndChinese()
    {
        m_window->repair()->showPage();
        m_panel->equalizeBox()->setChecked(true);
        QTest::qWait(50);
        QCOMPARE(m_window->size(), kLaptop);
        QVERIFY(m_panel->runButton()->isVisible());
        // Run stays in view at this height (the choices scroll above it).
        QVERIFY(!m_panel->runButton()->visibleRegion().isEmpty());
        saveScreenshot(*m_window, QStringLiteral("repair_page_en.png"));

        // The whole window in Chinese, as the language menu starts it: the repaired session
        // opened in a new window with the catalogue installed.
        QTranslator translator;
        QVERIFY(translator.load(QStringLiteral("calibscope_zh_CN"), QStringLiteral(CALIBSCOPE_QM_DIR)));
        QApplication::installTranslator(&translator);
        {
            MainWindow window;
            window.resize(kLaptop);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QSignalSpy opened(&window, &MainWindow::sessionOpened);
            window.openSession(m_sessionPath);
            QVERIFY(opened.wait(60000));
            QTRY_VERIFY_WITH_TIMEOUT(window.repair()->currentChanges() != nullptr, 120000);
            gui_test::clickPoint(window, m_repairedPoint);
            window.inspectorTabs()->setCurrentWidget(window.weightsView());
            QVERIFY(window.weightsView()->showsRepair());
            window.repair()->showPage();
            QCOMPARE(window.repair()->panel()->runButton()->text(), QStringLiteral("运行修复(&R)"));
            QCOMPARE(cs::ui::repairRowDisplay("after: bias correction"), QStringLiteral("修复后：偏置校正"));
            QTest::qWait(50);
            QCOMPARE(window.size(), kLaptop);
            QVERIFY(!window.repair()->panel()->runButton()->visibleRegion().isEmpty());
            saveScreenshot(window, QStringLiteral("repair_page_zh_CN.png"));
            window.tableTabs()->setCurrentWidget(window.accuracyView());
            QTest::qWait(50);
            saveScreenshot(window, QStringLiteral("repair_accuracy_zh_CN.png"));
        }
        QApplication::removeTranslator(&translator);
        QTRY_COMPARE(m_panel->runButton()->text(), QStringLiteral("&Run repairs"));
    }

    void accuracyRowForEachRepairStep()
    {
        // Equalization and bias correction in one run: a row after each, in order, each equal
        // to an evaluation in core of the calibration repaired up to that step.
        cs::app::CalibrationDocument* document = m_window->document();
        m_window->repair()->showPage();
        m_panel->presetBox()->setCurrentIndex(0);
        m_panel->equalizeBox()->setChecked(true);
        m_panel->biasBox()->setChecked(true);
        QSignalSpy applied(m_window->repair(), &cs::app::RepairPage::repairApplied);
        QTest::mouseClick(m_panel->runButton(), Qt::LeftButton);
        QVERIFY(applied.wait(kJobTimeoutMs));
        const RepairCommand* last = RepairCommand::lastApplied(document->undoStack());
        QVERIFY(last);
        QCOMPARE(last->steps().size(), size_t(2));
        QCOMPARE(last->steps()[0].records, std::vector<std::string>{"equalization"});
        QCOMPARE(last->steps()[1].records, std::vector<std::string>{"bias_correction"});

        evaluateWithTheRepairRows();
        if (QTest::currentTestFailed())
            return;
        const auto evaluation = document->evaluation();
        QVERIFY(evaluation && evaluation->hasLabels);
        std::vector<std::string> repairRows;
        for (const auto& r : evaluation->accuracy)
            if (cs::ui::isRepairRow(r.label))
                repairRows.push_back(r.label);
        const std::vector<std::string> expected{cs::ui::kBeforeRepairRow, "after: equalization",
                                                "after: bias correction"};
        QCOMPARE(repairRows, expected);

        // The cumulative states in core: the calibration before, equalized alone (the same
        // batches the page ran with), and the document's repaired one.
        const cs::EvaluationConfig config = planRowConfig(*evaluation);
        cs::CalibrationConfig calibration = last->before().config;
        calibration.numBatches = m_panel->batchesBox()->value();
        cs::RepairOptions equalizeOnly;
        equalizeOnly.equalize = true;
        equalizeOnly.equalization.absorbHighBias = m_panel->absorbBox()->isChecked();
        const cs::CalibrationResult equalized = cs::runRepairs(last->before(), calibration, equalizeOnly);
        const std::vector<cs::OutputMetrics> direct{cs::runEvaluation(last->before(), config).planMetrics,
                                                    cs::runEvaluation(equalized, config).planMetrics,
                                                    cs::runEvaluation(*document->result(), config).planMetrics};
        for (size_t k = 0; k < expected.size(); ++k) {
            const cs::AccuracyRow* row = findRow(*evaluation, expected[k]);
            QVERIFY(row);
            QCOMPARE(row->metrics.top1, direct[k].top1);
            QCOMPARE(row->metrics.labelled, direct[k].labelled);
            QVERIFY2(std::abs(row->metrics.sqnrDb - direct[k].sqnrDb) < 1e-3, expected[k].c_str());
            qInfo("demo, %d validation images, %s: top-1 %.4f", kValidationImages, expected[k].c_str(),
                  row->metrics.top1);
        }
        // The accuracy view shows them in that order.
        cs::ui::AccuracyView* view = m_window->accuracyView();
        QStringList shown;
        for (int row = 0; row < view->table()->rowCount(); ++row)
            shown << view->table()->item(row, cs::ui::AccuracyView::Label)->text();
        const int before = int(shown.indexOf(QStringLiteral("Before repair")));
        QVERIFY2(before >= 0, qPrintable(shown.join(QStringLiteral(", "))));
        QCOMPARE(shown.mid(before, 3), QStringList({QStringLiteral("Before repair"), QStringLiteral("After: equalization"),
                                                    QStringLiteral("After: bias correction")}));
    }

    void cleanupTestCase()
    {
        m_window->document()->markSaved(m_window->document()->generation());
        m_window.reset();
    }

private:
    // Evaluates the repaired plan and waits for the page's rows before and after its repairs.
    void evaluateWithTheRepairRows()
    {
        QSignalSpy compared(m_window->repair(), &cs::app::RepairPage::comparisonFinished);
        QSignalSpy finished(m_window.get(), &MainWindow::evaluationFinished);
        QVERIFY(m_window->evaluate(kValidationImages, false));
        QVERIFY(finished.wait(kJobTimeoutMs));
        QVERIFY(compared.count() == 1 || compared.wait(kJobTimeoutMs));
    }

    QTemporaryDir m_dir;
    std::unique_ptr<MainWindow> m_window;
    cs::ui::RepairPanel* m_panel = nullptr;
    QString m_sessionPath;
    QString m_repairedPoint;
};

QTEST_MAIN(TestGuiRepair)
#include "test_gui_repair.moc"
