#include "cli/cli_common.h"

#include "core/calibration.h"
#include "core/errors.h"
#include "core/exchange/overrides.h"
#include "core/observers/observer_registry.h"
#include "core/session.h"
#include "cli/session_format.h"

#include <iostream>

namespace cli {
namespace {

// KEY=VALUE pairs of --act-param; "true"/"false" are accepted for boolean parameters.
bool parseParams(const QStringList& values, cs::obs::ParamMap& params, std::string& error)
{
    for (const QString& kv : values) {
        const qsizetype eq = kv.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            error = "--act-param takes KEY=VALUE, got '" + kv.toStdString() + "'";
            return false;
        }
        const QString value = kv.mid(eq + 1).trimmed();
        bool ok = true;
        double v = 0;
        if (value == QLatin1String("true"))
            v = 1;
        else if (value == QLatin1String("false"))
            v = 0;
        else
            v = value.toDouble(&ok);
        if (!ok) {
            error = "--act-param " + kv.left(eq).toStdString() + " needs a number, got '" + value.toStdString() + "'";
            return false;
        }
        params[kv.left(eq).trimmed().toStdString()] = v;
    }
    return true;
}

} // namespace

int runCalibrate(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Run a calibration dataset through a TorchScript model and save every point's statistics and "
        "quantization parameters in a session file."));
    const auto model = option("model", "TorchScript model file.", "M.pt");
    const DataOptions data("Calibration data: image folder, IDX file, .npy or .pt tensor.", "PATH");
    const auto sample = option("sample", "A seeded random subset of N samples of the --start/--count window, in random "
                                      "order (default: all of the window in file order).", "N");
    const auto seed = option("seed", "Seed of --sample (default 0).", "S", "0");
    const auto preprocess = option("preprocess", "Preprocessing JSON (resize, crop, scale, mean, std, ...).", "PRE.json");
    const auto batchSize = option("batch-size", "Images per batch (default 32).", "N", "32");
    const auto numBatches = option("num-batches", "Batches to run; -1 = the whole dataset (default 30).", "N", "30");
    const auto actObserver = option("act-observer", "Activation observer (default min_max).", "NAME", "min_max");
    const auto actParam = option("act-param", "Activation observer parameter, repeatable.", "KEY=VALUE");
    const auto weightObserver = option("weight-observer", "Weight observer, per channel: min_max (default), weight_mse "
                                       "(the clip with the least squared quantization error per channel) or another "
                                       "per-channel observer.", "NAME", "min_max");
    const auto dtype = option("dtype", "Activation dtype: qint4, quint4, qint8, quint8, qint16 (default qint8).", "DTYPE", "qint8");
    const auto qscheme = option("qscheme", "per_tensor_symmetric or per_tensor_affine (default symmetric).", "QSCHEME",
                             "per_tensor_symmetric");
    const auto narrow = option("narrow-range", "Signed types drop their most negative level (-127..127).");
    const auto pow2 = option("power-of-two", "Round scales up to powers of two (Horizon BERNOULLI).");
    const auto overrides = option("overrides", "Per-op configuration (a calibscope qconfig JSON).", "PER_OP.json");
    const auto compare = option("compare", "Also compute every registry observer (defaults) for every point.");
    const auto perOp = option("per-op", "Every op output is a point (default: deployment fusion).");
    const auto session = option("session", "Output session file.", "OUT.cscope");
    const auto threads = threadsOption();
    const auto quiet = option("quiet", "No progress bar.");
    parser.addOption(model);
    data.addTo(parser, false);
    parser.addOptions({sample, seed, preprocess, batchSize, numBatches, actObserver, actParam, weightObserver, dtype, qscheme, narrow, pow2,
                       overrides, compare, perOp, session, threads, quiet});
    int exitCode = Ok;
    if (!parseOrExplain(parser, QStringLiteral("calibrate"), arguments, exitCode, {&model, &data.path, &session}))
        return exitCode;

    cs::CalibrationConfig config;
    config.modelPath = parser.value(model).toStdString();
    config.mode = parser.isSet(perOp) ? cs::PointMode::PerOp : cs::PointMode::Deployment;
    config.compareObservers = parser.isSet(compare);
    bool ok1 = false, ok2 = false, ok3 = false;
    config.batchSize = parser.value(batchSize).toInt(&ok1);
    config.numBatches = parser.value(numBatches).toInt(&ok2);
    config.threads = parser.value(threads).toInt(&ok3);
    const bool ok4 = data.readWindow(parser, config.data);
    if (!ok1 || !ok2 || !ok3 || !ok4 || config.batchSize <= 0 || config.numBatches == 0
        || config.numBatches < -1 || config.threads < 0 || config.data.start < 0) {
        printError("calibrate: --batch-size, --num-batches, --threads, --start and --count take integers "
                   "(batch size > 0, num-batches > 0 or -1)");
        return BadUsage;
    }
    if (parser.isSet(sample) || parser.isSet(seed)) {
        bool okSample = true, okSeed = false;
        config.data.sample = parser.isSet(sample) ? parser.value(sample).toLongLong(&okSample) : 0;
        const qlonglong s = parser.value(seed).toLongLong(&okSeed);
        if (!okSample || !okSeed || config.data.sample <= 0 || s < 0 || !parser.isSet(sample)) {
            printError("calibrate: --sample takes a positive integer and --seed (with --sample) one >= 0");
            return BadUsage;
        }
        config.data.sampleSeed = uint64_t(s);
    }
    config.threads = boundThreads(config.threads, "calibrate");

    const auto dt = cs::obs::dtypeFromString(parser.value(dtype).toStdString());
    const auto qs = cs::obs::qschemeFromString(parser.value(qscheme).toStdString());
    if (!dt || !qs || (*qs != cs::obs::QScheme::PerTensorSymmetric && *qs != cs::obs::QScheme::PerTensorAffine)) {
        printError(qs && !dt ? "calibrate: --dtype must be one of qint4, quint4, qint8, quint8, qint16"
                   : qs ? "calibrate: --qscheme " + cs::obs::toString(*qs) + " is not supported for activations: the quantized "
                          "model applies one scale per activation tensor; use per_tensor_symmetric or per_tensor_affine"
                        : "calibrate: --qscheme must be per_tensor_symmetric or per_tensor_affine");
        return BadUsage;
    }
    config.activation.name = parser.value(actObserver).toStdString();
    config.activation.spec.dtype = *dt;
    config.activation.spec.qscheme = *qs;
    config.activation.spec.narrowRange = parser.isSet(narrow);
    config.activation.spec.powerOfTwo = parser.isSet(pow2);
    std::string error;
    if (!parseParams(parser.values(actParam), config.activation.params, error)) {
        printError("calibrate: " + error);
        return BadUsage;
    }
    error = cs::obs::validateParams(config.activation.name, config.activation.params, config.activation.spec);
    if (error.empty()) {
        config.weight.name = parser.value(weightObserver).toStdString();
        error = cs::obs::validateParams(config.weight.name, config.weight.params, config.weight.spec);
    }
    if (!error.empty()) {
        printError("calibrate: " + error);
        return BadUsage;
    }

    data.readSource(parser, config.data, false);
    if (parser.isSet(preprocess))
        config.data.preprocess = cs::loadPreprocessFile(parser.value(preprocess).toStdString());
    cs::OverridesFile overridesFile;
    if (parser.isSet(overrides)) {
        overridesFile = cs::loadOverrides(parser.value(overrides).toStdString(), config.activation, config.weight);
        config.overrides = overridesFile.overrides;
        config.weightOverrides = overridesFile.weightOverrides;
    }
    ProgressPrinter printer(!parser.isSet(quiet));
    cs::ObserverBank bank;
    const cs::CalibrationResult result = cs::runCalibration(
        config,
        [&](const cs::ProgressInfo& p) {
            printer.update(p.stage, p.done, p.total, p.itemsPerSecond, p.message);
            return true;
        },
        &bank);
    cs::saveSession(result, bank, parser.value(session).toStdString());
    if (!overridesFile.modelSha256.empty() && overridesFile.modelSha256 != result.model.sha256)
        printWarning(parser.value(overrides).toStdString() + " was made for another model (sha256 differs)");
    for (const auto& w : result.warnings)
        printWarning(w);
    if (!parser.isSet(quiet)) {
        std::cout << "session:  " << parser.value(session).toStdString() << '\n'
                  << "points:   " << result.points.size() << " activation, " << result.weights.size()
                  << " weight\n"
                  << "data:     " << result.images << " images in " << result.batches << " batches, "
                  << int(result.imagesPerSecond) << " images/s\n";
        for (const auto& n : overridesFile.notes)
            std::cout << "overrides: " << n << '\n';
    }
    return Ok;
}

} // namespace cli
