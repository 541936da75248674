#pragma once
// Helpers shared by the dataset tests: writing .npy bytes by hand, running Debian's
// python3 + torch to make .pt files, and checking CalibError messages.
#include "core/errors.h"

#include <QByteArray>
#include <QFile>
#include <QProcess>
#include <QString>
#include <QTest>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace cs::testing {

// A .npy file: magic, version, header length, the header dict padded with spaces to a
// multiple of 64 bytes and ended by '\n' (what np.save writes), then the raw elements.
inline QByteArray npyBytes(const std::string& descr, const std::vector<int64_t>& shape, const QByteArray& data,
                           int majorVersion = 1, bool fortranOrder = false)
{
    std::string shapeText = "(";
    for (size_t i = 0; i < shape.size(); ++i)
        shapeText += (i ? ", " : "") + std::to_string(shape[i]);
    shapeText += shape.size() == 1 ? ",)" : ")"; // Python's tuple repr
    const std::string descrText = descr.front() == '[' ? descr : "'" + descr + "'";
    std::string header = "{'descr': " + descrText + ", 'fortran_order': " + (fortranOrder ? "True" : "False")
        + ", 'shape': " + shapeText + ", }";
    const size_t prefix = majorVersion == 1 ? 10 : 12;
    while ((prefix + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';

    QByteArray bytes("\x93NUMPY", 6);
    bytes.append(char(majorVersion));
    bytes.append(char(0));
    const uint32_t length = uint32_t(header.size());
    for (size_t b = 0; b < (majorVersion == 1 ? 2u : 4u); ++b)
        bytes.append(char((length >> (8 * b)) & 0xFF));
    bytes.append(header.data(), qsizetype(header.size()));
    bytes.append(data);
    return bytes;
}

// Little-endian element bytes of `values` stored as T.
template <typename T>
QByteArray elementBytes(const std::vector<double>& values)
{
    QByteArray bytes;
    for (double v : values) {
        const T t = static_cast<T>(v);
        char raw[sizeof(T)];
        std::memcpy(raw, &t, sizeof(T));
        bytes.append(raw, sizeof(T));
    }
    return bytes;
}

inline void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly), qPrintable(path));
    QCOMPARE(file.write(bytes), bytes.size());
}

// Runs `script` with Debian's python3 (which has python3-torch); fails the test on error.
inline void runPython(const QString& script, const QString& workingDir)
{
    QProcess python;
    python.setWorkingDirectory(workingDir);
    python.start(QStringLiteral(CALIBSCOPE_PYTHON), {QStringLiteral("-c"), script});
    QVERIFY2(python.waitForFinished(120000), "python3 did not finish");
    QVERIFY2(python.exitStatus() == QProcess::NormalExit && python.exitCode() == 0,
             python.readAllStandardError().constData());
}

// The CalibError message of `f()`, or a test failure if it does not throw one.
template <typename F>
QString calibErrorOf(F&& f)
{
    try {
        f();
    } catch (const CalibError& e) {
        return QString::fromUtf8(e.what());
    }
    return QStringLiteral("<no CalibError thrown>");
}

} // namespace cs::testing

// Checks that `message` contains `part`, printing both when it does not.
#define CS_VERIFY_CONTAINS(message, part) \
    QVERIFY2(QString(message).contains(part), qPrintable(QStringLiteral("\"%1\" lacks \"%2\"").arg(message, part)))
