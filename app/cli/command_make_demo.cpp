#include "cli/cli_common.h"

#include "core/calibration.h"
#include "core/demo/demo_model.h"
#include "core/demo/demo_splits.h"
#include "core/evaluation.h"
#include "core/exchange/evaluation_report.h"
#include "core/session.h"
#include "cli/session_format.h"
#include "core/errors.h"
#include "core/model/model_graph.h"
#include "cli/op_table_format.h"

#include <iostream>
#include <optional>

namespace cli {
namespace {

struct DemoOptions {
    QCommandLineOption out{QStringLiteral("out"), QStringLiteral("Output folder (default: the XDG cache)."), QStringLiteral("DIR")};
    QCommandLineOption trainImages{QStringLiteral("train-images"), QStringLiteral("Training images (default 59000)."), QStringLiteral("N")};
    QCommandLineOption epochs{QStringLiteral("epochs"), QStringLiteral("Epochs (default 1)."), QStringLiteral("N")};
    QCommandLineOption batchSize{QStringLiteral("batch-size"), QStringLiteral("Training batch size (default 32)."), QStringLiteral("N")};
    QCommandLineOption learningRate{QStringLiteral("learning-rate"), QStringLiteral("Adam learning rate (default 0.002)."), QStringLiteral("LR")};
    QCommandLineOption force{QStringLiteral("force"), QStringLiteral("Retrain even if a cached demo exists.")};
    QCommandLineOption threads{QStringLiteral("threads"), QStringLiteral("LibTorch threads (default: all cores)."), QStringLiteral("N")};
    QCommandLineOption quiet{QStringLiteral("quiet"), QStringLiteral("No progress bar.")};
    void addTo(QCommandLineParser& parser) { parser.addOptions({out, trainImages, epochs, batchSize, learningRate, force, threads, quiet}); }
};

bool readConfig(const QCommandLineParser& parser, const DemoOptions& o, cs::DemoConfig& config)
{
    config.outDir = parser.value(o.out).toStdString();
    config.force = parser.isSet(o.force);
    bool ok = true;
    if (parser.isSet(o.trainImages))
        config.trainImages = parser.value(o.trainImages).toLongLong(&ok);
    if (ok && parser.isSet(o.epochs))
        config.epochs = parser.value(o.epochs).toInt(&ok);
    if (ok && parser.isSet(o.batchSize))
        config.batchSize = parser.value(o.batchSize).toInt(&ok);
    if (ok && parser.isSet(o.learningRate))
        config.learningRate = parser.value(o.learningRate).toDouble(&ok);
    if (ok && parser.isSet(o.threads))
        config.threads = parser.value(o.threads).toInt(&ok);
    if (!ok || config.trainImages <= 0 || config.epochs <= 0 || config.threads < 0 || config.batchSize <= 0
        || config.learningRate <= 0) {
        printError("make-demo: --train-images, --epochs, --batch-size, --threads and --learning-rate take positive numbers");
        return false;
    }
    config.threads = boundThreads(config.threads, "make-demo");
    return true;
}

cs::DemoInfo buildDemo(const cs::DemoConfig& config, bool quiet)
{
    ProgressPrinter printer(!quiet);
    const cs::DemoInfo info = cs::makeDemo(config, [&](const cs::ProgressInfo& p) {
        printer.update(p.stage, p.done, p.total, p.itemsPerSecond, p.message);
        return true;
    });
    return info;
}

void printDemoInfo(const cs::DemoInfo& info)
{
    std::cout << "model:        " << info.modelPath << (info.fromCache ? "  (cached)" : "") << '\n'
              << "description:  " << info.descriptionPath << '\n'
              << "parameters:   " << info.parameterCount << '\n'
              << "test accuracy " << info.testAccuracy * 100.0 << " %  (trained in " << int(info.trainSeconds)
              << " s)\n";
}

// A demo command's run: its options read, the demo made (or found in the cache) and printed.
struct DemoRun {
    cs::DemoConfig config;
    cs::DemoInfo info;
    bool quiet = false;
};

// Nothing when the command line says stop (help, bad usage); `exitCode` then says how.
std::optional<DemoRun> makeDemoFor(const QString& command, const QString& description, const QStringList& arguments,
                                   int& exitCode)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(description);
    DemoOptions options;
    options.addTo(parser);
    if (!parseOrExplain(parser, command, arguments, exitCode))
        return std::nullopt;
    DemoRun run;
    if (!readConfig(parser, options, run.config)) {
        exitCode = BadUsage;
        return std::nullopt;
    }
    run.quiet = parser.isSet(options.quiet);
    run.info = buildDemo(run.config, run.quiet);
    printDemoInfo(run.info);
    return run;
}

} // namespace

int runMakeDemo(const QStringList& arguments)
{
    int exitCode = Ok;
    makeDemoFor(QStringLiteral("make-demo"),
                QStringLiteral("Train the demo CNN on Debian's Fashion-MNIST and save it as TorchScript (cached)."),
                arguments, exitCode);
    return exitCode;
}

// The headless demo flow: make (or reuse) the demo model, list its points, calibrate it on the
// calibration split with every observer, and evaluate int8 accuracy on the validation split.
int runDemo(const QStringList& arguments)
{
    int exitCode = Ok;
    const std::optional<DemoRun> demo = makeDemoFor(
        QStringLiteral("demo"), QStringLiteral("Make the demo model if needed and list its quantization points."),
        arguments, exitCode);
    if (!demo)
        return exitCode;
    const cs::DemoInfo& info = demo->info;
    const cs::DemoConfig& config = demo->config;
    cs::ModelGraph graph(info.modelPath);
    graph.inferShapes(graph.metadataInputShape());
    std::cout << '\n' << cs::formatOpsTable(graph.summary());

    const cs::DemoSplits splits = cs::loadDemoSplits(info.descriptionPath);
    cs::CalibrationConfig calibration;
    calibration.modelPath = info.modelPath;
    calibration.data = splits.calibration;
    calibration.compareObservers = true;
    calibration.threads = config.threads;
    ProgressPrinter printer(!demo->quiet);
    const auto show = [&](const cs::ProgressInfo& p) {
        printer.update(p.stage, p.done, p.total, p.itemsPerSecond, p.message);
        return true;
    };
    cs::ObserverBank bank;
    const cs::CalibrationResult result = cs::runCalibration(calibration, show, &bank);
    const std::string sessionPath =
        QString(QString::fromStdString(info.modelPath).section(QLatin1Char('/'), 0, -2) + QStringLiteral("/demo.cscope"))
            .toStdString();
    cs::saveSession(result, bank, sessionPath);
    std::cout << "\nCalibration (" << result.images << " images, every observer) saved to " << sessionPath << "\n\n"
              << cs::formatPointsTable(result);

    cs::EvaluationConfig evaluation;
    evaluation.data = splits.validation;
    evaluation.data.count = 2000;
    evaluation.batchSize = 100;
    evaluation.observers = {"min_max", "percentile", "mse", "kl", "mix", "torch_histogram", "hist_entropy"};
    evaluation.sensitivity = false;
    evaluation.threads = config.threads;
    std::cout << "\nEvaluation on 2000 validation images\n" << cs::formatEvaluation(cs::runEvaluation(result, evaluation, show));
    std::cout << "\nNext: calibscope-cli inspect --session " << sessionPath
              << " --op block1.add,  or open the GUI: calibscope\n";
    return Ok;
}

} // namespace cli
