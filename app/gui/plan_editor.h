#pragma once
#include "core/calibration.h"
#include "widgets/parameter_panel.h"

#include <QObject>

namespace cs::ui {
class HistogramView;
class PointTableModel;
class PointTableView;
class WeightsView;
}

namespace cs::app {

class CalibrationDocument;

// Wires the inspection views to the document: the selected point drives the histogram,
// parameter panel and weights view; Apply and clip-handle drags become undoable edits.
class PlanEditor : public QObject {
    Q_OBJECT
public:
    PlanEditor(CalibrationDocument* document, ui::PointTableModel* model, ui::PointTableView* table,
               ui::HistogramView* histogram, ui::ParameterPanel* panel, ui::WeightsView* weights,
               QObject* parent = nullptr);

    // While a fresh calibration runs the plan is about to be replaced: no edits.
    void setEditable(bool editable);

    void apply(const ObserverConfig& config, ui::ParameterPanel::Scope scope);
    // A dragged clip range as an exact edit (see clipRangeConfig).
    void applyClipRange(const QString& point, double low, double high);

private:
    void showPoint(const QString& point);
    void refreshPanel();
    QStringList pointsOfKind(const QString& kind) const;

    CalibrationDocument* m_document;
    ui::PointTableModel* m_model;
    ui::PointTableView* m_table;
    ui::HistogramView* m_histogram;
    ui::ParameterPanel* m_panel;
    ui::WeightsView* m_weights;
    bool m_editable = true;
};

// The configuration that quantizes a point as the clip range [low, high] implies under its
// current grid (dtype, scheme, integer range kept): user_range, a custom range that needs no
// statistics and whose scale and zero point are PyTorch's _calculate_qparams for it. (A
// `clip` observer would not do: with any averaging constant its range still follows the
// data of the last batches, clamped to [xmin, xmax], so a handle dragged outside the data
// would not be honoured.)
ObserverConfig clipRangeConfig(const ObserverConfig& current, double low, double high);

} // namespace cs::app
