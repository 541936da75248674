// The analysis views of issue 7 on hand-made data: compare table, observer heat map, accuracy,
// sensitivity and error propagation. Every number is checked against its source; screenshots
// of each view in English and Chinese go to the build tree.
#include "gui_test_data.h"
#include "gui_test_support.h"

#include "widgets/accuracy_view.h"
#include "widgets/compare_view.h"
#include "widgets/error_propagation_view.h"
#include "widgets/histogram_view.h"
#include "widgets/observer_heat_map.h"
#include "widgets/point_table_model.h"
#include "widgets/qcustomplot_wrapper.h"
#include "widgets/sensitivity_view.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QTranslator>

#include <cmath>
#include <limits>
#include <memory>

using cs::ui::AccuracyView;
using cs::ui::CompareView;
using cs::ui::ErrorPropagationView;
using cs::ui::ObserverHeatMap;
using cs::ui::ObserverHeatMapModel;
using cs::ui::PointTableModel;
using cs::ui::SensitivityView;

using gui_test::saveScreenshot;

namespace {

// The estimate the compare table and the heat map must show for `result` at `point`.
cs::ErrorEstimate expectedEstimate(const cs::PointCalibration& point, const cs::obs::ObserverResult& result)
{
    float low = 0, high = 0;
    if (!cs::ui::quantizerRange(result, point.config.spec, low, high))
        qFatal("no quantizer range");
    return cs::estimateQuantError(point.stats.histogram, low, high, point.config.spec);
}

double valueOf(QTableWidget* table, int row, int column, int role)
{
    QTableWidgetItem* item = table->item(row, column);
    return item ? item->data(role).toDouble() : std::numeric_limits<double>::quiet_NaN();
}

int rowOfObserver(CompareView& view, const QString& observer)
{
    for (int row = 0; row < view.table()->rowCount(); ++row)
        if (view.table()->item(row, CompareView::ObserverColumn)->data(CompareView::ObserverRole).toString() == observer)
            return row;
    return -1;
}

std::shared_ptr<cs::CalibrationResult> wideResult()
{
    return std::make_shared<cs::CalibrationResult>(guitest::makeWideCompareResult());
}

// Upper-cases every string of the views: shows that a language change reaches each label.
class ShoutingTranslator : public QTranslator {
public:
    QString translate(const char* context, const char* source, const char* disambiguation, int n) const override
    {
        Q_UNUSED(disambiguation)
        Q_UNUSED(n)
        if (!QByteArray(context).startsWith("cs::ui::"))
            return {};
        return QString::fromUtf8(source).toUpper();
    }
    bool isEmpty() const override { return false; }
};

} // namespace

