#include "cli/cli_common.h"

#include "core/analysis/convergence.h"
#include "core/analysis/coverage.h"
#include "core/errors.h"
#include "core/evaluation.h"
#include "core/model/model_graph.h"
#include "core/model/loop_warnings.h"
#include "cli/op_table_format.h"
#include "core/session.h"
#include "cli/session_format.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace cli {
namespace {

// The session's stored evaluation in brief: size, the plan's headline metric and whether it
// still describes the plan (EvaluationResult::planConfigs vs the points' configurations).
QJsonValue evaluationJson(const cs::CalibrationResult& r)
{
    if (!r.evaluation)
        return QJsonValue(QJsonValue::Null);
    const cs::EvaluationResult& e = *r.evaluation;
    // JSON has no infinity: an error-free SQNR is written as null.
    auto number = [](double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null); };
    return QJsonObject{{QStringLiteral("images"), qint64(e.images)},
                       {QStringLiteral("batches"), e.batches},
                       {QStringLiteral("data"), QString::fromStdString(e.data.path)},
                       {QStringLiteral("has_labels"), e.hasLabels},
                       {QStringLiteral("plan_top1"), e.hasLabels ? number(e.planMetrics.top1) : QJsonValue(QJsonValue::Null)},
                       {QStringLiteral("float_top1"), e.hasLabels ? number(e.floatMetrics.top1) : QJsonValue(QJsonValue::Null)},
                       {QStringLiteral("plan_agreement"), number(e.planMetrics.argmaxAgreement)},
                       {QStringLiteral("plan_sqnr_db"), number(e.planMetrics.sqnrDb)},
                       {QStringLiteral("current"), cs::evaluationIsCurrent(r)},
                       {QStringLiteral("coverage"), cs::coverageToJson(cs::analyzeCoverage(r, e))}};
}

std::string evaluationLine(const cs::CalibrationResult& r)
{
    if (!r.evaluation)
        return "evaluation: none (calibscope-cli evaluate --session S --data V stores one)\n";
    const cs::EvaluationResult& e = *r.evaluation;
    std::ostringstream out;
    out << std::fixed << std::setprecision(2) << "evaluation: " << e.images << " images in " << e.batches
        << " batches; ";
    if (e.hasLabels)
        out << "plan top-1 " << 100 * e.planMetrics.top1 << "% (float " << 100 * e.floatMetrics.top1 << "%)";
    else
        out << "plan agrees with float on " << 100 * e.planMetrics.argmaxAgreement << "% (no labels)";
    out << "; " << (cs::evaluationIsCurrent(r) ? "current" : "stale: the plan changed since (evaluate again)") << '\n';
    out << "coverage: " << cs::analyzeCoverage(r, e).verdict << '\n';
    return out.str();
}

} // namespace

