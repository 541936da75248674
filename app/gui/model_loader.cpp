#include "gui/model_loader.h"

#include "core/demo/demo_model.h"
#include "core/errors.h"
#include "core/platform/logging.h"
#include "core/model/model_graph.h"

namespace cs::app {

ModelLoadResult loadModel(const QString& path, const ProgressCallback& progress)
{
    ModelLoadResult result;
    if (progress && !progress(ProgressInfo{"loading", 0, 1, 0, path.toStdString()}))
        throw JobCancelled();
    ModelGraph graph(path.toStdString());
    const auto shape = graph.metadataInputShape();
    if (!shape.empty())
        graph.inferShapes(shape);
    result.summary = graph.summary();
    logInfo("Loaded " + path.toStdString() + ": " + std::to_string(result.summary.ops.size()) + " ops, "
            + std::to_string(result.summary.activationPointCount()) + " activation points");
    return result;
}

ModelLoadResult loadDemo(const ProgressCallback& progress)
{
    const DemoInfo demo = makeDemo(DemoConfig{}, progress);
    ModelLoadResult result = loadModel(QString::fromStdString(demo.modelPath), progress);
    result.demoDescription = QString::fromStdString(demo.descriptionPath);
    result.demoAccuracy = demo.testAccuracy;
    return result;
}

} // namespace cs::app
