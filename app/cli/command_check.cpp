#include "cli/cli_common.h"

#include "core/analysis/convergence.h"
#include "core/errors.h"
#include "core/evaluation.h"
#include "core/session.h"

#include <QFile>
#include <QXmlStreamWriter>

#include <cmath>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace cli {
namespace {

// A criterion failed: the gate's own exit status, distinct from input errors and bad usage.
constexpr int kCriterionFailed = 3;

struct Criterion {
    std::string name;       // the option, e.g. "min-top1"
    std::string condition;  // "plan top-1 >= 85.00 %"
    std::string value;      // "87.31 %"
    bool passed = false;
};

std::string fixed(double v, int precision = 2)
{
    if (!std::isfinite(v))
        return v > 0 ? "inf" : "-inf";
    std::ostringstream s;
    s << std::fixed << std::setprecision(precision) << v;
    return s.str();
}

bool writeJunit(const QString& path, const std::vector<Criterion>& criteria, const std::string& session)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    int failures = 0;
    for (const auto& c : criteria)
        failures += c.passed ? 0 : 1;
    QXmlStreamWriter xml(&file);
    xml.setAutoFormatting(true);
    xml.writeStartDocument();
    xml.writeStartElement(QStringLiteral("testsuites"));
    xml.writeStartElement(QStringLiteral("testsuite"));
    xml.writeAttribute(QStringLiteral("name"), QStringLiteral("calibscope check ") + QString::fromStdString(session));
    xml.writeAttribute(QStringLiteral("tests"), QString::number(criteria.size()));
    xml.writeAttribute(QStringLiteral("failures"), QString::number(failures));
    xml.writeAttribute(QStringLiteral("errors"), QStringLiteral("0"));
    for (const auto& c : criteria) {
        xml.writeStartElement(QStringLiteral("testcase"));
        xml.writeAttribute(QStringLiteral("classname"), QStringLiteral("calibscope.check"));
        xml.writeAttribute(QStringLiteral("name"), QString::fromStdString(c.name));
        const QString text = QString::fromStdString(c.condition + ": " + c.value);
        if (!c.passed) {
            xml.writeStartElement(QStringLiteral("failure"));
            xml.writeAttribute(QStringLiteral("message"), text);
            xml.writeCharacters(text);
            xml.writeEndElement();
        } else {
            xml.writeTextElement(QStringLiteral("system-out"), text);
        }
        xml.writeEndElement();
    }
    xml.writeEndElement();
    xml.writeEndElement();
    xml.writeEndDocument();
    return file.error() == QFileDevice::NoError;
}

} // namespace

