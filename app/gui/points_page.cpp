#include "gui/points_page.h"

#include "gui/calibration_document.h"
#include "gui/convergence_controller.h"
#include "widgets/convergence_view.h"
#include "widgets/histogram_view.h"
#include "widgets/op_table_model.h"
#include "widgets/point_table_model.h"
#include "widgets/point_table_view.h"
#include "widgets/table_items.h"
#include "widgets/weights_view.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace cs::app {

PointsPage::PointsPage(CalibrationDocument* document, QWidget* parentWidget, QObject* parent)
    : QObject(parent), m_document(document)
{
    m_pointModel = new ui::PointTableModel(this);
    m_pointTable = new ui::PointTableView(m_pointModel, parentWidget);
    QWidget* opPage = buildOpPage(parentWidget);

    m_tableTabs = new QTabWidget(parentWidget);
    m_tableTabs->setObjectName(QStringLiteral("tableTabs"));
    m_tableTabs->addTab(m_pointTable, tr("Quantization points"));
    m_tableTabs->addTab(opPage, tr("All ops"));
    connect(m_document, &CalibrationDocument::resultReplaced, this, [this] {
        if (m_document->hasResult())
            m_tableTabs->setCurrentWidget(m_pointTable);
    });

    m_histogram = new ui::HistogramView(m_pointModel, parentWidget);
    m_weights = new ui::WeightsView(parentWidget);
    m_inspectorTabs = new QTabWidget(parentWidget);
    m_inspectorTabs->setObjectName(QStringLiteral("inspectorTabs"));
    m_inspectorTabs->addTab(m_histogram, tr("Histogram"));
    m_inspectorTabs->addTab(m_weights, tr("Weights"));
    m_convergence = new ui::ConvergenceView(parentWidget);
    m_convergence->setObjectName(QStringLiteral("convergenceView"));
    m_inspectorTabs->addTab(m_convergence, tr("Convergence"));
    m_convergenceController = new ConvergenceController(document, m_pointModel, m_convergence, this);
    connect(m_pointTable, &ui::PointTableView::currentPointChanged, m_convergence, &ui::ConvergenceView::setPoint);

    m_splitter = new QSplitter(Qt::Vertical, parentWidget);
    m_splitter->addWidget(m_tableTabs);
    m_splitter->addWidget(m_inspectorTabs);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 1);
}

QWidget* PointsPage::buildOpPage(QWidget* parent)
{
    // The op table lists every op of the graph (views, fused ops), points or not.
    m_opModel = new ui::OpTableModel(this);
    m_opProxy = new QSortFilterProxyModel(this);
    m_opProxy->setSourceModel(m_opModel);
    m_opProxy->setSortRole(ui::OpTableModel::SortRole);
    m_opProxy->setFilterKeyColumn(-1);
    m_opProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    auto* opPage = new QWidget(parent);
    auto* opLayout = new QVBoxLayout(opPage);
    opLayout->setContentsMargins(0, 0, 0, 0);
    m_opFilter = new QLineEdit(opPage);
    m_opFilter->setObjectName(QStringLiteral("opFilter"));
    m_opFilter->setPlaceholderText(tr("Filter ops by name, kind or module…"));
    m_opFilter->setClearButtonEnabled(true);
    connect(m_opFilter, &QLineEdit::textChanged, m_opProxy, &QSortFilterProxyModel::setFilterFixedString);
    m_opTable = new QTableView(opPage);
    m_opTable->setObjectName(QStringLiteral("opTable"));
    m_opTable->setModel(m_opProxy);
    m_opTable->setSortingEnabled(true);
    m_opTable->sortByColumn(ui::OpTableModel::Index, Qt::AscendingOrder);
    m_opTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_opTable->verticalHeader()->hide();
    // Column widths from the first rows only: sizing every op of a large graph on each new
    // model holds up the GUI thread.
    m_opTable->horizontalHeader()->setResizeContentsPrecision(ui::PointTableView::kSizedRows);
    m_opTable->horizontalHeader()->setStretchLastSection(true);
    m_opTable->verticalHeader()->setDefaultSectionSize(m_opTable->fontMetrics().height() + 6);
    m_opTable->setAlternatingRowColors(true);
    // Sized from the first rows, as the point table (a thousand-op model would stall).
    m_opTable->horizontalHeader()->setResizeContentsPrecision(ui::PointTableView::kSizedRows);
    opLayout->addWidget(m_opFilter);
    opLayout->addWidget(m_opTable, 1);
    // Picking an op shows the point that quantizes it (itself, the end of its fused chain,
    // or the producer a view shares).
    connect(m_opTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& index) {
        const QString name = index.data(ui::OpTableModel::OpNameRole).toString();
        const OpInfo* op = m_opModel->summary().find(name.toStdString());
        if (!op)
            return;
        const std::string point = !op->fusedInto.empty() ? op->fusedInto
                                  : op->passthrough      ? op->sharesPointWith
                                                         : op->name;
        m_pointTable->selectPoint(QString::fromStdString(point));
    });
    return opPage;
}

void PointsPage::setSummary(const ModelSummary& summary)
{
    m_opModel->setSummary(summary);
    ui::resizeColumnsSoon(m_opTable);
}

const ModelSummary& PointsPage::summary() const { return m_opModel->summary(); }

void PointsPage::showOps() { m_tableTabs->setCurrentIndex(1); }

} // namespace cs::app
