#include "gui/plan_editor.h"

#include "core/observers/observer_registry.h"
#include "gui/calibration_document.h"
#include "widgets/histogram_view.h"
#include "widgets/point_table_model.h"
#include "widgets/point_table_view.h"
#include "widgets/weights_view.h"

#include <algorithm>

namespace cs::app {

ObserverConfig clipRangeConfig(const ObserverConfig& current, double low, double high)
{
    ObserverConfig config;
    config.name = "user_range";
    config.spec = current.spec;
    // Float32, as the observers keep their ranges: the session and the qconfig give back
    // exactly what is shown.
    const double xmin = double(float(std::min(low, high)));
    const double xmax = double(float(std::max(low, high)));
    // Only what differs from the registry defaults, as everywhere else.
    const obs::ObserverInfo* info = obs::findObserver(config.name);
    if (xmin != info->param("xmin")->defaultValue)
        config.params["xmin"] = xmin;
    if (xmax != info->param("xmax")->defaultValue)
        config.params["xmax"] = xmax;
    return config;
}

PlanEditor::PlanEditor(CalibrationDocument* document, ui::PointTableModel* model, ui::PointTableView* table,
                       ui::HistogramView* histogram, ui::ParameterPanel* panel, ui::WeightsView* weights,
                       QObject* parent)
    : QObject(parent), m_document(document), m_model(model), m_table(table), m_histogram(histogram), m_panel(panel),
      m_weights(weights)
{
    connect(m_document, &CalibrationDocument::resultReplaced, this, [this] {
        const QString current = m_table->currentPoint();
        m_model->setResult(m_document->sharedResult(), m_document->pointEstimates());
        m_model->setPendingPoints(m_document->pendingPoints());
        // Keep the user's place across re-runs.
        if (!current.isEmpty() && m_model->rowOf(current) >= 0)
            m_table->selectPoint(current);
        showPoint(m_table->currentPoint());
    });
    connect(m_document, &CalibrationDocument::pointsChanged, this, [this](const QStringList& points) {
        m_model->refreshPoints(points);
        if (points.contains(m_table->currentPoint()))
            refreshPanel();
    });
    connect(m_document, &CalibrationDocument::pendingChanged, m_model, &ui::PointTableModel::setPendingPoints);
    connect(m_table, &ui::PointTableView::currentPointChanged, this, &PlanEditor::showPoint);
    connect(m_table, &ui::PointTableView::selectionChanged, this,
            [this] { m_panel->setSelectionSize(int(m_table->selectedPoints().size())); });
    connect(m_panel, &ui::ParameterPanel::applyRequested, this, &PlanEditor::apply);
    connect(m_histogram, &ui::HistogramView::clipDragFinished, this, &PlanEditor::applyClipRange);
}

void PlanEditor::setEditable(bool editable)
{
    m_editable = editable;
    refreshPanel();
}

void PlanEditor::showPoint(const QString& point)
{
    m_histogram->setPoint(point);
    m_weights->setWeight(m_model->weightOf(m_model->rowOf(point)));
    refreshPanel();
}

void PlanEditor::refreshPanel()
{
    const QString point = m_table->currentPoint();
    const int row = m_model->rowOf(point);
    if (row < 0 || !m_editable) {
        m_panel->setConfig({}, {}, 0, defaultActivationConfig());
        return;
    }
    const OpInfo* op = m_model->op(row);
    m_panel->setConfig(point, op ? QString::fromStdString(op->kind) : QString(), int(m_table->selectedPoints().size()),
                       m_document->wantedConfig(point.toStdString()));
}

QStringList PlanEditor::pointsOfKind(const QString& kind) const
{
    QStringList points;
    for (int row = 0; row < m_model->rowCount(); ++row)
        if (m_model->index(row, 0).data(ui::PointTableModel::KindRole).toString() == kind)
            points << m_model->index(row, 0).data(ui::PointTableModel::PointNameRole).toString();
    return points;
}

void PlanEditor::apply(const ObserverConfig& config, ui::ParameterPanel::Scope scope)
{
    if (!m_editable)
        return;
    const QString current = m_table->currentPoint();
    QStringList points;
    QString description;
    switch (scope) {
    case ui::ParameterPanel::Scope::Point:
        points << current;
        description = tr("Set %1 of %2").arg(QString::fromStdString(config.name), current);
        break;
    case ui::ParameterPanel::Scope::Selection:
        points = m_table->selectedPoints();
        description = tr("Set %1 of %n point(s)", nullptr, int(points.size())).arg(QString::fromStdString(config.name));
        break;
    case ui::ParameterPanel::Scope::Kind: {
        const OpInfo* op = m_model->op(m_model->rowOf(current));
        const QString kind = op ? QString::fromStdString(op->kind) : QString();
        points = pointsOfKind(kind);
        description = tr("Set %1 of every %2").arg(QString::fromStdString(config.name), kind);
        break;
    }
    }
    std::map<std::string, ObserverConfig> configs;
    for (const QString& p : points)
        if (!p.isEmpty())
            configs[p.toStdString()] = config;
    m_document->editPoints(configs, description);
}

void PlanEditor::applyClipRange(const QString& point, double low, double high)
{
    if (m_editable && !point.isEmpty()) {
        const ObserverConfig current = m_document->wantedConfig(point.toStdString());
        m_document->editPoints({{point.toStdString(), clipRangeConfig(current, low, high)}},
                               tr("Drag clip range of %1").arg(point));
    }
    // When the drag changed nothing (or was not allowed) no model update redraws the handles.
    m_histogram->refresh();
}

} // namespace cs::app
