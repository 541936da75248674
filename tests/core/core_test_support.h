#pragma once
// Shared by the core suites: a minimal .npy writer, so a test controls every input value,
// and the bit-exact comparison of observer results.
#include "core/observers/observer.h"

#include <QCborMap>
#include <QCborValue>
#include <QFile>
#include <QProcess>
#include <QString>
#include <QTest>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace cs::test {

// A scripted model computing x * 3 + 0.25 in two ops (mul, add), saved as `modelPath`;
// torch.jit.script reads the class's source, so the script is written as a real file first.
inline void writeTwoOpModel(const QString& scriptPath, const QString& modelPath)
{
    QFile f(scriptPath);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("import torch, sys\n"
            "class TwoOp(torch.nn.Module):\n"
            "    def forward(self, x):\n"
            "        y = x * 3.0\n"
            "        return y + 0.25\n"
            "torch.jit.save(torch.jit.script(TwoOp()), sys.argv[1])\n");
    f.close();
    QProcess python;
    python.start(QStringLiteral(CALIBSCOPE_PYTHON), {scriptPath, modelPath});
    QVERIFY(python.waitForFinished(120000));
    QCOMPARE(python.exitCode(), 0);
}

// A .npy (v1.0, little-endian float32) holding `values` in `shape`.
inline void writeNpy(const QString& path, const std::vector<float>& values, const std::vector<int64_t>& shape)
{
    std::string dims;
    for (auto d : shape)
        dims += std::to_string(d) + ", ";
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
    while ((10 + header.size() + 1) % 64)
        header += ' ';
    header += '\n';
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("\x93NUMPY\x01\x00", 8);
    const uint16_t len = uint16_t(header.size());
    f.write(reinterpret_cast<const char*>(&len), 2);
    f.write(header.data(), qint64(header.size()));
    f.write(reinterpret_cast<const char*>(values.data()), qint64(values.size() * sizeof(float)));
}

// The CBOR root of a session file, for tests that damage a part of it on purpose; empty when
// the file cannot be read.
inline QCborMap readSessionMap(const std::string& path)
{
    QFile f(QString::fromStdString(path));
    return f.open(QIODevice::ReadOnly) ? QCborValue::fromCbor(f.readAll()).toMap() : QCborMap();
}

inline bool writeSessionMap(const std::string& path, const QCborMap& root)
{
    QFile f(QString::fromStdString(path));
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(root.toCborValue().toCbor()) >= 0;
}

// Floats equal bit for bit.
inline bool sameBits(const std::vector<float>& x, const std::vector<float>& y)
{
    return x.size() == y.size() && (x.empty() || std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0);
}

// Bit-exact comparison of everything a result shows.
inline bool sameResult(const obs::ObserverResult& a, const obs::ObserverResult& b)
{
    return sameBits(a.min, b.min) && sameBits(a.max, b.max) && sameBits(a.scale, b.scale) && a.zeroPoint == b.zeroPoint
           && a.hasStatistics == b.hasStatistics && a.warning == b.warning && a.extras == b.extras
           && a.nonFinite == b.nonFinite && a.batches == b.batches;
}

} // namespace cs::test
