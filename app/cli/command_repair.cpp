#include "cli/cli_common.h"

#include "core/errors.h"
#include "core/exchange/fakequant_export.h"
#include "core/repair/repair_job.h"
#include "core/session.h"

#include <algorithm>
#include <iostream>
#include <map>

namespace cli {

int runRepair(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Repair a calibrated model so that its quantized version comes closer to the float one, and save the "
        "repaired session. The repairs change the conv/linear parameters (BN-folded in deployment mode) that "
        "evaluate and export then use; the activations are re-calibrated with them.\n\n"
        "Repairs, applied in this order:\n"
        "  --equalize         cross-layer equalization (Nagel et al. 2019): for conv->[relu]->conv and\n"
        "                     conv->depthwise->conv chains, s_i = r1_i / sqrt(r1_i r2_i) (cube roots for three\n"
        "                     layers) divides the first layer's output channel and multiplies the next layer's\n"
        "                     input channel; the float output is unchanged. Then high-bias absorption through a\n"
        "                     ReLU where a batch norm was folded: c = max(0, beta - 3|gamma|).\n"
        "  --weight-clipping  TI's rule on each folded weight: when max|W| > 15 and max|W| > 16 median|W|, clip\n"
        "                     to +-0.9375 * 2^ceil(log2(min(max|W|, 16 median|W|))).\n"
        "  --bias-correction  per output channel b -= mean over N,H,W of (y_q - y_fp), layer by layer in graph\n"
        "                     order on the calibration data (AIMET's empirical correction); with\n"
        "                     --bias-flavour ti, TI's per-batch update b += 0.05 (mean_fp - mean_q).\n"
        "  --preset NAME      ti-simple (pact2 min/max ranges, power-of-two scales, per-tensor weights),\n"
        "                     ti-advanced (pact2 histogram ranges, power-of-two scales, per-tensor weights, TI\n"
        "                     weight clipping and TI bias correction), ti-advanced-dw (ti-advanced with\n"
        "                     per-channel weights for depthwise convs, no channel's scale below the per-tensor\n"
        "                     scale / 256, as TI caps it). Sets the observers first; the other repairs given\n"
        "                     are added.\n"
        "  --weight-observer NAME\n"
        "                     the observer of every conv/linear weight (after the preset's; each keeps its\n"
        "                     grid): min_max, or weight_mse (per channel, of 100 clips from max|W| down to half\n"
        "                     of it the one with the least squared quantization error; never above min_max's),\n"
        "                     or any per-channel registry observer.\n"
        "  --plan-search      then per point, in op order, the compare-pass observer that gives the lowest\n"
        "                     error (MSE) of the model's output against the float model's on the calibration\n"
        "                     data, starting from the best single observer (needs a session calibrated with\n"
        "                     --compare); the candidates are measured on the repaired model. With\n"
        "                     --bias-correction the search runs first and the biases are then corrected for\n"
        "                     the ranges it chose, kept only if they lower its output error.\n"
        "  --adaround         then AdaRound (Nagel et al. 2020) for every quantized conv/linear weight: per weight\n"
        "                     round up or down so that the layer's output on its cached inputs matches the float\n"
        "                     layer's (rectified sigmoid, zeta 1.1, gamma -0.1, lambda 0.01, beta 20 -> 2 after a\n"
        "                     20 % warm start, Adam); --adaround-iterations N per layer (default 400).\n"
        "  --validation V --budget PTS\n"
        "                     last: keep the fewest points in float so that top-1 on the labelled data V is at\n"
        "                     most PTS points below float (points ranked once by the top-1 each recovers alone,\n"
        "                     added in that order)."));
    const auto session = option("session", "Calibrated session to repair.", "S.cscope");
    const auto data = option("data", "Calibration data the repairs measure on (default: the session's).", "PATH");
    const DataOptions dataOptions;
    const auto batchSize = option("batch-size", "Samples per batch (default: the session's).", "N");
    const auto numBatches = option("num-batches", "Batches used, -1 = all (default: the session's).", "N");
    const auto model = option("model", "The calibrated model file when it moved since.", "MODEL.pt");
    const auto preset = option("preset", "ti-simple, ti-advanced or ti-advanced-dw.", "NAME");
    const auto bias = option("bias-correction", "Correct each conv/linear bias (see above).");
    const auto biasFlavour = option("bias-flavour", "empirical (default) or ti.", "FLAVOUR", "empirical");
    const auto clipping = option("weight-clipping", "Clip outlier weights (TI rule, see above).");
    const auto equalize = option("equalize", "Cross-layer equalization and high-bias absorption.");
    const auto noAbsorb = option("no-absorb", "Equalize without high-bias absorption.");
    const auto adaround = option("adaround", "AdaRound the weights (see above).");
    const auto adaroundIterations = option("adaround-iterations", "AdaRound iterations per layer (default 400).", "N");
    const auto planSearch = option("plan-search", "Accuracy-driven plan search (see above).");
    const auto weightObserver = option("weight-observer", "Observer of every weight, e.g. weight_mse (see above).", "NAME");
    const auto validation = option("validation", "Labelled validation data for --budget.", "V");
    const auto budget = option("budget", "Top-1 points the plan may lose against float, with --validation.", "PTS");
    const auto out = option("out", "Repaired session to write.", "OUT.cscope");
    const auto threads = threadsOption();
    const auto quiet = option("quiet", "No progress bar and no summary.");
    parser.addOptions({session, data, dataOptions.format, dataOptions.labels, dataOptions.start, dataOptions.count,
                       batchSize, numBatches, model, preset, bias, biasFlavour, clipping, equalize, noAbsorb, adaround,
                       adaroundIterations, planSearch, weightObserver, validation, budget, out, threads, quiet});
    int exitCode = Ok;
    if (!parseOrExplain(parser, QStringLiteral("repair"), arguments, exitCode))
        return exitCode;
    for (const auto* required : {&session, &out})
        if (!parser.isSet(*required)) {
            printError("repair: --" + required->names().constFirst().toStdString() + " is required");
            return BadUsage;
        }
    int iterations = cs::RepairJobOptions{}.adaroundIterations;
    if (parser.isSet(adaroundIterations)) {
        bool okI = false;
        iterations = parser.value(adaroundIterations).toInt(&okI);
        if (!parser.isSet(adaround) || !okI || iterations < 1) {
            printError("repair: --adaround-iterations takes a positive integer, with --adaround");
            return BadUsage;
        }
    }
    double budgetPoints = 0;
    if (parser.isSet(budget) != parser.isSet(validation)) {
        printError("repair: --budget and --validation go together");
        return BadUsage;
    }
    if (parser.isSet(budget)) {
        bool okP = false;
        budgetPoints = parser.value(budget).toDouble(&okP);
        if (!okP || budgetPoints < 0) {
            printError("repair: --budget takes a number of top-1 points, 0 or more");
            return BadUsage;
        }
    }
    cs::RepairJobOptions job;
    cs::RepairOptions& options = job.repairs;
    options.preset = parser.value(preset).toStdString();
    options.biasCorrection = parser.isSet(bias);
    options.weightClipping = parser.isSet(clipping);
    options.equalize = parser.isSet(equalize);
    options.equalization.absorbHighBias = !parser.isSet(noAbsorb);
    const QString flavour = parser.value(biasFlavour);
    if (flavour != QLatin1String("empirical") && flavour != QLatin1String("ti")) {
        printError("repair: --bias-flavour must be empirical or ti");
        return BadUsage;
    }
    options.bias.flavour = flavour == QLatin1String("ti") ? cs::BiasCorrectionFlavour::TiPerBatch
                                                          : cs::BiasCorrectionFlavour::Empirical;
    options.weightObserver = parser.value(weightObserver).toStdString();
    if (parser.isSet(weightObserver) && options.weightObserver.empty()) {
        printError("repair: --weight-observer takes an observer name");
        return BadUsage;
    }
    job.planSearch = parser.isSet(planSearch);
    job.adaround = parser.isSet(adaround);
    job.adaroundIterations = iterations;
    job.budget = parser.isSet(budget);
    job.budgetPoints = budgetPoints;
    if (!job.any()) {
        printError("repair: choose at least one of --preset, --bias-correction, --weight-clipping, --equalize, "
                   "--weight-observer, --plan-search, --adaround, --budget");
        return BadUsage;
    }
    try {
        const std::string sessionPath = parser.value(session).toStdString();
        cs::ObserverBank originalBank;
        const cs::CalibrationResult original = cs::loadSession(sessionPath, &originalBank);
        cs::CalibrationConfig config = original.config;
        config.modelPath = cs::locateModel(original, sessionPath, parser.value(model).toStdString());
        bool ok = true;
        if (parser.isSet(data)) {
            config.data.path = parser.value(data).toStdString();
            config.data.format = cs::parseDatasetFormat(parser.value(dataOptions.format).toStdString());
            config.data.labelsPath = parser.value(dataOptions.labels).toStdString();
            config.data.start = parser.value(dataOptions.start).toLongLong(&ok);
            bool okCount = true;
            config.data.count = parser.value(dataOptions.count).toLongLong(&okCount);
            config.data.sample = 0;
            ok = ok && okCount;
        }
        if (parser.isSet(batchSize)) {
            bool okB = false;
            config.batchSize = parser.value(batchSize).toInt(&okB);
            ok = ok && okB && config.batchSize > 0;
        }
        if (parser.isSet(numBatches)) {
            bool okN = false;
            config.numBatches = parser.value(numBatches).toInt(&okN);
            ok = ok && okN && config.numBatches != 0 && config.numBatches >= -1;
        }
        bool okT = false;
        config.threads = parser.value(threads).toInt(&okT);
        if (!ok || !okT || config.threads < 0) {
            printError("repair: --start, --count, --batch-size, --num-batches and --threads take integers");
            return BadUsage;
        }
        config.threads = boundThreads(config.threads, "repair");
        ProgressPrinter printer(!parser.isSet(quiet));
        const cs::ProgressCallback report = [&](const cs::ProgressInfo& p) {
            printer.update(p.stage, p.done, p.total, p.itemsPerSecond, p.message);
            return true;
        };
        job.validation.path = parser.value(validation).toStdString();
        job.validation.preprocess = config.data.preprocess;
        cs::RepairJobResult result = cs::runRepairJob(original, std::move(originalBank), config, job, report);
        const cs::CalibrationResult& repaired = result.result;
        cs::saveSession(repaired, result.bank, parser.value(out).toStdString());
        for (const auto& w : repaired.warnings)
            printWarning(w);
        if (!parser.isSet(quiet)) {
            std::cout << "session:  " << parser.value(out).toStdString() << '\n'
                      << "repaired: " << repaired.config.parameters.size() << " conv/linear ops with new parameters\n";
            for (size_t k = original.repairs.size(); k < repaired.repairs.size(); ++k) {
                const auto& r = repaired.repairs[k];
                std::cout << "repair:   " << r.name;
                for (const auto& [key, value] : r.params)
                    std::cout << ' ' << key << '=' << value;
                std::cout << '\n';
                for (const auto& n : r.notes)
                    std::cout << "          " << n << '\n';
            }
        }
    } catch (const cs::CalibError& e) {
        printError(e.what());
        return Failed;
    }
    return Ok;
}

} // namespace cli
