#pragma once
// Two calibration sessions side by side, point by point (matched by name): the change of the
// clip range, the scale and the observer, and how far apart the two accumulated histograms
// are (Jensen-Shannon divergence on a shared grid).
#include "core/calibration.h"
#include "core/stats/point_statistics.h"

#include <string>
#include <vector>

namespace cs {

struct PointDiff {
    std::string name;
    std::string observerA, observerB;
    float minA = 0, maxA = 0, minB = 0, maxB = 0;
    float scaleA = 0, scaleB = 0;
    double scaleChangePct = 0;  // 100 * (B / A - 1)
    double rangeChangePct = 0;  // of max(|min|, |max|)
    // Jensen-Shannon divergence (base 2: 0 = same distribution, 1 = disjoint) of the two
    // histograms re-binned onto one grid spanning both; -1 when a side has no data.
    double jsDivergence = -1;
};

struct SessionDiff {
    bool sameModel = true;       // same model file content (sha256)
    std::string incompatible;    // non-empty: the sessions cannot be compared (why)
    std::vector<PointDiff> points;
    std::vector<std::string> onlyA, onlyB;
};

// Histograms on [lo, hi] re-binned onto `bins` equal bins spanning both, counts spread in
// proportion to the overlap; base-2 JS divergence of the normalised counts.
double jensenShannon(const HistogramData& a, const HistogramData& b, int bins = 2048);
// The same for two count vectors on one grid (equal sizes); -1 when a side sums to zero.
double jensenShannon(const std::vector<double>& p, const std::vector<double>& q);

// Throws nothing: incompatible sessions (activation dtype or histogram bins differ) come
// back with `incompatible` set and no points.
SessionDiff diffSessions(const CalibrationResult& a, const CalibrationResult& b);
// By |scale change| then JS divergence, largest first.
void sortByChange(SessionDiff& diff);

std::string formatDiffTable(const SessionDiff& diff, const std::string& nameA, const std::string& nameB);
std::string formatDiffCsv(const SessionDiff& diff);
std::string formatDiffJson(const SessionDiff& diff, const std::string& nameA, const std::string& nameB);

} // namespace cs
