#pragma once
// Coverage of the validation data: does the calibration data reach where the validation data
// goes? Per point, the share of validation values outside the calibration's clip range next
// to the share of calibration values outside it, and the Jensen-Shannon divergence of the
// two histograms on the calibration histogram's grid. A point is flagged when the validation
// data leaves the clip range markedly more often than the calibration data does.
#include "core/calibration.h"
#include "core/evaluation.h"

#include <QJsonObject>

#include <string>
#include <vector>

namespace cs {

struct CoverageOptions {
    // Flagged: validation outside share > ratio * calibration outside share, and > minShare.
    double ratio = 2.0;
    double minShare = 0.001;
};

struct PointCoverage {
    std::string name;
    float clipMin = 0;
    float clipMax = 0;
    int64_t calibrationCount = 0;
    int64_t validationCount = 0;
    // Shares in [0, 1] of the finite values below clipMin or above clipMax. The validation's
    // are exact counts; the calibration's come from its histogram, each bin's count spread
    // evenly over the part of the bin inside the data's [min, max].
    double calibrationOutside = 0;
    double validationOutside = 0;
    double validationBelow = 0;
    double validationAbove = 0;
    // Base-2 Jensen-Shannon divergence (0 = same, 1 = disjoint) on the calibration histogram's
    // grid plus one bin below and one above it for the validation values off the grid; -1 when
    // a side has no data or the calibration changed its grid since the evaluation.
    double jsDivergence = -1;
    bool flagged = false;
    std::string note; // why nothing is compared ("calibration changed since the evaluation")
};

struct CoverageReport {
    bool recorded = false; // the evaluation holds validation histograms
    CoverageOptions options;
    std::vector<PointCoverage> points;
    int flagged = 0;
    // "the calibration set covers the validation data at every point" /
    // "the calibration set does not cover the validation data at P points: a, b, ..."
    std::string verdict;
    const PointCoverage* point(const std::string& name) const;
};

// Share of `h` outside [clipMin, clipMax], each bin's count spread evenly over the bin's part
// inside [dataMin, dataMax] (the bins at the data's ends hold nothing beyond it).
double histogramShareOutside(const HistogramData& h, double dataMin, double dataMax, double clipMin, double clipMax);

CoverageReport analyzeCoverage(const CalibrationResult& calibration, const EvaluationResult& evaluation,
                               const CoverageOptions& options = {});

// The rule in words, for reports and tooltips.
std::string coverageRule(const CoverageOptions& options);

std::string formatCoverageTable(const CoverageReport& report);
std::string formatCoverageCsv(const CoverageReport& report);
std::string formatCoverageJson(const CoverageReport& report);
// What formatCoverageJson prints, for reports that embed it.
QJsonObject coverageToJson(const CoverageReport& report);

} // namespace cs
