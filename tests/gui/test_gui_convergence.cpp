// The calibration-data views on hand-made data: the Convergence tab and the point table's
// "Settled after" column, the coverage column and the heat map's tooltip, the session diff
// view of File ▸ Compare With Session… and its dialog; the item models under
// QAbstractItemModelTester; screenshots in English and Chinese.
#include "gui_test_data.h"
#include "gui_test_support.h"

#include "core/analysis/convergence.h"
#include "core/analysis/coverage.h"
#include "core/analysis/session_diff.h"
#include "core/observers/observer_registry.h"
#include "core/session.h"
#include "gui/calibration_document.h"
#include "gui/compare_session.h"
#include "gui/convergence_controller.h"
#include "gui/main_window.h"
#include "widgets/convergence_view.h"
#include "widgets/observer_heat_map.h"
#include "widgets/point_table_model.h"
#include "widgets/point_table_view.h"
#include "widgets/qcustomplot_wrapper.h"
#include "widgets/report/html_report.h"
#include "widgets/session_diff_view.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>

#include <cmath>
#include <memory>
#include <random>

using cs::ui::ConvergenceView;
using cs::ui::PointTableModel;
using cs::ui::SessionDiffModel;
using cs::ui::SessionDiffView;

namespace {

// `batches` batches of uniform data per point, collected as calibration collects them, the
// configured observer (min_max) fed the same: at "x" and "relu" the spread approaches 2 as
// 2 - 1/(b+1)^2 (within 1 % of the final range from batch 7 on), at "add" it grows by 0.3
// a batch and never settles.
cs::CalibrationResult convergingResult(int batches)
{
    cs::CalibrationResult r = guitest::makeResult();
    r.config.batchSize = 16;
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    std::vector<float> x(2048);
    for (size_t k = 0; k < r.points.size(); ++k) {
        cs::PointCalibration& p = r.points[k];
        p.config = cs::defaultActivationConfig();
        p.config.name = "running_min_max"; // the range is the data's: it follows the spread
        cs::PointStatisticsCollector collector(256, 256);
        auto observer = cs::obs::createObserver(p.config.name, p.config.params, p.config.spec);
        for (int b = 0; b < batches; ++b) {
            const float spread = k == 2 ? 1.0f + 0.3f * float(b) : 2.0f - 1.0f / float((b + 1) * (b + 1));
            for (float& v : x)
                v = spread * uniform(rng);
            x[0] = spread; // the batch reaches its spread exactly
            collector.add(x.data(), {int64_t(x.size())});
            observer->observe(cs::obs::TensorView(x.data(), {int64_t(x.size())}));
        }
        p.stats = collector.result();
        p.result = observer->result();
    }
    return r;
}

// An evaluation whose validation histograms are the calibration's own at "x" and a copy
// shifted right by a quarter of the grid at "relu", with 30 % of its values above the clip.
cs::EvaluationResult coverageEvaluation(const cs::CalibrationResult& r)
{
    cs::EvaluationResult e = guitest::makeEvaluation();
    for (const auto& p : r.points) {
        cs::ValidationHistogram v;
        v.name = p.name;
        const auto& h = p.stats.histogram;
        v.grid = cs::CoverageGrid{h.lo, h.hi, int(h.counts.size()), p.result.min[0], p.result.max[0]};
        v.counts = h.counts;
        v.count = int64_t(h.total());
        if (p.name == "relu") {
            const size_t shift = h.counts.size() / 4;
            std::fill(v.counts.begin(), v.counts.end(), 0.0);
            for (size_t i = 0; i + shift < h.counts.size(); ++i)
                v.counts[i + shift] = h.counts[i];
            v.aboveClip = int64_t(0.3 * double(v.count));
        }
        e.validation.push_back(v);
    }
    return e;
}

// The HTML report of `result` with its calibration and evaluation sections only.
QString reportWithoutWorstPoints(const cs::CalibrationResult& result)
{
    cs::ui::ReportOptions options;
    options.worstPoints = 0;
    return cs::ui::renderHtmlReport(result, options);
}

// Where the report's section `id` starts, or -1 when it is missing or its table of contents
// does not link to it.
int linkedSection(const QString& html, const char* id)
{
    const QString name = QString::fromLatin1(id);
    if (!html.contains(QStringLiteral("<a href=\"#%1\">").arg(name)))
        return -1;
    return html.indexOf(QStringLiteral("<section id=\"%1\">").arg(name));
}

} // namespace

