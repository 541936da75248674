#include "cli/cli_common.h"

#include "core/analysis/session_diff.h"
#include "core/errors.h"
#include "core/session.h"

#include <iostream>

namespace cli {

int runDiff(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Compare two calibration sessions point by point (matched by name): the change of clip range, scale and "
        "observer, and the Jensen-Shannon divergence of the two histograms on a shared grid. Exit 1 when the "
        "sessions cannot be compared (activation dtype or histogram bins differ) or no point matches."));
    parser.addPositionalArgument(QStringLiteral("A"), QStringLiteral("First session (.cscope)."));
    parser.addPositionalArgument(QStringLiteral("B"), QStringLiteral("Second session (.cscope)."));
    const QCommandLineOption format(QStringLiteral("format"), QStringLiteral("table, json or csv (default table)."),
                                    QStringLiteral("FORMAT"), QStringLiteral("table"));
    const QCommandLineOption sort(QStringLiteral("sort"),
                                  QStringLiteral("model (default: the model's order) or change (largest scale "
                                                 "change first)."),
                                  QStringLiteral("ORDER"), QStringLiteral("model"));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    parser.addOptions({format, sort, help});
    // parseOrExplain refuses positional arguments; diff takes its two sessions as positionals.
    QString usage = parser.helpText();
    usage.replace(0, usage.indexOf(QLatin1Char('\n')),
                  QStringLiteral("Usage: calibscope-cli diff A.cscope B.cscope [options]"));
    if (!parser.parse(QStringList{QStringLiteral("calibscope-cli diff")} + arguments)) {
        std::cerr << "calibscope-cli diff: " << parser.errorText().toStdString() << "\n\n" << usage.toStdString();
        return BadUsage;
    }
    if (parser.isSet(help)) {
        std::cout << usage.toStdString();
        return Ok;
    }
    const QStringList files = parser.positionalArguments();
    if (files.size() != 2) {
        printError("diff: give two session files");
        return BadUsage;
    }
    const QString fmt = outputFormat(parser, format, "diff");
    if (fmt.isEmpty())
        return BadUsage;
    if (parser.value(sort) != QLatin1String("model") && parser.value(sort) != QLatin1String("change")) {
        printError("diff: --sort must be model or change");
        return BadUsage;
    }
    const std::string nameA = files[0].toStdString(), nameB = files[1].toStdString();
    const cs::CalibrationResult a = cs::loadSession(nameA);
    const cs::CalibrationResult b = cs::loadSession(nameB);
    cs::SessionDiff diff = cs::diffSessions(a, b);
    if (!diff.incompatible.empty()) {
        printError("diff: the sessions cannot be compared: " + diff.incompatible);
        return Failed;
    }
    if (parser.value(sort) == QLatin1String("change"))
        cs::sortByChange(diff);
    std::cout << (fmt == QLatin1String("json")  ? cs::formatDiffJson(diff, nameA, nameB)
                  : fmt == QLatin1String("csv") ? cs::formatDiffCsv(diff)
                                                : cs::formatDiffTable(diff, nameA, nameB));
    if (diff.points.empty()) {
        printError("diff: no point of " + nameA + " matches one of " + nameB);
        return Failed;
    }
    return Ok;
}

} // namespace cli