int runInspect(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "List a TorchScript model's ops and quantization points (--model), or a calibration session's points "
        "with their statistics and clip ranges (--session)."));
    const QCommandLineOption model(QStringLiteral("model"), QStringLiteral("TorchScript model file."), QStringLiteral("M.pt"));
    const QCommandLineOption session(QStringLiteral("session"), QStringLiteral("Calibration session file."),
                                     QStringLiteral("S.cscope"));
    const QCommandLineOption op(QStringLiteral("op"), QStringLiteral("With --session: one op in detail."),
                                QStringLiteral("NAME"));
    const QCommandLineOption inputShape(QStringLiteral("input-shape"),
        QStringLiteral("Input shape for output shapes, e.g. 1,3,224,224 (default: the model's metadata)."),
        QStringLiteral("SHAPE"));
    const QCommandLineOption perOp(QStringLiteral("per-op"), QStringLiteral("Every op output is a point (default: deployment fusion)."));
    const QCommandLineOption format(QStringLiteral("format"), QStringLiteral("table, json or csv (default table)."),
                                    QStringLiteral("FORMAT"), QStringLiteral("table"));
    const QCommandLineOption threads(QStringLiteral("threads"), QStringLiteral("Worker threads (accepted for symmetry)."), QStringLiteral("N"));
    const QCommandLineOption quiet(QStringLiteral("quiet"), QStringLiteral("Accepted for symmetry (inspect prints no progress)."));
    const QCommandLineOption convergence(QStringLiteral("convergence"),
        QStringLiteral("With --session: each point's range after 1..N batches (the observer replayed), a bootstrap "
                       "band of the final scale and whether the ranges settled."));
    const QCommandLineOption coverage(QStringLiteral("coverage"),
        QStringLiteral("With --session: whether the calibration data covers the stored evaluation's validation data "
                       "(per point the share of values outside the clip range, calibration vs validation, and the "
                       "Jensen-Shannon divergence of the two histograms)."));
    parser.addOptions({model, session, op, inputShape, perOp, format, threads, quiet, convergence, coverage});
    int exitCode = Ok;
    if (!parseOrExplain(parser, QStringLiteral("inspect"), arguments, exitCode))
        return exitCode;
    if (parser.isSet(model) == parser.isSet(session)) {
        printError("inspect: give either --model or --session");
        return BadUsage;
    }
    const QString fmt = outputFormat(parser, format, "inspect");
    if (fmt.isEmpty())
        return BadUsage;
    std::vector<int64_t> shape;
    if (parser.isSet(inputShape)) {
        shape = parseShape(parser.value(inputShape));
        if (shape.empty()) {
            printError("inspect: --input-shape must be positive integers separated by commas");
            return BadUsage;
        }
    }
    if (parser.isSet(convergence) && (!parser.isSet(session) || parser.isSet(op))) {
        printError("inspect: --convergence needs --session (and no --op)");
        return BadUsage;
    }
    if (parser.isSet(coverage) && (!parser.isSet(session) || parser.isSet(op) || parser.isSet(convergence))) {
        printError("inspect: --coverage needs --session (and neither --op nor --convergence)");
        return BadUsage;
    }
    if (parser.isSet(session)) {
        const cs::CalibrationResult result = cs::loadSession(parser.value(session).toStdString());
        if (parser.isSet(coverage)) {
            if (!result.evaluation) {
                printError("inspect: --coverage: the session holds no evaluation (calibscope-cli evaluate "
                           "--session S --data V stores one)");
                return Failed;
            }
            const cs::CoverageReport report = cs::analyzeCoverage(result, *result.evaluation);
            std::cout << (fmt == QLatin1String("json")  ? cs::formatCoverageJson(report)
                          : fmt == QLatin1String("csv") ? cs::formatCoverageCsv(report)
                                                        : cs::formatCoverageTable(report));
        } else if (parser.isSet(convergence)) {
            const cs::ConvergenceReport report = cs::analyzeConvergence(result);
            std::cout << (fmt == QLatin1String("json")  ? cs::formatConvergenceJson(report)
                          : fmt == QLatin1String("csv") ? cs::formatConvergenceCsv(report)
                                                        : cs::formatConvergenceTable(report));
        } else if (parser.isSet(op))
            std::cout << cs::formatPointDetails(result, parser.value(op).toStdString(), fmt == QLatin1String("json"));
        else if (fmt == QLatin1String("json")) {
            QJsonObject root = QJsonDocument::fromJson(QByteArray::fromStdString(cs::formatPointsJson(result))).object();
            root.insert(QStringLiteral("evaluation"), evaluationJson(result));
            std::cout << QJsonDocument(root).toJson(QJsonDocument::Indented).toStdString();
        } else if (fmt == QLatin1String("csv"))
            std::cout << cs::formatPointsCsv(result);
        else
            std::cout << cs::formatPointsTable(result) << evaluationLine(result);
        return Ok;
    }
    cs::ModelGraph graph(parser.value(model).toStdString(),
                         parser.isSet(perOp) ? cs::PointMode::PerOp : cs::PointMode::Deployment);
    if (shape.empty())
        shape = graph.metadataInputShape();
    if (!shape.empty())
        graph.inferShapes(shape);
    const auto& summary = graph.summary();
    for (const auto& w : cs::loopWarnings(graph))
        std::cerr << "warning: " << w << '\n';
    if (fmt == QLatin1String("json"))
        std::cout << cs::formatOpsJson(summary);
    else if (fmt == QLatin1String("csv"))
        std::cout << cs::formatOpsCsv(summary);
    else
        std::cout << cs::formatOpsTable(summary);
    return Ok;
}

} // namespace cli
