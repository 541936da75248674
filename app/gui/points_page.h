#pragma once
#include <QObject>

class QLineEdit;
class QSortFilterProxyModel;
class QSplitter;
class QTabWidget;
class QTableView;
class QWidget;

namespace cs {
struct ModelSummary;
}

namespace cs::ui {
class ConvergenceView;
class HistogramView;
class OpTableModel;
class PointTableModel;
class PointTableView;
class WeightsView;
}

namespace cs::app {

class CalibrationDocument;
class ConvergenceController;

// The plan feature's tables and inspector: the quantization points and every op of the graph
// above, the histogram and weights of the current point below. Picking an op shows the point
// that quantizes it; a new calibration brings the point table to the front.
class PointsPage : public QObject {
    Q_OBJECT
public:
    PointsPage(CalibrationDocument* document, QWidget* parentWidget, QObject* parent = nullptr);

    // The splitter of tables and inspector, for the main window's layout.
    QSplitter* widget() const { return m_splitter; }

    // The model's ops (after a load, a calibration or a session).
    void setSummary(const ModelSummary& summary);
    const ModelSummary& summary() const;
    // Until a calibration exists the op list is all there is to look at.
    void showOps();

    QTableView* opTable() const { return m_opTable; }
    ui::PointTableModel* pointModel() const { return m_pointModel; }
    ui::PointTableView* pointTable() const { return m_pointTable; }
    ui::HistogramView* histogram() const { return m_histogram; }
    ui::WeightsView* weights() const { return m_weights; }
    ui::ConvergenceView* convergence() const { return m_convergence; }
    ConvergenceController* convergenceController() const { return m_convergenceController; }
    QTabWidget* tableTabs() const { return m_tableTabs; }
    QTabWidget* inspectorTabs() const { return m_inspectorTabs; }

private:
    QWidget* buildOpPage(QWidget* parent);

    CalibrationDocument* m_document;
    ui::OpTableModel* m_opModel = nullptr;
    QSortFilterProxyModel* m_opProxy = nullptr;
    QTableView* m_opTable = nullptr;
    QLineEdit* m_opFilter = nullptr;
    ui::PointTableModel* m_pointModel = nullptr;
    ui::PointTableView* m_pointTable = nullptr;
    QTabWidget* m_tableTabs = nullptr;
    QTabWidget* m_inspectorTabs = nullptr;
    ui::HistogramView* m_histogram = nullptr;
    ui::WeightsView* m_weights = nullptr;
    ui::ConvergenceView* m_convergence = nullptr;
    ConvergenceController* m_convergenceController = nullptr;
    QSplitter* m_splitter = nullptr;
};

} // namespace cs::app
