#include "core/exchange/fakequant_export.h"

#include "core/errors.h"
#include "core/exchange/export_points_p.h"
#include "core/model/model_graph.h"
#include "core/quant_plan.h"
#include "core/model/quantized_model.h"

#include <QDir>
#include <QFileInfo>

namespace cs {

std::string locateModel(const CalibrationResult& result, const std::string& sessionPath, const std::string& explicitPath)
{
    if (!explicitPath.empty()) {
        if (!QFileInfo::exists(QString::fromStdString(explicitPath)))
            throw CalibError(explicitPath, "no such model file");
        return explicitPath;
    }
    const QString recorded = QString::fromStdString(result.model.path);
    if (QFileInfo::exists(recorded))
        return result.model.path;
    const QString beside = QFileInfo(QString::fromStdString(sessionPath)).absoluteDir().filePath(QFileInfo(recorded).fileName());
    if (!sessionPath.empty() && QFileInfo::exists(beside))
        return beside.toStdString();
    throw CalibError(result.model.path, "model file not found (nor beside the session as " + beside.toStdString()
                                            + "); pass its path with --model");
}

namespace {

BatchNormLayout layoutOf(QatMode mode)
{
    switch (mode) {
    case QatMode::FuseBn: return BatchNormLayout::Folded;
    case QatMode::WithBn: return BatchNormLayout::AfterConv;
    case QatMode::WithBnReverseFold: return BatchNormLayout::ReverseFolded;
    }
    return BatchNormLayout::Folded;
}

// with_bn fake-quantizes the conv's own weight, with the scales the checkpoint exports for it.
// A repaired op's own weight is its unfolded repair's.
QuantPlan planFor(const CalibrationResult& result, QatMode mode, const UnfoldedRepairMap& unfolded)
{
    QuantPlan plan = planFromCalibration(result);
    if (mode == QatMode::WithBn)
        for (const WeightCalibration& w : result.weights)
            if (!w.foldedBatchNorm.empty() && !w.config.keepFloat) {
                const auto it = unfolded.find(w.name);
                plan.weights[w.name] =
                    fakeQuantParams(unfoldedWeightResult(w, it == unfolded.end() ? nullptr : &it->second), w.config.spec);
            }
    return plan;
}

} // namespace

void saveFakeQuantModel(const CalibrationResult& result, const std::string& modelPath, const std::string& outPath,
                        QatMode mode)
{
    ModelGraph graph(modelPath, result.config.mode);
    if (graph.summary().sha256 != result.model.sha256)
        throw CalibError(modelPath, "is not the calibrated model (sha256 " + graph.summary().sha256 + ", the session's "
                                        + result.model.sha256 + ")");
    if (!result.model.inputShape.empty())
        graph.inferShapes(result.model.inputShape);
    const QuantizedModel model(graph, planFor(result, mode, unfoldedRepairsFor(result, mode, modelPath)), false,
                               layoutOf(mode));
    model.save(outPath);
}

} // namespace cs
