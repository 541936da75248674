// calibscope-cli: the headless front end of the calibscope engine (FORMATS.md "CLI").
#include "cli/cli_common.h"

#include "core/platform/allocator_tuning.h"
#include "core/platform/openmp_wait.h"
#include "core/platform/runtime_info.h"
#include "core/errors.h"
#include "core/platform/logging.h"
#include "core/progress.h"

#include <QApplication>
#include <QCoreApplication>

#include <cstring>
#include <iostream>
#include <memory>

namespace cli {
int runCalibrate(const QStringList& arguments);
int runCheck(const QStringList& arguments);
int runDiff(const QStringList& arguments);
int runEvaluate(const QStringList& arguments);
int runExport(const QStringList& arguments);
int runInspect(const QStringList& arguments);
int runMakeDemo(const QStringList& arguments);
int runMerge(const QStringList& arguments);
int runRepair(const QStringList& arguments);
int runDemo(const QStringList& arguments);
}

namespace {

const cli::Command kCommands[] = {
    {"calibrate", "Calibrate a model on a dataset and save a session (.cscope).", cli::runCalibrate},
    {"evaluate", "Measure a session's quantization error per point and end to end.", cli::runEvaluate},
    {"export", "Write a session's qconfig JSON, checkpoint, fake-quantized model or report.", cli::runExport},
    {"inspect", "List a model's ops, or a session's points and their clip ranges.", cli::runInspect},
    {"diff", "Compare two sessions point by point (range, scale, observer, histogram).", cli::runDiff},
    {"repair", "Repair a session's quantized model: bias correction, clipping, equalization, presets.", cli::runRepair},
    {"check", "A CI gate: evaluate a session and test accuracy/SQNR/convergence criteria.", cli::runCheck},
    {"merge", "Merge sessions of one model calibrated on different data shards.", cli::runMerge},
    {"make-demo", "Train the demo CNN on Fashion-MNIST (cached in the XDG cache folder).", cli::runMakeDemo},
    {"demo", "Make the demo model if needed and list its quantization points.", cli::runDemo},
};

void printUsage(std::ostream& out)
{
    out << "Usage: calibscope-cli <command> [options]\n\n"
           "Post-training-quantization calibration for TorchScript models.\n\nCommands:\n";
    for (const auto& c : kCommands)
        out << "  " << c.name << std::string(12 - std::string(c.name).size(), ' ') << c.summary << '\n';
    out << "\nOptions:\n  -h, --help     Show this help (or: calibscope-cli <command> --help).\n"
           "  -v, --version  Show the version.\n\n"
           "Exit status: 0 success, 1 the input or the computation failed, 2 bad usage,\n"
           "3 a criterion of `check` failed.\n";
}

// `export --report` draws its plots with the GUI's widgets, which need a QApplication. Only
// that command gets one: every other command keeps the plain QCoreApplication and starts
// without initialising a window system or scanning fonts.
bool needsWidgets(int argc, char** argv)
{
    if (argc < 2 || std::strcmp(argv[1], "export") != 0)
        return false;
    for (int i = 2; i < argc; ++i)
        if (std::strcmp(argv[i], "--report") == 0 || std::strncmp(argv[i], "--report=", 9) == 0)
            return true;
    return false;
}

// Drops what the window system says while it starts (e.g. "XDG_RUNTIME_DIR not set" in a
// container): the CLI's stderr carries its own one-line errors and progress only.
void quietStartup(QtMsgType type, const QMessageLogContext&, const QString& message)
{
    if (type == QtCriticalMsg || type == QtFatalMsg)
        std::cerr << message.toStdString() << '\n';
}

} // namespace

int main(int argc, char** argv)
{
    cs::preferPassiveOpenMpWaiting(argv);
    cs::keepFreedMemoryForReuse();
    // The command line as given: QApplication would take Qt's own options out of argv, and
    // "--session S.cscope" is one of them (X11 session management).
    QStringList arguments;
    for (int i = 1; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);

    std::unique_ptr<QCoreApplication> application;
    if (needsWidgets(argc, argv)) {
        // Always the offscreen platform, whatever QT_QPA_PLATFORM or DISPLAY say: the CLI
        // never shows a window, it only renders plots into images. This way the report is
        // the same on a desktop, over ssh, in CI and in a container without a display, and
        // a session-wide QT_QPA_PLATFORM=wayland cannot make a headless run fail.
        qputenv("QT_QPA_PLATFORM", "offscreen");
        static int qtArgc = 1;
        static char* qtArgv[] = {argv[0], nullptr};
        const QtMessageHandler previous = qInstallMessageHandler(quietStartup);
        application = std::make_unique<QApplication>(qtArgc, qtArgv);
        qInstallMessageHandler(previous);
    } else {
        application = std::make_unique<QCoreApplication>(argc, argv);
    }
    QCoreApplication::setApplicationName(QStringLiteral("calibscope-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CALIBSCOPE_VERSION));

    if (arguments.isEmpty()) {
        printUsage(std::cerr);
        return cli::BadUsage;
    }
    const QString command = arguments.takeFirst();
    if (command == QLatin1String("help") && !arguments.isEmpty()) {
        // "calibscope-cli help inspect" = "calibscope-cli inspect --help"
        const QString topic = arguments.takeFirst();
        for (const auto& c : kCommands)
            if (topic == QLatin1String(c.name))
                return c.run({QStringLiteral("--help")});
    }
    if (command == QLatin1String("--help") || command == QLatin1String("-h") || command == QLatin1String("help")) {
        printUsage(std::cout);
        return cli::Ok;
    }
    if (command == QLatin1String("--version") || command == QLatin1String("-v")) {
        std::cout << "calibscope-cli " << CALIBSCOPE_VERSION << '\n';
        for (const std::string& line : cs::runtimeInfoLines())
            std::cout << line << '\n';
        const std::string warning = cs::referenceBlasWarning();
        if (!warning.empty())
            std::cerr << "calibscope-cli: warning: " << warning << '\n';
        return cli::Ok;
    }
    // Warnings and errors reach stderr even with --quiet, which only drops summaries and
    // progress: a user must not miss that something was skipped or refused.
    cs::initLogging(true, cs::LogLevel::Warning);
    cs::warnOnceIfReferenceBlas();
    for (const auto& c : kCommands) {
        if (command == QLatin1String(c.name)) {
            try {
                return c.run(arguments);
            } catch (const cs::JobCancelled&) {
                cli::printError("cancelled");
                return cli::Failed;
            } catch (const cs::CalibError& e) {
                // Already one line naming the file or op: said as it is.
                cli::printError(e.what());
                return cli::Failed;
            } catch (const std::exception& e) {
                cli::printError(cs::firstLine(e.what()));
                return cli::Failed;
            }
        }
    }
    std::cerr << "calibscope-cli: unknown command '" << command.toStdString() << "'\n\n";
    printUsage(std::cerr);
    return cli::BadUsage;
}
