#pragma once
#include "core/analysis/convergence.h"
#include "core/analysis/coverage.h"
#include "core/calibration.h"
#include "core/stats/histogram_error.h"

#include <QAbstractTableModel>
#include <QSet>

#include <memory>
#include <vector>

namespace cs::ui {

// A point's error estimate for its current clip range (none without a histogram or qparams,
// or when kept in float).
struct PointEstimate {
    bool hasEstimate = false;
    ErrorEstimate estimate;
};
struct PointEstimates {
    std::vector<PointEstimate> rows;
};

// Quantization points of a calibration, one row each, with the error of the current clip
// range estimated from the point's histogram. The histogram, weights and parameter views
// read the same model, so every view shows the same numbers.
class PointTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Name, Kind, Module, Shape, Observer, DataMin, DataMax, ClipLow, ClipHigh, Scale, ZeroPoint, DType, L2,
        Sqnr, Flags, Coverage, Settled, ColumnCount
    };
    enum Roles {
        PointNameRole = Qt::UserRole + 1,
        SortRole,   // numbers as numbers, so sorting by L2 is numeric
        KindRole,   // the op kind of the point ("aten::relu")
        ObserverRole,
        BadRole,    // true when the row is flagged (NaN/Inf or low SQNR)
    };
    // Below this signal-to-quantization-noise ratio a point is worth a look; int8 points of
    // a healthy network are typically at 30-45 dB.
    static constexpr double kLowSqnrDb = 20.0;

    explicit PointTableModel(QObject* parent = nullptr);

    // Every point's estimate, in the result's order: a pure function of the result, so a
    // worker that hands a result over (a loaded session) computes them off the GUI thread.
    static PointEstimates estimatePoints(const CalibrationResult& result);
    static PointEstimate estimatePoint(const PointCalibration& point);

    // The result is shared with its owner, who edits it in place on the GUI thread and then
    // calls refreshPoints() for the rows that changed. `estimates`, when given, are
    // estimatePoints(*result) computed elsewhere (taken as they are when they have a row per
    // point); otherwise they are computed here.
    void setResult(std::shared_ptr<const CalibrationResult> result,
                   std::shared_ptr<const PointEstimates> estimates = {});
    const CalibrationResult* result() const { return m_result.get(); }
    void refreshPoints(const QStringList& names);
    // The coverage of the result's evaluation's validation data (core/analysis/coverage.h):
    // call when the evaluation changes.
    void refreshCoverage();
    // nullptr when the evaluation recorded no validation histogram for the row's point.
    const PointCoverage* coverage(int row) const;
    // The convergence of the ranges over the calibration batches (computed on a worker by
    // the owner); nullptr clears the "Settled after" column.
    void setConvergence(std::shared_ptr<const ConvergenceReport> report);
    const ConvergenceReport* convergence() const { return m_convergence.get(); }
    const ConvergencePoint* convergencePoint(int row) const;
    // Rows waiting for a re-run are shown in italics.
    void setPendingPoints(const QStringList& names);

    int rowOf(const QString& pointName) const;
    const PointCalibration* point(int row) const;
    const OpInfo* op(int row) const;
    const ErrorEstimate* estimate(int row) const; // nullptr when the point has no histogram
    // The conv/linear weight that belongs to a point (fused into it or the point itself).
    const WeightCalibration* weightOf(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant cell(int row, int column) const;
    QVariant sortValue(int row, int column) const;
    QVariant background(int row, int column) const;
    QString tooltip(int row, int column) const;
    void computeCoverage();

    std::shared_ptr<const CalibrationResult> m_result;
    std::vector<PointEstimate> m_cache;
    QSet<QString> m_pending;
    CoverageReport m_coverage;
    std::vector<int> m_coverageRow; // per row: index into m_coverage.points, -1 = none
    std::shared_ptr<const ConvergenceReport> m_convergence;
};

// The clip range whose PyTorch qparams are exactly the point's scale and zero point, so the
// histogram estimate describes the quantizer in use even when the observer computed its
// scale another way (NVIDIA amax/127, fixed_scale). False when the point has no qparams.
bool quantizerRange(const PointCalibration& point, float& low, float& high);
// The same for any observer's result on the grid `spec` (a compare observer's, for instance).
bool quantizerRange(const obs::ObserverResult& result, const obs::QuantSpec& spec, float& low, float& high);

// What the coverage cell's and the heat map's tooltips say of a point ("" for nullptr).
QString coverageTooltip(const PointCoverage* coverage);

// "1.234", "-0.0012", "1.2e+04": compact numbers for tables and labels.
QString formatNumber(double value, int precision = 5);

} // namespace cs::ui
