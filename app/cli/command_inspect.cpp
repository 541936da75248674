#include "cli/cli_common.h"

#include "core/errors.h"
#include "core/model_graph.h"
#include "core/op_table_format.h"
#include "core/session.h"
#include "core/session_format.h"

#include <iostream>

namespace cli {

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
    parser.addOptions({model, session, op, inputShape, perOp, format, threads, quiet});
    int exitCode = Ok;
    if (!parseOrExplain(parser, QStringLiteral("inspect"), arguments, exitCode))
        return exitCode;
    if (parser.isSet(model) == parser.isSet(session)) {
        printError("inspect: give either --model or --session");
        return BadUsage;
    }
    const QString fmt = parser.value(format);
    if (fmt != QLatin1String("table") && fmt != QLatin1String("json") && fmt != QLatin1String("csv")) {
        printError("inspect: --format must be table, json or csv");
        return BadUsage;
    }
    std::vector<int64_t> shape;
    if (parser.isSet(inputShape)) {
        shape = parseShape(parser.value(inputShape));
        if (shape.empty()) {
            printError("inspect: --input-shape must be positive integers separated by commas");
            return BadUsage;
        }
    }
    if (parser.isSet(session)) {
        try {
            const cs::CalibrationResult result = cs::loadSession(parser.value(session).toStdString());
            if (parser.isSet(op))
                std::cout << cs::formatPointDetails(result, parser.value(op).toStdString(), fmt == QLatin1String("json"));
            else if (fmt == QLatin1String("json"))
                std::cout << cs::formatPointsJson(result);
            else if (fmt == QLatin1String("csv"))
                std::cout << cs::formatPointsCsv(result);
            else
                std::cout << cs::formatPointsTable(result);
        } catch (const cs::CalibError& e) {
            printError(e.what());
            return Failed;
        }
        return Ok;
    }
    try {
        cs::ModelGraph graph(parser.value(model).toStdString(),
                             parser.isSet(perOp) ? cs::PointMode::PerOp : cs::PointMode::Deployment);
        if (shape.empty())
            shape = graph.metadataInputShape();
        if (!shape.empty())
            graph.inferShapes(shape);
        const auto& summary = graph.summary();
        if (fmt == QLatin1String("json"))
            std::cout << cs::formatOpsJson(summary);
        else if (fmt == QLatin1String("csv"))
            std::cout << cs::formatOpsCsv(summary);
        else
            std::cout << cs::formatOpsTable(summary);
    } catch (const cs::CalibError& e) {
        printError(e.what());
        return Failed;
    }
    return Ok;
}

} // namespace cli
