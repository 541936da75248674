#pragma once
// Reading a file a test made or expects: the whole content at once.
#include <QByteArray>
#include <QFile>
#include <QString>

namespace cs::test {

// The file's bytes, or nothing when it cannot be opened (the test then fails on the content).
inline QByteArray readFileBytes(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace cs::test