int runCheck(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "A regression gate for CI: evaluate a session on validation data (or reuse its stored evaluation when it "
        "is current and was made on the same data) and test each given criterion. Exit 0 when all hold, 3 when "
        "one fails, 1 on an input error, 2 on bad usage (also: a top-1 criterion on data without labels)."));
    const auto session = option("session", "Calibration session.", "S.cscope");
    const DataOptions data("Validation data.", "VAL_PATH");
    const auto maxBatches = option("max-batches", "Batches to evaluate; -1 = all (default).", "N", "-1");
    const auto batchSize = option("batch-size", "Images per batch (default 64).", "N", "64");
    const auto minTop1 = option("min-top1", "The plan's top-1 accuracy must be at least X percent.", "X");
    const auto maxDrop = option("max-drop", "Float top-1 minus plan top-1 must be at most PTS percentage points.", "PTS");
    const auto minSqnr = option("min-output-sqnr", "The plan's output SQNR against float must be at least DB.", "DB");
    const auto maxUnsettled = option("max-unsettled",
        "At most N points whose range has not settled over the calibration batches (inspect --convergence).", "N");
    const auto junit = option("junit", "Also write the criteria as JUnit XML.", "OUT.xml");
    const auto threads = threadsOption();
    const auto quiet = option("quiet", "No progress bar.");
    parser.addOption(session);
    data.addTo(parser);
    parser.addOptions({maxBatches, batchSize, minTop1, maxDrop, minSqnr, maxUnsettled, junit, threads, quiet});
    int exitCode = Ok;
    if (!parseOrExplain(parser, QStringLiteral("check"), arguments, exitCode, {&session}))
        return exitCode;
    if (!parser.isSet(minTop1) && !parser.isSet(maxDrop) && !parser.isSet(minSqnr) && !parser.isSet(maxUnsettled)) {
        printError("check: give at least one criterion (--min-top1, --max-drop, --min-output-sqnr, --max-unsettled)");
        return BadUsage;
    }
    const bool needsEvaluation = parser.isSet(minTop1) || parser.isSet(maxDrop) || parser.isSet(minSqnr);
    if (needsEvaluation && !parser.isSet(data.path)) {
        printError("check: --data is required for --min-top1, --max-drop and --min-output-sqnr");
        return BadUsage;
    }
    bool ok[8] = {true, true, true, true, true, true, true, true};
    double top1Min = 0, dropMax = 0, sqnrMin = 0;
    int unsettledMax = 0;
    if (parser.isSet(minTop1))
        top1Min = parser.value(minTop1).toDouble(&ok[0]);
    if (parser.isSet(maxDrop))
        dropMax = parser.value(maxDrop).toDouble(&ok[1]);
    if (parser.isSet(minSqnr))
        sqnrMin = parser.value(minSqnr).toDouble(&ok[2]);
    if (parser.isSet(maxUnsettled))
        unsettledMax = parser.value(maxUnsettled).toInt(&ok[3]);
    cs::EvaluationConfig config;
    config.maxBatches = parser.value(maxBatches).toInt(&ok[4]);
    config.batchSize = parser.value(batchSize).toInt(&ok[5]);
    config.threads = parser.value(threads).toInt(&ok[6]);
    ok[7] = data.readWindow(parser, config.data);
    for (bool good : ok)
        if (!good) {
            printError("check: the criteria take numbers; --max-unsettled, --max-batches, --batch-size, --threads, "
                       "--start and --count take integers");
            return BadUsage;
        }
    if (unsettledMax < 0 || top1Min < 0 || top1Min > 100 || config.batchSize <= 0 || config.maxBatches == 0
        || config.maxBatches < -1 || config.threads < 0 || config.data.start < 0) {
        printError("check: --min-top1 is a percentage (0..100), --max-unsettled >= 0, --batch-size > 0, "
                   "--max-batches > 0 or -1");
        return BadUsage;
    }
    // The gate measures the plan only: no accuracy table, sensitivity or automatic plan.
    config.accuracyTable = false;
    config.sensitivity = false;
    config.autoPlan = false;

    std::vector<Criterion> criteria;
    const std::string sessionPath = parser.value(session).toStdString();
    const cs::CalibrationResult calibration = cs::loadSession(sessionPath);
    if (needsEvaluation) {
        data.readSource(parser, config.data);
        // The session's preprocessing, but validation samples are read as they are: a flip
        // is a choice about calibration data.
        config.data.preprocess = calibration.config.data.preprocess;
        config.data.preprocess.flipHorizontal = cs::FlipMode::None;
    }
    std::shared_ptr<const cs::EvaluationResult> evaluation;
    std::string source;
    if (needsEvaluation) {
        if (calibration.evaluation && cs::evaluationIsCurrent(calibration)
            && calibration.evaluation->data == config.data && calibration.evaluation->maxBatches == config.maxBatches) {
            evaluation = calibration.evaluation;
            source = "the session's stored evaluation";
        } else {
            ProgressPrinter printer(!parser.isSet(quiet));
            evaluation = std::make_shared<const cs::EvaluationResult>(
                cs::runEvaluation(calibration, config, [&](const cs::ProgressInfo& p) {
                    printer.update(p.stage, p.done, p.total, p.itemsPerSecond, p.message);
                    return true;
                }));
            source = "a new evaluation";
        }
        if (!evaluation->hasLabels && (parser.isSet(minTop1) || parser.isSet(maxDrop))) {
            printError(std::string("check: ") + (parser.isSet(minTop1) ? "--min-top1" : "--max-drop")
                       + " needs labels, and " + config.data.path + " has none");
            return BadUsage;
        }
        std::cout << "evaluated: " << evaluation->images << " images (" << source << ")\n";
    }
    if (parser.isSet(minTop1)) {
        const double top1 = 100.0 * evaluation->planMetrics.top1;
        criteria.push_back({"min-top1", "plan top-1 >= " + fixed(top1Min) + " %", fixed(top1) + " %",
                            top1 >= top1Min});
    }
    if (parser.isSet(maxDrop)) {
        const double drop = 100.0 * (evaluation->floatMetrics.top1 - evaluation->planMetrics.top1);
        criteria.push_back({"max-drop", "float top-1 - plan top-1 <= " + fixed(dropMax) + " points",
                            fixed(drop) + " points (float " + fixed(100.0 * evaluation->floatMetrics.top1)
                                + " %, plan " + fixed(100.0 * evaluation->planMetrics.top1) + " %)",
                            drop <= dropMax});
    }
    if (parser.isSet(minSqnr)) {
        const double sqnr = evaluation->planMetrics.sqnrDb;
        criteria.push_back({"min-output-sqnr", "plan output SQNR >= " + fixed(sqnrMin) + " dB",
                            fixed(sqnr) + " dB", sqnr >= sqnrMin});
    }
    if (parser.isSet(maxUnsettled)) {
        const cs::ConvergenceReport report = cs::analyzeConvergence(calibration);
        criteria.push_back({"max-unsettled", "unsettled points <= " + std::to_string(unsettledMax),
                            std::to_string(report.unsettled) + " (" + report.verdict + ")",
                            !report.oneBatch && report.unsettled <= unsettledMax});
    }
    bool all = true;
    for (const auto& c : criteria) {
        std::cout << (c.passed ? "PASS  " : "FAIL  ") << c.name << ": " << c.condition << ": " << c.value << '\n';
        all = all && c.passed;
    }
    std::cout << (all ? "check passed\n" : "check failed\n");
    if (parser.isSet(junit) && !writeJunit(parser.value(junit), criteria, sessionPath)) {
        printError("check: cannot write " + parser.value(junit).toStdString());
        return Failed;
    }
    return all ? Ok : kCriterionFailed;
}

} // namespace cli
