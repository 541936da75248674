#include "cli/cli_common.h"

#include "core/analysis/coverage.h"
#include "core/errors.h"
#include "core/evaluation.h"
#include "core/exchange/evaluation_report.h"
#include "core/session.h"

#include <QCryptographicHash>
#include <QFile>

#include <iostream>
#include <memory>

#include <sys/stat.h>

namespace cli {

namespace {

// Identity and content of a file: inode, size, modification time to the nanosecond and a
// hash of the bytes (a rewrite within one timestamp tick still differs).
struct FileStamp {
    bool exists = false;
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    long long mtimeNs = 0;
    QByteArray sha256;
    bool operator!=(const FileStamp& o) const
    {
        return exists != o.exists || device != o.device || inode != o.inode || size != o.size || mtimeNs != o.mtimeNs
               || sha256 != o.sha256;
    }
};

FileStamp fileStamp(const std::string& path)
{
    FileStamp s;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return s;
    s.exists = true;
    s.device = st.st_dev;
    s.inode = st.st_ino;
    s.size = st.st_size;
    s.mtimeNs = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    QFile f(QString::fromStdString(path));
    if (f.open(QIODevice::ReadOnly)) {
        QCryptographicHash h(QCryptographicHash::Sha256);
        h.addData(&f);
        s.sha256 = h.result();
    }
    return s;
}

} // namespace

int runEvaluate(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Run validation data through the float and the fake-quantized model of a session: per-point error "
        "(local and accumulated), accuracy per observer, per-point sensitivity and an automatic plan."));
    const auto session = option("session", "Calibration session.", "S.cscope");
    const DataOptions data("Validation data (labels give accuracy; without, output agreement).", "VAL_PATH");
    const auto preprocess = option("preprocess", "Preprocessing JSON (default: the session's).", "PRE.json");
    const auto observers = option("observers", "Accuracy-table observers: all or NAME,NAME (default all).", "LIST", "all");
    const auto maxBatches = option("max-batches", "Batches to evaluate; -1 = all (default).", "N", "-1");
    const auto batchSize = option("batch-size", "Images per batch (default 64).", "N", "64");
    const auto noSensitivity = option("no-sensitivity", "Skip the per-point sensitivity passes.");
    const auto allButOne = option("all-but-one", "Sensitivity also with everything but one point quantized.");
    const auto report = option("report", "Write the accuracy table, per-point metrics and sensitivity as JSON.", "R.json");
    const auto sweepPercentiles = option("sweep-percentiles",
        "Also sweep the percentile observer over these percentiles (comma separated).", "LIST");
    const auto sweepBins = option("sweep-bins", "Histogram bins for the sweep (default 2048).", "LIST", "2048");
    const auto threads = threadsOption();
    const auto quiet = option("quiet", "No progress bar and no summary.");
    const auto noSave = option("no-save", "Do not store the evaluation in the session (default: the session file is "
                                       "rewritten with it, replacing an earlier one).");
    parser.addOption(session);
    data.addTo(parser);
    parser.addOptions({preprocess, observers, maxBatches, batchSize, noSensitivity, allButOne, report, sweepPercentiles,
                       sweepBins, threads, noSave, quiet});
    int exitCode = Ok;
    if (!parseOrExplain(parser, QStringLiteral("evaluate"), arguments, exitCode))
        return exitCode;
    if (!parser.isSet(session) || !parser.isSet(data.path)) {
        printError("evaluate: --session and --data are required");
        return BadUsage;
    }
    cs::EvaluationConfig config;
    bool ok[4] = {};
    config.maxBatches = parser.value(maxBatches).toInt(&ok[0]);
    config.batchSize = parser.value(batchSize).toInt(&ok[1]);
    config.threads = parser.value(threads).toInt(&ok[2]);
    ok[3] = data.readWindow(parser, config.data);
    if (!ok[0] || !ok[1] || !ok[2] || !ok[3] || config.batchSize <= 0 || config.maxBatches == 0
        || config.maxBatches < -1 || config.threads < 0 || config.data.start < 0) {
        printError("evaluate: --max-batches, --batch-size, --threads, --start and --count take integers");
        return BadUsage;
    }
    config.threads = boundThreads(config.threads, "evaluate");
    if (parser.value(observers) != QLatin1String("all"))
        for (const QString& name : parser.value(observers).split(QLatin1Char(','), Qt::SkipEmptyParts))
            config.observers.push_back(name.trimmed().toStdString());
    config.sensitivity = !parser.isSet(noSensitivity);
    config.sensitivityAllButOne = parser.isSet(allButOne);

    std::vector<double> percentiles;
    std::vector<int> bins;
    for (const QString& v : parser.value(sweepPercentiles).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool good = false;
        percentiles.push_back(v.toDouble(&good));
        if (!good || percentiles.back() <= 0 || percentiles.back() > 100) {
            printError("evaluate: --sweep-percentiles takes numbers in (0, 100]");
            return BadUsage;
        }
    }
    for (const QString& v : parser.value(sweepBins).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool good = false;
        bins.push_back(v.toInt(&good));
        if (!good || bins.back() < 1) {
            printError("evaluate: --sweep-bins takes positive integers");
            return BadUsage;
        }
    }
    const std::string sessionPath = parser.value(session).toStdString();
    // The file as read: the evaluation replaces it only if nobody changed it meanwhile.
    const FileStamp before = fileStamp(sessionPath);
    cs::ObserverBank bank; // written back with the session
    cs::CalibrationResult calibration = cs::loadSession(sessionPath, &bank);
    data.readSource(parser, config.data);
    config.data.preprocess = parser.isSet(preprocess)
                                 ? cs::loadPreprocessFile(parser.value(preprocess).toStdString())
                                 : calibration.config.data.preprocess;
    ProgressPrinter printer(!parser.isSet(quiet));
    const auto show = [&](const cs::ProgressInfo& p) {
        printer.update(p.stage, p.done, p.total, p.itemsPerSecond, p.message);
        return true;
    };
    cs::EvaluationResult result = cs::runEvaluation(calibration, config, show);
    if (!percentiles.empty())
        result.sweep = cs::runSweep(calibration.config, config, percentiles, bins, show);
    if (parser.isSet(report))
        cs::writeEvaluationReport(calibration, result, parser.value(report).toStdString());
    if (!parser.isSet(noSave)) {
        // The session keeps its last evaluation (written atomically: the old file
        // survives a failure); `inspect --session` and the GUI show it.
        calibration.evaluation = std::make_shared<const cs::EvaluationResult>(result);
        if (fileStamp(sessionPath) != before) {
            printError(sessionPath + ": changed while the evaluation ran; not overwritten (evaluate again, or "
                                     "use --no-save)");
            return Failed;
        }
        cs::saveSession(calibration, bank, sessionPath);
    }
    if (!parser.isSet(quiet)) {
        std::cout << cs::formatEvaluation(result);
        std::cout << "coverage: " << cs::analyzeCoverage(calibration, result).verdict << '\n';
        if (!parser.isSet(noSave))
            std::cout << "evaluation stored in " << parser.value(session).toStdString() << '\n';
    }
    return Ok;
}

} // namespace cli
