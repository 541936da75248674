#pragma once
// Shared by the export suites: calibrations of the small PyTorch-made test models, file
// helpers and running Debian's python3.
#include "core/calibration.h"

#include <QFile>
#include <QProcess>
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

inline QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

inline bool writeAll(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

struct Run {
    int exitCode = -1;
    QString out;
};

// Runs a program to completion (stdout and stderr together).
inline Run run(const QString& program, const QStringList& arguments, int timeoutMs = 300000)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, arguments);
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.out = QStringLiteral("timed out");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAll());
    return r;
}

inline Run python(const QString& script, const QStringList& arguments)
{
    return run(QStringLiteral(CALIBSCOPE_PYTHON),
               QStringList{QStringLiteral(CALIBSCOPE_SOURCE_DIR "/tests/export/") + script} + arguments);
}

} // namespace exporttest
