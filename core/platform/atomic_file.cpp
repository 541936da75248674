#include "core/platform/atomic_file.h"

#include "core/errors.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>

#include <atomic>

namespace cs {
namespace {
std::atomic<long long> g_failAfterBytes{-1};
}

void injectWriteFailureForTesting(long long afterBytes) { g_failAfterBytes = afterBytes; }

void writeFileAtomically(const std::string& path, const std::string& bytes)
{
    const QString qpath = QString::fromStdString(path);
    const QFileInfo info(qpath);
    if (!QDir().mkpath(info.absolutePath()))
        throw CalibError(path, "cannot create the folder " + info.absolutePath().toStdString());
    QSaveFile file(qpath);
    if (!file.open(QIODevice::WriteOnly))
        throw CalibError(path, "cannot write (" + file.errorString().toStdString() + ")");
    const long long failAfter = g_failAfterBytes.exchange(-1);
    const long long toWrite = failAfter >= 0 ? std::min<long long>(failAfter, static_cast<long long>(bytes.size()))
                                             : static_cast<long long>(bytes.size());
    if (file.write(bytes.data(), toWrite) != toWrite) {
        file.cancelWriting();
        throw CalibError(path, "write failed (" + file.errorString().toStdString() + ")");
    }
    if (failAfter >= 0) {
        file.cancelWriting();
        throw CalibError(path, "write failed (injected failure)");
    }
    if (!file.commit())
        throw CalibError(path, "write failed (" + file.errorString().toStdString() + ")");
}

} // namespace cs
