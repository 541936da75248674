// The views on a hand-made calibration: parameter editors from the registry, histogram with
// clip handles, weights bars, the dataset dialog. Screenshots go to the build tree.
#include "gui_test_data.h"
#include "gui_test_support.h"

#include "core/observers/observer_registry.h"
#include "gui/dataset_dialog.h"
#include "widgets/change_reactions.h"
#include "widgets/histogram_view.h"
#include "widgets/job_progress.h"
#include "widgets/parameter_panel.h"
#include "widgets/point_table_model.h"
#include "widgets/qcustomplot_wrapper.h"
#include "widgets/weights_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using cs::ui::ParameterPanel;

using gui_test::saveScreenshot;
using gui_test::sendMouse;

namespace {

} // namespace

class TestGuiWidgets : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parameterPanelFollowsTheRegistry_data()
    {
        QTest::addColumn<QString>("observer");
        for (const auto& info : cs::obs::observerRegistry())
            QTest::addRow("%s", info.name.c_str()) << QString::fromStdString(info.name);
    }

    void parameterPanelFollowsTheRegistry()
    {
        QFETCH(QString, observer);
        ParameterPanel panel;
        panel.setConfig(QStringLiteral("p"), QStringLiteral("aten::relu"), 1, cs::defaultActivationConfig());
        panel.observerCombo()->setCurrentIndex(panel.observerCombo()->findData(observer));
        const cs::obs::ObserverInfo* info = cs::obs::findObserver(observer.toStdString());
        QVERIFY(info);
        for (const cs::obs::ParamSpec& spec : info->params) {
            QWidget* editor = panel.editor(QString::fromStdString(spec.name));
            QVERIFY2(editor, spec.name.c_str());
            QVERIFY(editor->toolTip().contains(QString::fromStdString(spec.help)));
            switch (spec.type) {
            case cs::obs::ParamSpec::Double: {
                auto* box = qobject_cast<QDoubleSpinBox*>(editor);
                QVERIFY(box);
                QCOMPARE(box->value(), spec.defaultValue);
                QVERIFY(box->minimum() >= spec.minValue && box->maximum() <= spec.maxValue);
                break;
            }
            case cs::obs::ParamSpec::Int: {
                auto* box = qobject_cast<QSpinBox*>(editor);
                QVERIFY(box);
                QCOMPARE(box->value(), int(spec.defaultValue));
                QVERIFY(box->minimum() >= spec.minValue && box->maximum() <= spec.maxValue);
                break;
            }
            case cs::obs::ParamSpec::Bool:
                QVERIFY(qobject_cast<QCheckBox*>(editor));
                break;
            }
        }
        const cs::ObserverConfig config = panel.config();
        QCOMPARE(QString::fromStdString(config.name), observer);
        QVERIFY(config.params.empty()); // defaults are not spelled out
        QCOMPARE(panel.applyButton()->isEnabled(), panel.validationMessage().isEmpty());
    }

    void parameterPanelRoundTripsAConfig()
    {
        ParameterPanel panel;
        cs::ObserverConfig config;
        config.name = "percentile";
        config.params = {{"percentile", 99.9}, {"bins", 1024}};
        config.spec.dtype = cs::obs::DType::QInt16;
        config.spec.powerOfTwo = true;
        panel.setConfig(QStringLiteral("p"), QStringLiteral("aten::add"), 3, config);
        QCOMPARE(panel.config(), config);

        qobject_cast<QDoubleSpinBox*>(panel.editor(QStringLiteral("percentile")))->setValue(99.0);
        QCOMPARE(panel.config().params.at("percentile"), 99.0);

        // An invalid combination disables Apply and says why.
        panel.observerCombo()->setCurrentIndex(panel.observerCombo()->findData(QStringLiteral("clip")));
        qobject_cast<QDoubleSpinBox*>(panel.editor(QStringLiteral("xmin")))->setValue(5.0);
        QVERIFY(!panel.applyButton()->isEnabled());
        QVERIFY(panel.validationMessage().contains(QStringLiteral("xmin")));
        qobject_cast<QDoubleSpinBox*>(panel.editor(QStringLiteral("xmin")))->setValue(-5.0);
        QVERIFY(panel.applyButton()->isEnabled());

        QSignalSpy apply(&panel, &ParameterPanel::applyRequested);
        panel.setScope(ParameterPanel::Scope::Kind);
        QTest::mouseClick(panel.applyButton(), Qt::LeftButton);
        QCOMPARE(apply.count(), 1);
        QCOMPARE(apply.first().at(0).value<cs::ObserverConfig>().name, std::string("clip"));
        QCOMPARE(apply.first().at(1).value<ParameterPanel::Scope>(), ParameterPanel::Scope::Kind);

        panel.resize(340, 720);
        gui_test::showAndWait(panel, 0);
        panel.setConfig(QStringLiteral("block1.add"), QStringLiteral("aten::add"), 2, config);
        QTest::qWait(50); // editors made while the panel is visible are shown on the next event loop pass
        QVERIFY(panel.editor(QStringLiteral("percentile"))->isVisible());
        saveScreenshot(panel, QStringLiteral("parameter_panel.png"));
    }

    void histogramViewShowsThePoint()
    {
        cs::ui::PointTableModel model;
        auto result = std::make_shared<cs::CalibrationResult>(guitest::makeResult());
        model.setResult(result);
        cs::ui::HistogramView view(&model);
        view.resize(900, 420);
        gui_test::showAndWait(view, 0);
        view.setPoint(QStringLiteral("x"));

        const cs::HistogramData& h = result->points[0].stats.histogram;
        QCPGraph* graph = view.histogramGraph();
        QVERIFY(graph);
        QCOMPARE(graph->data()->size(), int(h.counts.size()) + 1);
        for (int i = 0; i < int(h.counts.size()); ++i) {
            QCOMPARE((graph->data()->constBegin() + i)->value, h.counts[size_t(i)]);
            QCOMPARE((graph->data()->constBegin() + i)->key, h.lo + h.binWidth() * i);
        }
        QCOMPARE(view.clipLow(), double(result->points[0].result.min[0]));
        QCOMPARE(view.clipHigh(), double(result->points[0].result.max[0]));
        QCOMPARE(view.compareLineCount(), 4); // min_max and percentile, two lines each
        QVERIFY(view.estimateText().contains(QStringLiteral("SQNR")));

        view.setLogScale(true);
        QCOMPARE(view.plot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
        view.setShowBatches(true);
        QCOMPARE(view.batchGraphCount(), 3);
        QTest::qWait(50);
        saveScreenshot(view, QStringLiteral("histogram_view_log.png"));
        view.setLogScale(false);
        view.setShowBatches(false);
        QCOMPARE(view.plot()->yAxis->scaleType(), QCPAxis::stLinear);
        view.setShowCompare(false);
        QCOMPARE(view.compareLineCount(), 0);
        view.setShowCompare(true);

        // Edits arriving through the model move the clip lines.
        result->points[0].result = guitest::rangeResult(-2.0f, 2.0f, result->points[0].config.spec);
        model.refreshPoints({QStringLiteral("x")});
        QCOMPARE(view.clipHigh(), 2.0);
        QTest::qWait(50);
        saveScreenshot(view, QStringLiteral("histogram_view.png"));
    }

    void histogramHandlesDrag()
    {
        cs::ui::PointTableModel model;
        model.setResult(std::make_shared<cs::CalibrationResult>(guitest::makeResult()));
        cs::ui::HistogramView view(&model);
        view.resize(900, 420);
        gui_test::showAndWait(view, 0);
        view.setPoint(QStringLiteral("x"));
        QCustomPlot* plot = view.plot();
        plot->replot(QCustomPlot::rpImmediateRefresh); // lay the axes out before mapping pixels
        const double before = view.shownEstimate().l2;
        const QString beforeText = view.estimateText();
        const QPoint handle(qRound(plot->xAxis->coordToPixel(view.clipHigh())), plot->axisRect()->center().y());
        const QPoint target(qRound(plot->xAxis->coordToPixel(1.5)), handle.y());
        const QCPRange xRange = plot->xAxis->range();

        QSignalSpy dragged(&view, &cs::ui::HistogramView::clipDragged);
        QSignalSpy finished(&view, &cs::ui::HistogramView::clipDragFinished);
        sendMouse(plot, QEvent::MouseButtonPress, handle, Qt::LeftButton);
        QVERIFY(view.isDragging());
        sendMouse(plot, QEvent::MouseMove, (handle + target) / 2, Qt::LeftButton);
        sendMouse(plot, QEvent::MouseMove, target, Qt::LeftButton);
        QCOMPARE(dragged.count(), 2);
        QVERIFY(std::abs(view.clipHigh() - 1.5) < 0.05);
        QVERIFY(view.shownEstimate().l2 != before);
        QVERIFY(view.estimateText() != beforeText);
        QVERIFY(view.estimateText().startsWith(QStringLiteral("What-if")));
        sendMouse(plot, QEvent::MouseButtonRelease, target, Qt::NoButton);
        QCOMPARE(finished.count(), 1);
        QVERIFY(std::abs(finished.first().at(2).toDouble() - 1.5) < 0.05);
        // Dragging a handle must not pan the plot as well.
        QCOMPARE(plot->xAxis->range().lower, xRange.lower);

        // Away from the handles a press pans instead.
        QSignalSpy none(&view, &cs::ui::HistogramView::clipDragged);
        sendMouse(plot, QEvent::MouseButtonPress, QPoint(plot->axisRect()->left() + 5, handle.y()), Qt::LeftButton);
        QVERIFY(!view.isDragging());
        sendMouse(plot, QEvent::MouseButtonRelease, QPoint(plot->axisRect()->left() + 5, handle.y()), Qt::NoButton);
        QCOMPARE(none.count(), 0);
    }

    void weightsViewShowsChannels()
    {
        const cs::CalibrationResult result = guitest::makeResult();
        cs::ui::WeightsView view;
        view.resize(700, 360);
        gui_test::showAndWait(view, 0);
        view.setWeight(&result.weights[0]);
        QCOMPARE(view.channelCount(), 4);
        QVERIFY(view.foldedMaxBars());
        QCOMPARE(view.foldedMaxBars()->data()->size(), 4);
        QCOMPARE((view.foldedMaxBars()->data()->constBegin() + 2)->value, double(0.8f));
        QCOMPARE(view.scaleGraph()->data()->size(), 4);
        QCOMPARE((view.scaleGraph()->data()->constBegin() + 2)->value, double(result.weights[0].result.scale[2]));
        QTest::qWait(50);
        saveScreenshot(view, QStringLiteral("weights_view.png"));
        view.setShow(cs::ui::WeightsView::Show::Unfolded);
        QVERIFY(!view.foldedMaxBars());
        view.setWeight(nullptr);
        QCOMPARE(view.channelCount(), 0);
    }

    void datasetDialogValidates()
    {
        QTemporaryDir dir;
        cs::app::DatasetDialog dialog;
        cs::DatasetSpec spec;
        spec.path = dir.filePath(QStringLiteral("missing.npy")).toStdString();
        dialog.setValues(spec, 16, 4);
        QVERIFY(dialog.validate().contains(QStringLiteral("no such file")));

        spec.path = dir.path().toStdString();
        spec.format = cs::DatasetFormat::ImageFolder;
        spec.start = 10;
        spec.count = 100;
        spec.preprocess.mean = {0.5, 0.25, 0.125};
        spec.preprocess.stddev = {0.5};
        spec.preprocess.cropWidth = spec.preprocess.cropHeight = 224;
        spec.preprocess.resizeShorter = 256;
        spec.preprocess.scale = 1.0 / 255.0; // must survive the dialog exactly
        dialog.setValues(spec, 16, -1);
        QCOMPARE(dialog.validate(), QString());
        QCOMPARE(dialog.spec(), spec);
        QCOMPARE(dialog.batchSize(), 16);
        QCOMPARE(dialog.numBatches(), -1);
        gui_test::showAndWait(dialog, 0);
        saveScreenshot(dialog, QStringLiteral("dataset_dialog.png"));
    }

    // A view's texts follow a language change, its plot's colours a palette change; other
    // events and the events of its children leave both alone.
    void changeReactionsFollowLanguageAndPalette()
    {
        QWidget view;
        auto* plot = new QCustomPlot(&view);
        int retranslated = 0;
        int redrawn = 0;
        cs::ui::reactToChanges(&view, [&] { ++retranslated; }, plot, [&] { ++redrawn; });

        QEvent language(QEvent::LanguageChange);
        QCoreApplication::sendEvent(&view, &language);
        QCOMPARE(retranslated, 1);
        QCOMPARE(redrawn, 0);

        // The plot has the new palette already when the view hears of it (an application-wide
        // change reaches every widget): the theme is taken from it.
        QPalette dark = plot->palette();
        dark.setColor(QPalette::Base, Qt::black);
        plot->setPalette(dark);
        QEvent palette(QEvent::PaletteChange);
        QCoreApplication::sendEvent(&view, &palette);
        QCOMPARE(retranslated, 1);
        QCOMPARE(redrawn, 1);
        QCOMPARE(plot->legend->brush().color().rgb(), QColor(Qt::black).rgb());

        QEvent font(QEvent::FontChange);
        QCoreApplication::sendEvent(&view, &font);
        QCoreApplication::sendEvent(plot, &language);
        QCOMPARE(retranslated, 1);
        QCOMPARE(redrawn, 1);
    }

    void progressFormatsTimes()
    {
        QCOMPARE(cs::ui::JobProgress::formatDuration(42.4), QStringLiteral("42 s"));
        QCOMPARE(cs::ui::JobProgress::formatDuration(125), QStringLiteral("2 min 5 s"));
        cs::ui::JobProgress progress;
        progress.setProgress(QStringLiteral("Calibrating"), 3, 10, 512.0, 7.0);
        QVERIFY(progress.text().contains(QStringLiteral("512 images/s")));
        QVERIFY(progress.text().contains(QStringLiteral("7 s")));
    }
};

QTEST_MAIN(TestGuiWidgets)
#include "test_gui_widgets.moc"
