#pragma once
// Shared by the export suites: calibrations of the small PyTorch-made test models, file
// helpers and running Debian's python3.
#include "../file_test_support.h"
#include "core/calibration.h"
#include "../process_test_support.h"

#include <QFile>
#include <QString>

#include <string>

namespace exporttest {

inline const std::string kModels = CALIBSCOPE_TEST_MODELS_DIR;

// The in-place model (x, conv->bn point, add, relu_, cat) over its 64 samples, 4 batches.
inline cs::CalibrationConfig inplaceConfig()
{
    cs::CalibrationConfig c;
    c.modelPath = kModels + "/inplace_scripted.pt";
    c.data.path = kModels + "/inplace_input.npy";
    c.batchSize = 16;
    c.numBatches = -1;
    c.threads = 1;
    return c;
}

// The QAT-style model (quant stub, conv-bn-relu, pool, fc) over its 64 samples, 4 batches.
inline cs::CalibrationConfig qatConfig()
{
    cs::CalibrationConfig c = inplaceConfig();
    c.modelPath = kModels + "/qat_scripted.pt";
    c.data.path = kModels + "/qat_input.npy";
    return c;
}

inline QByteArray readAll(const QString& path) { return cs::test::readFileBytes(path); }

inline bool writeAll(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

using Run = cs::test::ProcessRun;

// Runs a program to completion (stdout and stderr together in out).
inline Run run(const QString& program, const QStringList& arguments, int timeoutMs = 300000)
{
    cs::test::ProcessOptions options;
    options.timeoutMs = timeoutMs;
    options.mergeChannels = true;
    return cs::test::runProcess(program, arguments, options);
}

inline Run python(const QString& script, const QStringList& arguments)
{
    return run(QStringLiteral(CALIBSCOPE_PYTHON),
               QStringList{QStringLiteral(CALIBSCOPE_SOURCE_DIR "/tests/export/") + script} + arguments);
}

#if defined(CALIBSCOPE_CLI) && defined(CALIBSCOPE_TEST_DEMO_DIR)
// A demo session over the first `count` images of the demo's calibration split.
inline Run calibrateDemo(const QString& session, int count, int batches)
{
    return run(QStringLiteral(CALIBSCOPE_CLI),
               {QStringLiteral("calibrate"), QStringLiteral("--model"), QStringLiteral(CALIBSCOPE_TEST_DEMO_DIR "/demo.pt"),
                QStringLiteral("--data"), QStringLiteral("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"),
                QStringLiteral("--start"), QStringLiteral("59000"), QStringLiteral("--count"), QString::number(count),
                QStringLiteral("--num-batches"), QString::number(batches), QStringLiteral("--quiet"),
                QStringLiteral("--session"), session});
}
#endif

} // namespace exporttest