class TestGuiConvergence : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void coverageColumnAndHeatMapTooltip()
    {
        auto result = std::make_shared<cs::CalibrationResult>(guitest::makeResult());
        result->evaluation = std::make_shared<const cs::EvaluationResult>(coverageEvaluation(*result));
        PointTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setResult(result);
        const int x = model.rowOf(QStringLiteral("x")), relu = model.rowOf(QStringLiteral("relu"));
        const cs::CoverageReport expected = cs::analyzeCoverage(*result, *result->evaluation);
        QVERIFY(!expected.point("x")->flagged);
        QVERIFY(expected.point("relu")->flagged);
        const cs::ValidationHistogram& v = result->evaluation->validation[size_t(relu)];
        const double share = double(v.aboveClip) / double(v.count);
        QVERIFY(share > 0.29 && share <= 0.3);
        QCOMPARE(model.coverage(relu)->validationOutside, share);
        QCOMPARE(model.index(x, PointTableModel::Coverage).data().toString(), QStringLiteral("0.000 %"));
        const QString percent = QString::number(100.0 * share, 'f', 3) + QStringLiteral(" %");
        QCOMPARE(model.index(relu, PointTableModel::Coverage).data().toString(),
                 QStringLiteral("not covered (%1)").arg(percent));
        QCOMPARE(model.index(relu, PointTableModel::Coverage).data(PointTableModel::SortRole).toDouble(), share);
        QVERIFY(model.index(relu, 0).data(PointTableModel::BadRole).toBool());
        QVERIFY(!model.index(x, 0).data(PointTableModel::BadRole).toBool());
        const QString tip = model.index(relu, PointTableModel::Coverage).data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(percent) && tip.contains(QStringLiteral("does not cover")),
                 qPrintable(tip));
        QVERIFY(model.index(relu, PointTableModel::Coverage).data(Qt::BackgroundRole).isValid());

        cs::ui::ObserverHeatMapModel heat;
        QAbstractItemModelTester heatTester(&heat, QAbstractItemModelTester::FailureReportingMode::QtTest);
        heat.setResult(result.get());
        const int row = heat.rowOf(QStringLiteral("relu"));
        QVERIFY(heat.index(row, 0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("does not cover")));
        QVERIFY(heat.index(row, 1).data(Qt::ToolTipRole).toString().contains(percent));
        QVERIFY(!heat.index(heat.rowOf(QStringLiteral("x")), 1)
                     .data(Qt::ToolTipRole)
                     .toString()
                     .contains(QStringLiteral("does not cover")));

        // The HTML report's coverage section: flagged point first, with its shares.
        const QString html = reportWithoutWorstPoints(*result);
        const int section = linkedSection(html, "coverage");
        QVERIFY(section > 0);
        QVERIFY(html.indexOf(QStringLiteral("does not cover the validation data at 1 point"), section) > 0);
        const int reluRow = html.indexOf(QStringLiteral("<code>relu</code>"), section);
        QVERIFY(reluRow > 0 && reluRow < html.indexOf(QStringLiteral("<code>x</code>"), section));
        QVERIFY(html.indexOf(percent, section) > 0);

        // Without an evaluation the column is empty; refreshCoverage follows a new one.
        result->evaluation.reset();
        model.refreshCoverage();
        QVERIFY(model.index(relu, PointTableModel::Coverage).data().toString().isEmpty());
        QVERIFY(!model.coverage(relu));
    }

    void settledColumnAndView()
    {
        auto result = std::make_shared<cs::CalibrationResult>(convergingResult(12));
        auto report = std::make_shared<const cs::ConvergenceReport>(cs::analyzeConvergence(*result));
        const cs::ConvergencePoint& steady = report->points[0];
        const cs::ConvergencePoint& growing = report->points[2];
        QVERIFY2(steady.replayed && steady.settled,
                 qPrintable(QStringLiteral("%1 %2 %3").arg(steady.replayed).arg(steady.settled).arg(steady.settledAfter)));
        QCOMPARE(steady.settledAfter, 7);
        QVERIFY(growing.replayed && !growing.settled);
        QVERIFY(!report->settled);
        QCOMPARE(report->unsettled, 1);

        PointTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setResult(result);
        QVERIFY(model.index(0, PointTableModel::Settled).data().toString().isEmpty());
        model.setConvergence(report);
        QCOMPARE(model.index(0, PointTableModel::Settled).data().toString(), QString::number(steady.settledAfter));
        QCOMPARE(model.index(2, PointTableModel::Settled).data().toString(), QStringLiteral("never"));
        QVERIFY(model.index(2, 0).data(PointTableModel::BadRole).toBool());
        QVERIFY(model.index(2, PointTableModel::Settled).data(Qt::BackgroundRole).isValid());
        QVERIFY(model.index(2, PointTableModel::Settled).data(PointTableModel::SortRole).toInt()
                > model.index(0, PointTableModel::Settled).data(PointTableModel::SortRole).toInt());

        // The HTML report's convergence section: the verdict, the unsettled point first.
        const QString html = reportWithoutWorstPoints(*result);
        const int section = linkedSection(html, "convergence");
        QVERIFY(section > 0);
        QVERIFY(html.indexOf(QStringLiteral("Not settled at 1 point(s): add data."), section) > 0);
        const int addRow = html.indexOf(QStringLiteral("<code>%1</code>").arg(QString::fromStdString(growing.name)), section);
        QVERIFY(addRow > 0 && addRow < html.indexOf(QStringLiteral("<code>x</code>"), section));
        QVERIFY(html.indexOf(QStringLiteral("settled after %1 batch").arg(steady.settledAfter), section) > 0);

        ConvergenceView view;
        view.setReport(report);
        view.setPoint(QStringLiteral("x"));
        QCOMPARE(view.verdictText(), QStringLiteral("Not settled at 1 point(s): add data."));
        QCOMPARE(view.pointText(), QStringLiteral("x: settled after %1 batch(es) (%2 images)")
                                       .arg(steady.settledAfter)
                                       .arg(steady.settledAfter * 16));
        // Band (two graphs per end: the data are symmetric), clip max and clip min.
        QCOMPARE(view.plot()->graphCount(), 6);
        QCOMPARE(view.plot()->graph(4)->data()->size(), 12);
        view.setPoint(QStringLiteral("add"));
        QVERIFY(view.pointText().contains(QStringLiteral("never settles")));

        // One batch: said so, no band.
        auto one = std::make_shared<const cs::ConvergenceReport>(cs::analyzeConvergence(convergingResult(1)));
        QVERIFY(one->oneBatch);
        view.setReport(one);
        view.setPoint(QStringLiteral("x"));
        QVERIFY(view.verdictText().contains(QStringLiteral("one batch")));
        QVERIFY(view.pointText().contains(QStringLiteral("one batch")));
        QCOMPARE(view.plot()->graphCount(), 2);
        model.setConvergence(one);
        QCOMPARE(model.index(0, PointTableModel::Settled).data().toString(), QStringLiteral("one batch"));
        QVERIFY(!model.index(0, 0).data(PointTableModel::BadRole).toBool());
    }

    // The controller replays on a worker (JobRunner): setResult returns at once, the result
    // reaches the model and the view through the event loop.
    void controllerRunsOnAWorker()
    {
        cs::app::CalibrationDocument document;
        PointTableModel model;
        ConvergenceView view;
        view.setPoint(QStringLiteral("x"));
        cs::app::ConvergenceController controller(&document, &model, &view);
        QSignalSpy spy(&controller, &cs::app::ConvergenceController::reportAvailable);
        document.setResult(convergingResult(30), false);
        model.setResult(std::shared_ptr<const cs::CalibrationResult>(document.result(), [](const auto*) {}));
        // Nothing is computed on this thread: the job runs, the tab says so, no report yet.
        QVERIFY(controller.isRunning());
        QVERIFY(!model.convergence());
        QVERIFY(view.verdictText().contains(QStringLiteral("Replaying")));
        QVERIFY(spy.wait(60000));
        QCOMPARE(model.convergence()->batches, 30);
        QVERIFY(view.report());
        QCOMPARE(model.index(2, PointTableModel::Settled).data().toString(), QStringLiteral("never"));
        model.setResult(nullptr);
    }

    void sessionDiffView()
    {
        auto a = std::make_shared<const cs::CalibrationResult>(guitest::makeResult());
        cs::CalibrationResult changed = guitest::makeResult();
        changed.points[0].result = guitest::rangeResult(-2.0f, 2.0f, changed.points[0].config.spec);
        changed.points[0].stats.histogram = guitest::gaussianHistogram(-8, 8, 256, 0.5, 0.8, 10000);
        changed.points[1].config.name = "percentile";
        changed.points.pop_back(); // "add" only in A
        cs::PointCalibration extra = guitest::makePoint("head", 3, 0.0, 1.0, 2.0f);
        changed.points.push_back(extra); // "head" only in B
        auto b = std::make_shared<const cs::CalibrationResult>(changed);
        const cs::SessionDiff diff = cs::diffSessions(*a, *b);
        QCOMPARE(diff.points.size(), size_t(2));

        SessionDiffView view;
        QAbstractItemModelTester tester(view.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        view.setSessions(a, b, diff, QStringLiteral("a.cscope"), QStringLiteral("b.cscope"));
        SessionDiffModel* m = view.model();
        QCOMPARE(m->rowCount(), 4);
        QCOMPARE(m->index(0, SessionDiffModel::Point).data().toString(), QStringLiteral("x"));
        QCOMPARE(m->index(0, SessionDiffModel::ScaleChange).data().toString(),
                 (diff.points[0].scaleChangePct >= 0 ? QStringLiteral("+") : QString())
                     + QString::number(diff.points[0].scaleChangePct, 'f', 2));
        QCOMPARE(m->index(0, SessionDiffModel::Distance).data().toString(),
                 QString::number(diff.points[0].jsDivergence, 'f', 5));
        QVERIFY(diff.points[0].jsDivergence > 0.05);
        QCOMPARE(m->index(1, SessionDiffModel::Observer).data().toString(),
                 QStringLiteral("%1 → percentile").arg(QString::fromStdString(a->points[1].config.name)));
        QCOMPARE(m->index(2, SessionDiffModel::Point).data().toString(), QStringLiteral("add"));
        QCOMPARE(m->index(2, SessionDiffModel::In).data().toString(), QStringLiteral("only this session"));
        QCOMPARE(m->index(3, SessionDiffModel::Point).data().toString(), QStringLiteral("head"));
        QCOMPARE(m->index(3, SessionDiffModel::In).data().toString(), QStringLiteral("only the other"));
        QVERIFY(view.summaryText().contains(QStringLiteral("2 points in both, 1 only in this one, 1 only in the other")));
        // Both histograms of the selected point, overlaid.
        QCOMPARE(view.currentPoint(), QStringLiteral("x"));
        QCOMPARE(view.plot()->graphCount(), 2);
        view.selectPoint(QStringLiteral("add"));
        QCOMPARE(view.plot()->graphCount(), 1);
    }

    void compareDialogLoadsOnAWorker()
    {
        cs::CalibrationResult other = guitest::makeResult();
        other.points[0].result = guitest::rangeResult(-2.0f, 2.0f, other.points[0].config.spec);
        other.model.path = other.config.modelPath = "model.pt";
        other.config.data.path = "calibration.npy";
        const QString path = m_dir.filePath(QStringLiteral("other.cscope"));
        cs::saveSession(other, cs::ObserverBank{}, path.toStdString());
        cs::app::CalibrationDocument document;
        document.setResult(guitest::makeResult(), false);
        cs::app::CompareSessionDialog dialog(&document);
        QSignalSpy done(&dialog, &cs::app::CompareSessionDialog::compared);
        QSignalSpy failed(&dialog, &cs::app::CompareSessionDialog::failed);
        dialog.compareWith(path);
        QVERIFY2(done.wait(30000), failed.isEmpty() ? "" : qPrintable(failed.front().front().toString()));
        QCOMPARE(dialog.view()->model()->rowCount(), 3);
        QVERIFY(dialog.view()->summaryText().contains(QStringLiteral("other.cscope")));
        dialog.compareWith(m_dir.filePath(QStringLiteral("missing.cscope")));
        QVERIFY(failed.wait(30000));
    }

    // In the main window: the tab beside the histogram fills in after a session opens, the
    // point table gets the column, and File offers the comparison.
    void mainWindowHooks()
    {
        cs::CalibrationResult r = convergingResult(12);
        r.model.path = r.config.modelPath = "model.pt";
        r.config.data.path = "calibration.npy";
        const QString path = m_dir.filePath(QStringLiteral("converging.cscope"));
        cs::saveSession(r, cs::ObserverBank{}, path.toStdString());
        cs::app::MainWindow window;
        QAction* compare = window.findChild<QAction*>(QStringLiteral("actionCompareSession"));
        QVERIFY(compare);
        QVERIFY(!compare->isEnabled());
        auto* view = window.findChild<ConvergenceView*>(QStringLiteral("convergenceView"));
        QVERIFY(view);
        QVERIFY(window.inspectorTabs()->indexOf(view) >= 0);
        window.openSession(path);
        QTRY_VERIFY_WITH_TIMEOUT(window.pointModel()->convergence() != nullptr, 60000);
        QVERIFY(compare->isEnabled());
        QCOMPARE(window.pointModel()->index(2, PointTableModel::Settled).data().toString(), QStringLiteral("never"));
        QTRY_VERIFY(view->report() != nullptr);
        QCOMPARE(view->verdictText(), QStringLiteral("Not settled at 1 point(s): add data."));
    }

    void screenshots_data() { gui_test::addLanguageRows(); }

    void screenshots()
    {
        const gui_test::ScreenshotLanguage language;
        QVERIFY(language.installed());
        const QString suffix = language.suffix();
        auto result = std::make_shared<cs::CalibrationResult>(convergingResult(12));
        auto report = std::make_shared<const cs::ConvergenceReport>(cs::analyzeConvergence(*result));
        result->evaluation = std::make_shared<const cs::EvaluationResult>(coverageEvaluation(*result));
        {
            ConvergenceView view;
            view.setReport(report);
            view.setPoint(QStringLiteral("x"));
            gui_test::screenshot(view, {760, 420}, QStringLiteral("convergence_tab") + suffix);
        }
        {
            PointTableModel model;
            model.setResult(result);
            model.setConvergence(report);
            cs::ui::PointTableView table(&model);
            // The new columns in view: hide what the screenshot does not need.
            auto* view = table.findChild<QTableView*>();
            QVERIFY(view);
            for (const int column : {PointTableModel::Kind, PointTableModel::Module, PointTableModel::Shape,
                                     PointTableModel::ZeroPoint, PointTableModel::DType, PointTableModel::Scale})
                view->hideColumn(column);
            view->resizeColumnsToContents();
            gui_test::screenshot(table, {1300, 200}, QStringLiteral("convergence_point_table") + suffix);
        }
        {
            cs::CalibrationResult changed = *result;
            changed.points[0].result = guitest::rangeResult(-2.5f, 2.5f, changed.points[0].config.spec);
            changed.points[0].stats.histogram = guitest::gaussianHistogram(-8, 8, 256, 0.5, 0.8, 10000);
            changed.points.pop_back();
            auto b = std::make_shared<const cs::CalibrationResult>(changed);
            SessionDiffView view;
            view.setSessions(result, b, cs::diffSessions(*result, *b), QStringLiteral("first1000.cscope"),
                             QStringLiteral("random1000.cscope"));
            gui_test::screenshot(view, {900, 600}, QStringLiteral("session_diff") + suffix);
        }
    }
};

QTEST_MAIN(TestGuiConvergence)
#include "test_gui_convergence.moc"
