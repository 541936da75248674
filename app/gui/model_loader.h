#pragma once
#include "core/model/op_info.h"
#include "core/progress.h"

#include <QMetaType>
#include <QString>

namespace cs::app {

// What a background model load hands back to the GUI thread.
struct ModelLoadResult {
    ModelSummary summary;
    QString demoDescription; // the demo's description file when the demo was loaded
    double demoAccuracy = 0;
};

// Plain functions run on a worker thread by the model-load controller. They throw
// CalibError when the file cannot be loaded and JobCancelled when `progress` asks to stop.
ModelLoadResult loadModel(const QString& path, const ProgressCallback& progress);
ModelLoadResult loadDemo(const ProgressCallback& progress);

} // namespace cs::app

Q_DECLARE_METATYPE(cs::app::ModelLoadResult)
