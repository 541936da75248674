#pragma once
// Running calibscope-cli (or python3) from the tests: to completion, or killed at the time
// limit, since a test ends every process it starts.
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace cs::test {

struct ProcessRun {
    int exitCode = -1; // -1: did not finish in time, -2: crashed
    QString out;
    QString err;
};

struct ProcessOptions {
    int timeoutMs = 300000;
    // stdout and stderr together in out.
    bool mergeChannels = false;
    // Like a user's shell without a desktop: no QT_QPA_PLATFORM (ctest sets it for the tests
    // themselves), no DISPLAY, no WAYLAND_DISPLAY.
    bool withoutDisplay = false;
};

inline ProcessRun runProcess(const QString& program, const QStringList& arguments, const ProcessOptions& options = {})
{
    QProcess p;
    if (options.mergeChannels)
        p.setProcessChannelMode(QProcess::MergedChannels);
    if (options.withoutDisplay) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char* name : {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"})
            env.remove(QString::fromLatin1(name));
        p.setProcessEnvironment(env);
    }
    p.start(program, arguments);
    ProcessRun r;
    if (!p.waitForFinished(options.timeoutMs)) {
        p.kill();
        p.waitForFinished();
        (options.mergeChannels ? r.out : r.err) = QStringLiteral("timed out");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

#ifdef CALIBSCOPE_CLI
inline ProcessRun runCli(const QStringList& arguments, const ProcessOptions& options = {})
{
    return runProcess(QStringLiteral(CALIBSCOPE_CLI), arguments, options);
}
#endif

inline QString describe(const ProcessRun& r)
{
    return QStringLiteral("exit %1\n%2\n%3").arg(r.exitCode).arg(r.out, r.err);
}

} // namespace cs::test