class TestGuiViews : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void compareTableShowsEveryObserversEstimate()
    {
        const auto result = wideResult();
        PointTableModel model;
        model.setResult(result);
        CompareView view(&model);
        QAbstractItemModelTester tester(view.table()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        view.setPoint(QStringLiteral("stem"));
        const cs::PointCalibration& p = result->points[0];
        // The configured min_max merges with its compare twin: one row per observer.
        QCOMPARE(view.observerRowCount(), 4);
        QCOMPARE(view.table()->rowCount(), 4);
        QVERIFY(view.hintText().isEmpty());
        QVERIFY(view.estimates().front().configured);
        QCOMPARE(view.estimates().front().observer, QStringLiteral("min_max"));
        QVERIFY(view.table()->item(0, CompareView::ObserverColumn)->text().contains(QStringLiteral("min_max")));

        double bestL2 = std::numeric_limits<double>::infinity();
        QString best;
        for (int row = 0; row < view.observerRowCount(); ++row) {
            const QString observer =
                view.table()->item(row, CompareView::ObserverColumn)->data(CompareView::ObserverRole).toString();
            const cs::obs::ObserverResult& r = row == 0 ? p.result : p.compare.at(observer.toStdString());
            const cs::ErrorEstimate e = expectedEstimate(p, r);
            QCOMPARE(valueOf(view.table(), row, CompareView::L2, CompareView::ValueRole), e.l2);
            QCOMPARE(valueOf(view.table(), row, CompareView::Sqnr, CompareView::ValueRole), e.sqnrDb);
            QCOMPARE(valueOf(view.table(), row, CompareView::Clipped, CompareView::ValueRole), e.clippedFraction * 100);
            QCOMPARE(valueOf(view.table(), row, CompareView::Low, CompareView::ValueRole), double(r.min.front()));
            QCOMPARE(valueOf(view.table(), row, CompareView::High, CompareView::ValueRole), double(r.max.front()));
            QCOMPARE(valueOf(view.table(), row, CompareView::Scale, CompareView::ValueRole), double(r.scale.front()));
            QCOMPARE(view.table()->item(row, CompareView::ZeroPoint)->text(), QString::number(r.zeroPoint.front()));
            if (e.l2 < bestL2) {
                bestL2 = e.l2;
                best = observer;
            }
        }
        // The configured row's numbers are the point table's.
        QCOMPARE(valueOf(view.table(), 0, CompareView::L2, CompareView::ValueRole),
                 model.estimate(model.rowOf(QStringLiteral("stem")))->l2);
        QVERIFY(best != QStringLiteral("min_max"));
        QCOMPARE(view.bestObserver(), best);
        const int bestRow = rowOfObserver(view, best);
        QCOMPARE(view.bestRow(), bestRow);
        QVERIFY(view.table()->item(bestRow, CompareView::L2)->font().bold());
        QVERIFY(view.table()->item(bestRow, CompareView::ObserverColumn)->text().startsWith(QStringLiteral("★")));
        for (int row = 0; row < view.observerRowCount(); ++row)
            if (row != bestRow)
                QVERIFY(!view.table()->item(row, CompareView::L2)->font().bold());
        // The best row is offered first.
        QCOMPARE(view.selectedObserver(), best);
        QVERIFY(view.useButton()->isEnabled());
        // The histogram above draws every compare observer's range (two lines each).
        QCOMPARE(view.histogram()->point(), QStringLiteral("stem"));
        QCOMPARE(view.histogram()->compareLineCount(), 8);
    }

    void compareUseThisEmitsPointAndObserver()
    {
        const auto result = wideResult();
        PointTableModel model;
        model.setResult(result);
        CompareView view(&model);
        view.resize(800, 600);
        gui_test::showAndWait(view, 0);
        view.setPoint(QStringLiteral("block"));
        // "block" uses percentile, merged with the compare percentile: 4 rows, percentile first.
        QCOMPARE(view.observerRowCount(), 4);
        QCOMPARE(view.estimates().front().observer, QStringLiteral("percentile"));
        QSignalSpy spy(&view, &CompareView::useObserverRequested);

        QVERIFY(view.selectObserver(QStringLiteral("kl_divergence")));
        QVERIFY(view.useButton()->isEnabled());
        QTest::mouseClick(view.useButton(), Qt::LeftButton);
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("block"));
        QCOMPARE(spy.at(0).at(1).toString(), QStringLiteral("kl_divergence"));

        // Double-click on a row does the same.
        const int row = rowOfObserver(view, QStringLiteral("min_max"));
        const QRect rect = view.table()->visualItemRect(view.table()->item(row, CompareView::L2));
        // (QTest's widget double-click sends no press; a view acts on a double-click of the pressed item.)
        QTest::mouseClick(view.table()->viewport(), Qt::LeftButton, {}, rect.center());
        QTest::mouseDClick(view.table()->viewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(spy.count(), 2);
        QCOMPARE(spy.at(1).at(1).toString(), QStringLiteral("min_max"));

        // The configured row is already in use: nothing to apply.
        QVERIFY(view.selectObserver(QStringLiteral("percentile")));
        QVERIFY(!view.useButton()->isEnabled());
        const QRect configured = view.table()->visualItemRect(view.table()->item(0, CompareView::L2));
        QTest::mouseClick(view.table()->viewport(), Qt::LeftButton, {}, configured.center());
        QTest::mouseDClick(view.table()->viewport(), Qt::LeftButton, {}, configured.center());
        QCOMPARE(spy.count(), 2);
    }

    void compareFollowsModelEdits()
    {
        const auto result = wideResult();
        PointTableModel model;
        model.setResult(result);
        CompareView view(&model);
        view.setPoint(QStringLiteral("stem"));
        QCOMPARE(view.observerRowCount(), 4);
        // The user applies mse: it becomes the configured row, merged with its twin.
        result->points[0].config.name = "mse";
        result->points[0].result = result->points[0].compare.at("mse");
        model.refreshPoints({QStringLiteral("stem")});
        QCOMPARE(view.estimates().front().observer, QStringLiteral("mse"));
        QCOMPARE(view.observerRowCount(), 4);
        QCOMPARE(rowOfObserver(view, QStringLiteral("mse")), 0);
    }

    void compareEmptyStates()
    {
        PointTableModel model;
        CompareView empty(&model);
        QVERIFY(!empty.hintText().isEmpty());
        QCOMPARE(empty.observerRowCount(), 0);
        QVERIFY(!empty.useButton()->isEnabled());

        model.setResult(wideResult());
        CompareView view(&model);
        QVERIFY(view.hintText().contains(QStringLiteral("Select a point")));
        view.setPoint(QStringLiteral("tail")); // no compare results
        QVERIFY(view.hintText().contains(QStringLiteral("--compare")));
        QCOMPARE(view.observerRowCount(), 1);
        QVERIFY(view.estimates().front().configured);
        QVERIFY(!view.useButton()->isEnabled());
        QCOMPARE(view.bestObserver(), QStringLiteral("min_max"));
    }

    void heatMapModelHoldsEstimates()
    {
        const auto result = wideResult();
        ObserverHeatMapModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        model.setResult(result.get());
        const QStringList observers{QStringLiteral("kl_divergence"), QStringLiteral("min_max"), QStringLiteral("mse"),
                                    QStringLiteral("percentile")};
        QCOMPARE(model.observers(), observers);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.columnCount(), 5);
        QCOMPARE(model.headerData(2, Qt::Horizontal).toString(), QStringLiteral("min_max"));

        for (int row = 0; row < model.rowCount(); ++row) {
            const cs::PointCalibration& p = result->points[size_t(row)];
            QCOMPARE(model.pointAt(row), QString::fromStdString(p.name));
            int expectedBest = -1;
            double bestL2 = std::numeric_limits<double>::infinity();
            for (int column = 1; column < model.columnCount(); ++column) {
                const auto it = p.compare.find(model.observerAt(column).toStdString());
                const QModelIndex index = model.index(row, column);
                if (it == p.compare.end()) {
                    QVERIFY(std::isnan(model.l2(row, column)));
                    QVERIFY(model.data(index).toString().isEmpty());
                    QVERIFY(!model.data(index, Qt::BackgroundRole).isValid());
                    continue;
                }
                const double l2 = expectedEstimate(p, it->second).l2;
                QCOMPARE(model.l2(row, column), l2);
                QCOMPARE(model.data(index, ObserverHeatMapModel::SortRole).toDouble(), l2);
                QVERIFY(model.data(index).toString().contains(cs::ui::formatNumber(l2, 4)));
                QVERIFY(model.data(index, Qt::ToolTipRole).toString().contains(QStringLiteral("SQNR")));
                if (l2 < bestL2) {
                    bestL2 = l2;
                    expectedBest = column;
                }
            }
            QCOMPARE(model.bestColumn(row), expectedBest);
            for (int column = 1; column < model.columnCount(); ++column) {
                const QModelIndex index = model.index(row, column);
                const bool best = column == expectedBest;
                QCOMPARE(model.data(index, ObserverHeatMapModel::BestRole).toBool(), best);
                QCOMPARE(model.data(index).toString().startsWith(QStringLiteral("★")), best);
                if (best)
                    QVERIFY(qvariant_cast<QFont>(model.data(index, Qt::FontRole)).bold());
            }
        }
        // "tail" has no compare results; "head" has no mse.
        QCOMPARE(model.bestColumn(3), -1);
        QVERIFY(std::isnan(model.l2(2, 3)));
        // Row colours: the best green, the worst red.
        const int stem = 0;
        int worst = 1;
        for (int column = 1; column < model.columnCount(); ++column)
            if (model.l2(stem, column) > model.l2(stem, worst))
                worst = column;
        const QColor green = model.data(model.index(stem, model.bestColumn(stem)), Qt::BackgroundRole).value<QBrush>().color();
        const QColor red = model.data(model.index(stem, worst), Qt::BackgroundRole).value<QBrush>().color();
        QVERIFY2(std::abs(green.hueF() - 1.0 / 3.0) < 0.01, qPrintable(QString::number(green.hueF())));
        QVERIFY2(red.hueF() < 0.01 || red.hueF() > 0.99, qPrintable(QString::number(red.hueF())));
        // The observer in use is marked: block uses percentile.
        QVERIFY(model.data(model.index(1, 4), ObserverHeatMapModel::InUseRole).toBool());
        QVERIFY(!model.data(model.index(1, 2), ObserverHeatMapModel::InUseRole).toBool());
        model.setResult(nullptr);
        QCOMPARE(model.rowCount(), 0);
    }

    void heatMapSortsNumerically()
    {
        const auto result = wideResult();
        ObserverHeatMap view;
        QAbstractItemModelTester tester(view.proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        view.setResult(result.get());
        QVERIFY(view.hintText().isEmpty());
        const int minMax = 2;
        QCOMPARE(view.model()->observerAt(minMax), QStringLiteral("min_max"));
        view.table()->sortByColumn(minMax, Qt::AscendingOrder);
        QStringList order;
        for (int row = 0; row < view.proxy()->rowCount(); ++row)
            order << view.proxy()->index(row, 0).data().toString();
        // Magnitudes 0.08, 8, 800 with the same shape: L2 scales with them; tail has none.
        QCOMPARE(order, QStringList({QStringLiteral("head"), QStringLiteral("stem"), QStringLiteral("block"),
                                     QStringLiteral("tail")}));
        for (int row = 1; row < 3; ++row)
            QVERIFY(view.proxy()->index(row - 1, minMax).data(ObserverHeatMapModel::SortRole).toDouble()
                    < view.proxy()->index(row, minMax).data(ObserverHeatMapModel::SortRole).toDouble());
        view.table()->sortByColumn(minMax, Qt::DescendingOrder);
        QCOMPARE(view.proxy()->index(1, 0).data().toString(), QStringLiteral("block"));
        QCOMPARE(view.proxy()->index(3, 0).data().toString(), QStringLiteral("head"));
        // Back to graph order by the point column.
        view.table()->sortByColumn(0, Qt::AscendingOrder);
        QCOMPARE(view.proxy()->index(0, 0).data().toString(), QStringLiteral("stem"));
        QCOMPARE(view.proxy()->index(3, 0).data().toString(), QStringLiteral("tail"));
    }

    void heatMapSignals()
    {
        const auto result = wideResult();
        ObserverHeatMap view;
        view.setResult(result.get());
        view.resize(700, 300);
        gui_test::showAndWait(view, 0);
        view.table()->sortByColumn(2, Qt::DescendingOrder); // block, stem, head, tail… proxy rows differ from source
        QSignalSpy activated(&view, &ObserverHeatMap::cellActivated);
        QSignalSpy selected(&view, &ObserverHeatMap::pointSelected);
        const QModelIndex cell = view.proxy()->index(1, 3); // second row in this order, mse
        const QString point = cell.data(ObserverHeatMapModel::PointNameRole).toString();
        QCOMPARE(point, view.proxy()->index(1, 0).data().toString());
        view.table()->scrollTo(cell);
        const QRect rect = view.table()->visualRect(cell);
        QTest::mouseClick(view.table()->viewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(selected.count(), 1);
        QCOMPARE(selected.at(0).at(0).toString(), point);
        QTest::mouseDClick(view.table()->viewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.at(0).at(0).toString(), point);
        QCOMPARE(activated.at(0).at(1).toString(), QStringLiteral("mse"));
        // An empty cell (tail has no results) activates nothing.
        const int tailRow = int(view.proxy()->match(view.proxy()->index(0, 0), Qt::DisplayRole, QStringLiteral("tail"))
                                    .front()
                                    .row());
        const QModelIndex empty = view.proxy()->index(tailRow, 3);
        view.table()->scrollTo(empty);
        QTest::mouseClick(view.table()->viewport(), Qt::LeftButton, {}, view.table()->visualRect(empty).center());
        QTest::mouseDClick(view.table()->viewport(), Qt::LeftButton, {}, view.table()->visualRect(empty).center());
        QCOMPARE(activated.count(), 1);
        // Programmatic selection does not echo.
        selected.clear();
        view.selectPoint(QStringLiteral("stem"));
        QCOMPARE(selected.count(), 0);
        QCOMPARE(view.proxy()->mapToSource(view.table()->currentIndex()).row(), 0);
    }

    void heatMapOfManyPointsFillsInSlices()
    {
        // More points than are estimated at once: the rows come at once, their cells on later
        // turns of the event loop, with the numbers a synchronous fill gives.
        auto many = std::make_shared<cs::CalibrationResult>(guitest::makeWideCompareResult());
        const std::vector<cs::PointCalibration> base = many->points;
        many->points.clear();
        for (int i = 0; many->points.size() <= size_t(ObserverHeatMapModel::kImmediateRows); ++i)
            for (cs::PointCalibration p : base) {
                p.name += "_" + std::to_string(i);
                many->points.push_back(p);
            }
        ObserverHeatMapModel reference;
        reference.setResult(many.get());
        ObserverHeatMap view;
        QAbstractItemModelTester tester(view.proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy filled(view.model(), &ObserverHeatMapModel::filled);
        view.setResult(std::shared_ptr<const cs::CalibrationResult>(many));
        QCOMPARE(view.model()->rowCount(), int(many->points.size()));
        QCOMPARE(view.model()->columnCount(), reference.columnCount());
        QVERIFY(view.model()->isFilling());
        QVERIFY(filled.wait(10000));
        QVERIFY(!view.model()->isFilling());
        auto sameCells = [&] {
            for (int row = 0; row < reference.rowCount(); ++row)
                for (int column = 1; column < reference.columnCount(); ++column) {
                    const double a = reference.l2(row, column), b = view.model()->l2(row, column);
                    if (!(a == b || (std::isnan(a) && std::isnan(b))))
                        return false;
                }
            return true;
        };
        QVERIFY(sameCells());
        // The same points again (an edit): no reset, the numbers stay until recomputed.
        QSignalSpy reset(view.model(), &QAbstractItemModel::modelReset);
        view.setResult(std::shared_ptr<const cs::CalibrationResult>(many));
        QCOMPARE(reset.count(), 0);
        QVERIFY(sameCells());
        QVERIFY(filled.wait(10000));
        QVERIFY(sameCells());
    }

    void heatMapEmptyStates()
    {
        ObserverHeatMap view;
        QVERIFY(view.hintText().contains(QStringLiteral("No calibration")));
        cs::CalibrationResult plain = guitest::makeResult();
        for (auto& p : plain.points)
            p.compare.clear();
        view.setResult(&plain);
        QCOMPARE(view.model()->columnCount(), 1);
        QVERIFY(view.hintText().contains(QStringLiteral("--compare")));
    }

    void accuracyTableAndChart()
    {
        const cs::EvaluationResult e = guitest::makeEvaluation();
        AccuracyView view;
        QAbstractItemModelTester tester(view.table()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(view.summaryText().contains(QStringLiteral("No evaluation")));
        QCOMPARE(view.table()->rowCount(), 0);
        view.setEvaluation(e);
        QTableWidget* t = view.table();
        QCOMPARE(t->rowCount(), int(e.accuracy.size()));
        const QStringList labels{QStringLiteral("Float"), QStringLiteral("Your plan"), QStringLiteral("Automatic plan"),
                                 QStringLiteral("min_max"), QStringLiteral("percentile")};
        for (int row = 0; row < t->rowCount(); ++row) {
            const cs::AccuracyRow& r = e.accuracy[size_t(row)];
            QCOMPARE(t->item(row, AccuracyView::Label)->text(), labels[row]);
            QCOMPARE(t->item(row, AccuracyView::Label)->data(AccuracyView::LabelRole).toString(),
                     QString::fromStdString(r.label));
            QCOMPARE(valueOf(t, row, AccuracyView::Top1, AccuracyView::ValueRole), r.metrics.top1);
            QCOMPARE(valueOf(t, row, AccuracyView::Top5, AccuracyView::ValueRole), r.metrics.top5);
            QCOMPARE(valueOf(t, row, AccuracyView::Agreement, AccuracyView::ValueRole), r.metrics.argmaxAgreement);
            QCOMPARE(valueOf(t, row, AccuracyView::Cosine, AccuracyView::ValueRole), r.metrics.cosine);
            if (row == 0) {
                QCOMPARE(t->item(row, AccuracyView::Delta)->text(), QStringLiteral("—"));
                continue;
            }
            QCOMPARE(valueOf(t, row, AccuracyView::OutputSqnr, AccuracyView::ValueRole), r.metrics.sqnrDb);
            const double delta = (r.metrics.top1 - e.floatMetrics.top1) * 100.0;
            QCOMPARE(valueOf(t, row, AccuracyView::Delta, AccuracyView::ValueRole), delta);
            QVERIFY(delta < 0);
            QVERIFY(t->item(row, AccuracyView::Delta)->text().startsWith(QStringLiteral("−")));
        }
        QCOMPARE(t->item(1, AccuracyView::Top1)->text(), QStringLiteral("87.40 %"));
        QCOMPARE(t->item(1, AccuracyView::Delta)->text(), QStringLiteral("−3.80"));
        // The best quantized row (auto, 90.3 %) is bold.
        QVERIFY(t->item(2, AccuracyView::Top1)->font().bold());
        QVERIFY(!t->item(1, AccuracyView::Top1)->font().bold());
        QCOMPARE(view.barCount(), int(e.accuracy.size()));
        QVERIFY(view.summaryText().contains(QStringLiteral("1000")));

        view.clear();
        QCOMPARE(t->rowCount(), 0);
        QCOMPARE(view.barCount(), 0);
        QVERIFY(!view.hasEvaluation());
    }

    void accuracyWithoutLabelsUsesAgreement()
    {
        const cs::EvaluationResult e = guitest::makeEvaluation(false);
        AccuracyView view;
        view.setEvaluation(e);
        QTableWidget* t = view.table();
        QCOMPARE(t->item(1, AccuracyView::Top1)->text(), QStringLiteral("—"));
        QVERIFY(t->horizontalHeaderItem(AccuracyView::Delta)->text().contains(QStringLiteral("agreement")));
        for (int row = 1; row < t->rowCount(); ++row)
            QCOMPARE(valueOf(t, row, AccuracyView::Delta, AccuracyView::ValueRole),
                     (e.accuracy[size_t(row)].metrics.argmaxAgreement - 1.0) * 100.0);
        QVERIFY(view.summaryText().contains(QStringLiteral("no labels")));
    }

    void accuracyControls()
    {
        AccuracyView view;
        QSignalSpy evaluate(&view, &AccuracyView::evaluateRequested);
        QSignalSpy cancel(&view, &AccuracyView::cancelRequested);
        QVERIFY(!view.cancelButton()->isEnabled());
        view.setMaxImages(500);
        view.sensitivityBox()->setChecked(false);
        QTest::mouseClick(view.evaluateButton(), Qt::LeftButton);
        QCOMPARE(evaluate.count(), 1);
        QCOMPARE(evaluate.at(0).at(0).toInt(), 500);
        QCOMPARE(evaluate.at(0).at(1).toBool(), false);

        gui_test::showAndWait(view, 0);
        view.setRunning(true);
        QVERIFY(!view.evaluateButton()->isEnabled());
        QVERIFY(!view.imagesBox()->isEnabled());
        QVERIFY(view.cancelButton()->isEnabled());
        QVERIFY(view.progressBar()->isVisible());
        view.setProgress(QStringLiteral("batch 3 of 10"), 3, 10);
        QCOMPARE(view.progressBar()->maximum(), 10);
        QCOMPARE(view.progressBar()->value(), 3);
        QTest::mouseClick(view.cancelButton(), Qt::LeftButton);
        QCOMPARE(cancel.count(), 1);
        view.setRunning(false);
        QVERIFY(view.evaluateButton()->isEnabled());
        QVERIFY(!view.cancelButton()->isEnabled());
        QVERIFY(!view.progressBar()->isVisible());

        QVERIFY(!view.staleBanner()->isVisible());
        view.setStale(true);
        QVERIFY(view.staleBanner()->isVisible());
        QVERIFY(view.staleBanner()->text().contains(QStringLiteral("evaluate again")));
        view.setStale(false);
        QVERIFY(!view.staleBanner()->isVisible());
    }

    void sensitivityRankingAndProtect()
    {
        const cs::EvaluationResult e = guitest::makeEvaluation();
        SensitivityView view;
        QAbstractItemModelTester tester(view.table()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        view.setEvaluation(e);
        QTableWidget* t = view.table();
        QCOMPARE(t->rowCount(), int(e.sensitivity.size()));
        for (int row = 0; row < t->rowCount(); ++row) {
            const cs::SensitivityEntry& s = e.sensitivity[size_t(row)];
            QCOMPARE(t->item(row, SensitivityView::Rank)->text(), QString::number(row + 1));
            QCOMPARE(t->item(row, SensitivityView::Point)->text(), QString::fromStdString(s.point));
            QCOMPARE(valueOf(t, row, SensitivityView::Drop, SensitivityView::ValueRole), s.drop);
            QCOMPARE(valueOf(t, row, SensitivityView::OnlyThis, SensitivityView::ValueRole), s.onlyThis.top1);
            QCOMPARE(valueOf(t, row, SensitivityView::OutputSqnr, SensitivityView::ValueRole), s.onlyThis.sqnrDb);
        }
        QCOMPARE(view.barCount(), int(e.sensitivity.size()));
        QCOMPARE(view.countBox()->value(), 3);
        QCOMPARE(view.countBox()->maximum(), int(e.sensitivity.size()));

        QSignalSpy protect(&view, &SensitivityView::protectWorstRequested);
        view.countBox()->setValue(4);
        view.actionBox()->setCurrentIndex(view.actionBox()->findData(QStringLiteral("qint16")));
        QTest::mouseClick(view.applyButton(), Qt::LeftButton);
        QCOMPARE(protect.count(), 1);
        const QStringList worst{QStringLiteral("layer3.conv"), QStringLiteral("fc"), QStringLiteral("conv1"),
                                QStringLiteral("layer2.conv")};
        QCOMPARE(protect.at(0).at(0).toStringList(), worst);
        QCOMPARE(protect.at(0).at(1).toString(), QStringLiteral("qint16"));
        view.countBox()->setValue(1);
        view.actionBox()->setCurrentIndex(view.actionBox()->findData(QStringLiteral("keep_float")));
        QTest::mouseClick(view.applyButton(), Qt::LeftButton);
        QCOMPARE(protect.at(1).at(0).toStringList(), QStringList{QStringLiteral("layer3.conv")});
        QCOMPARE(protect.at(1).at(1).toString(), QStringLiteral("keep_float"));

        QSignalSpy selected(&view, &SensitivityView::pointSelected);
        t->selectRow(1);
        QCOMPARE(selected.count(), 1);
        QCOMPARE(selected.at(0).at(0).toString(), QStringLiteral("fc"));
    }

    void sensitivityEmptyAndCapped()
    {
        SensitivityView view;
        QVERIFY(view.hintText().contains(QStringLiteral("No evaluation")));
        QVERIFY(!view.applyButton()->isEnabled());
        cs::EvaluationResult e = guitest::makeEvaluation();
        e.sensitivity.clear();
        view.setEvaluation(e);
        QVERIFY(view.hintText().contains(QStringLiteral("no per-point sensitivity")));
        QVERIFY(!view.applyButton()->isEnabled());
        QCOMPARE(view.table()->rowCount(), 0);
        QCOMPARE(view.barCount(), 0);

        // More points than bars: the chart keeps the worst kMaxBars, the table all.
        cs::EvaluationResult many = guitest::makeEvaluation();
        for (int i = 0; i < 30; ++i) {
            cs::SensitivityEntry s;
            s.point = "extra" + std::to_string(i);
            s.drop = -0.01 * i;
            many.sensitivity.push_back(s);
        }
        view.setEvaluation(many);
        QVERIFY(view.applyButton()->isEnabled());
        QCOMPARE(view.table()->rowCount(), int(many.sensitivity.size()));
        QCOMPARE(view.barCount(), SensitivityView::kMaxBars);
        QCOMPARE(view.worstPoints(2), QStringList({QStringLiteral("layer3.conv"), QStringLiteral("fc")}));
    }

    void errorPropagationFindsWhereErrorEnters()
    {
        const cs::EvaluationResult e = guitest::makeEvaluation();
        // The largest finite step down, computed here independently.
        double largest = 0;
        QString expected;
        for (size_t i = 1; i < e.points.size(); ++i) {
            const double a = e.points[i - 1].accumulated.sqnrDb, b = e.points[i].accumulated.sqnrDb;
            if (std::isfinite(a) && std::isfinite(b) && a - b > largest) {
                largest = a - b;
                expected = QString::fromStdString(e.points[i].name);
            }
        }
        QCOMPARE(expected, QStringLiteral("layer3.conv"));

        ErrorPropagationView view;
        QAbstractItemModelTester tester(view.dropTable()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        view.resize(900, 600);
        gui_test::showAndWait(view, 0);
        view.setEvaluation(e);
        QCOMPARE(view.largestDropPoint(), expected);
        QCOMPARE(view.drops().front().drop, largest);
        QCOMPARE(view.drops().front().previous, QStringLiteral("layer2.add"));
        for (size_t i = 1; i < view.drops().size(); ++i)
            QVERIFY(view.drops()[i - 1].drop >= view.drops()[i].drop);
        QCOMPARE(ErrorPropagationView::firstErrorIndex(e.points), 1);
        QVERIFY(view.summaryText().contains(QStringLiteral("conv1")));
        QVERIFY(view.summaryText().contains(expected));
        QCOMPARE(view.dropTable()->rowCount(), std::min<int>(ErrorPropagationView::kShownDrops, int(view.drops().size())));
        QCOMPARE(view.dropTable()->item(0, ErrorPropagationView::DropPoint)->text(), expected);

        // One value per point; +inf drawn at the top of the axis, finite values as they are.
        QCOMPARE(view.localGraph()->dataCount(), int(e.points.size()));
        QCOMPARE(view.accumulatedGraph()->data()->at(0)->value, view.axisTop());
        QCOMPARE(view.localGraph()->data()->at(7)->value, view.axisTop()); // layer3.relu: no local error
        QCOMPARE(view.localGraph()->data()->at(6)->value, 24.5);
        QVERIFY(view.axisTop() > 60.0);
        QVERIFY(view.plot()->yAxis->range().upper >= view.axisTop());
        QVERIFY(view.hoverText(6).contains(QStringLiteral("layer3.conv")));

        view.setCurrentPoint(QStringLiteral("fc"));
        QVERIFY(view.currentMarker());
        QCOMPARE(view.currentMarker()->point1->coords().x(), 10.0);

        // A click on the chart selects the nearest point.
        view.plot()->replot(QCustomPlot::rpImmediateRefresh);
        QSignalSpy selected(&view, &ErrorPropagationView::pointSelected);
        const QPoint at(int(view.plot()->xAxis->coordToPixel(4)), int(view.plot()->yAxis->coordToPixel(35)));
        QTest::mousePress(view.plot(), Qt::LeftButton, {}, at);
        QTest::mouseRelease(view.plot(), Qt::LeftButton, {}, at);
        QCOMPARE(selected.count(), 1);
        QCOMPARE(selected.at(0).at(0).toString(), QStringLiteral("layer2.conv"));
        QCOMPARE(view.currentPoint(), QStringLiteral("layer2.conv"));
        QCOMPARE(view.currentMarker()->point1->coords().x(), 4.0);

        view.clear();
        QVERIFY(!view.localGraph());
        QVERIFY(!view.currentMarker());
        QCOMPARE(view.dropTable()->rowCount(), 0);
        QVERIFY(view.largestDropPoint().isEmpty());
    }

    void errorPropagationWithoutError()
    {
        cs::EvaluationResult e;
        for (const char* name : {"a", "b"}) {
            cs::PointEvaluation p;
            p.name = name;
            p.local.sqnrDb = p.accumulated.sqnrDb = std::numeric_limits<double>::infinity();
            e.points.push_back(p);
        }
        ErrorPropagationView view;
        view.setEvaluation(e);
        QVERIFY(view.drops().empty());
        QCOMPARE(ErrorPropagationView::firstErrorIndex(e.points), -1);
        QCOMPARE(view.localGraph()->data()->at(1)->value, view.axisTop());
        QVERIFY(view.summaryText().contains(QStringLiteral("No point")));
    }

    void languageChangeRetranslates()
    {
        PointTableModel model;
        model.setResult(wideResult());
        CompareView compare(&model);
        compare.setPoint(QStringLiteral("tail"));
        ObserverHeatMap heatMap;
        AccuracyView accuracy;
        accuracy.setEvaluation(guitest::makeEvaluation());
        SensitivityView sensitivity;
        ErrorPropagationView propagation;
        propagation.setEvaluation(guitest::makeEvaluation());
        QCOMPARE(compare.useButton()->text(), QStringLiteral("Use this"));

        ShoutingTranslator translator;
        QApplication::installTranslator(&translator);
        // The application posts LanguageChange to every window, which passes it to its children.
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LanguageChange);
        QCOMPARE(compare.useButton()->text(), QStringLiteral("USE THIS"));
        QCOMPARE(compare.table()->horizontalHeaderItem(CompareView::L2)->text(), QStringLiteral("L2"));
        QCOMPARE(compare.table()->horizontalHeaderItem(CompareView::Sqnr)->text(), QStringLiteral("SQNR (DB)"));
        QVERIFY(compare.hintText().startsWith(QStringLiteral("ONLY THE CONFIGURED")));
        QCOMPARE(heatMap.model()->headerData(0, Qt::Horizontal).toString(), QStringLiteral("POINT"));
        QVERIFY(heatMap.hintText().startsWith(QStringLiteral("NO CALIBRATION")));
        QCOMPARE(accuracy.evaluateButton()->text(), QStringLiteral("EVALUATE"));
        QCOMPARE(accuracy.table()->item(1, AccuracyView::Label)->text(), QStringLiteral("YOUR PLAN"));
        QCOMPARE(accuracy.staleBanner()->text(), QStringLiteral("THE PLAN CHANGED SINCE THIS EVALUATION — EVALUATE AGAIN"));
        QCOMPARE(sensitivity.applyButton()->text(), QStringLiteral("APPLY TO WORST N"));
        QCOMPARE(sensitivity.actionBox()->itemText(0), QStringLiteral("KEEP FLOAT"));
        QVERIFY(sensitivity.hintText().startsWith(QStringLiteral("NO EVALUATION")));
        QCOMPARE(propagation.dropTable()->horizontalHeaderItem(ErrorPropagationView::DropSize)->text(),
                 QStringLiteral("DROP (DB)"));
        QCOMPARE(propagation.localGraph()->name(), QStringLiteral("LOCAL SQNR"));
        QApplication::removeTranslator(&translator);
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LanguageChange);
        QCOMPARE(compare.useButton()->text(), QStringLiteral("Use this"));
    }

    void screenshots_data() { gui_test::addLanguageRows(); }

    // Every view with data, in the language given; zh_CN loads the compiled catalogue, so the
    // screenshots show whatever the .ts translates at the time.
    void screenshots()
    {
        const gui_test::ScreenshotLanguage language;
        QVERIFY(language.installed());
        const QString suffix = language.suffix();
        const auto result = wideResult();
        PointTableModel model;
        model.setResult(result);
        const cs::EvaluationResult e = guitest::makeEvaluation();
        {
            CompareView view(&model);
            view.setPoint(QStringLiteral("stem"));
            gui_test::screenshot(view, {900, 680}, QStringLiteral("views_compare") + suffix);
        }
        {
            ObserverHeatMap view;
            view.setResult(result.get());
            view.selectPoint(QStringLiteral("block"));
            gui_test::screenshot(view, {640, 300}, QStringLiteral("views_heat_map") + suffix, 0);
        }
        {
            AccuracyView view;
            view.setEvaluation(e);
            view.setStale(true);
            gui_test::screenshot(view, {820, 620}, QStringLiteral("views_accuracy") + suffix);
            view.setRunning(true);
            view.setProgress(QStringLiteral("Evaluating: batch 5 of 16"), 5, 16);
            QTest::qWait(50);
            saveScreenshot(view, QStringLiteral("views_accuracy_running") + suffix);
        }
        {
            SensitivityView view;
            view.setEvaluation(e);
            gui_test::screenshot(view, {900, 480}, QStringLiteral("views_sensitivity") + suffix);
        }
        {
            ErrorPropagationView view;
            view.setEvaluation(e);
            view.setCurrentPoint(QStringLiteral("fc"));
            gui_test::screenshot(view, {900, 620}, QStringLiteral("views_error_propagation") + suffix);
        }
        {
            // The empty states, side by side in one window.
            QWidget window;
            auto* layout = new QGridLayout(&window);
            PointTableModel emptyModel;
            layout->addWidget(new CompareView(&emptyModel, &window), 0, 0);
            layout->addWidget(new ObserverHeatMap(&window), 0, 1);
            layout->addWidget(new AccuracyView(&window), 1, 0);
            layout->addWidget(new SensitivityView(&window), 1, 1);
            layout->addWidget(new ErrorPropagationView(&window), 2, 0, 1, 2);
            gui_test::screenshot(window, {1300, 1500}, QStringLiteral("views_empty") + suffix);
        }
    }
};

QTEST_MAIN(TestGuiViews)
#include "test_gui_views.moc"
