#include "cli/cli_common.h"

#include "core/errors.h"
#include "core/session.h"
#include "core/session/session_merge.h"

#include <QFileInfo>

#include <iostream>

namespace cli {
namespace {

// parseOrExplain refuses positional arguments; merge takes its inputs as positionals.
std::string mergeHelp(const QCommandLineParser& parser)
{
    QString text = parser.helpText();
    const qsizetype endOfFirstLine = text.indexOf(QLatin1Char('\n'));
    text.replace(0, endOfFirstLine,
                 QStringLiteral("Usage: calibscope-cli merge A.cscope B.cscope [C.cscope...] --session OUT.cscope"));
    return text.toStdString();
}

} // namespace

int runMerge(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Merge sessions of the same model calibrated on different data shards into one session, as if one run "
        "had seen the shards' batches in the order given. The sessions must have the same model (sha256), point "
        "list, observer configurations, histogram bins and preprocessing. Observers whose state cannot be merged "
        "are reported per point; the evaluation is not carried over."));
    parser.addPositionalArgument(QStringLiteral("sessions"), QStringLiteral("Two or more sessions (.cscope), in order."),
                                 QStringLiteral("A.cscope B.cscope [C.cscope...]"));
    const QCommandLineOption session(QStringLiteral("session"), QStringLiteral("Merged session to write."),
                                     QStringLiteral("OUT.cscope"));
    const QCommandLineOption quiet(QStringLiteral("quiet"), QStringLiteral("No summary (warnings still go to stderr)."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    parser.addOptions({session, quiet, help});
    if (!parser.parse(QStringList{QStringLiteral("calibscope-cli merge")} + arguments)) {
        std::cerr << "calibscope-cli merge: " << parser.errorText().toStdString() << "\n\n" << mergeHelp(parser);
        return BadUsage;
    }
    if (parser.isSet(help)) {
        std::cout << mergeHelp(parser);
        return Ok;
    }
    const QStringList inputs = parser.positionalArguments();
    if (inputs.size() < 2 || !parser.isSet(session)) {
        printError("merge: give two or more sessions and --session OUT.cscope");
        return BadUsage;
    }
    std::vector<cs::CalibrationResult> sessions;
    std::vector<cs::ObserverBank> banks(size_t(inputs.size()));
    std::vector<const cs::ObserverBank*> bankPointers;
    std::vector<std::string> labels;
    for (const QString& path : inputs) {
        cs::ObserverBank& bank = banks[sessions.size()];
        sessions.push_back(cs::loadSession(path.toStdString(), &bank));
        bankPointers.push_back(&bank);
        labels.push_back(QFileInfo(path).fileName().toStdString());
    }
    std::vector<std::string> notes;
    cs::ObserverBank mergedBank;
    const cs::CalibrationResult merged = cs::mergeSessions(sessions, bankPointers, &mergedBank, &notes, labels);
    cs::saveSession(merged, mergedBank, parser.value(session).toStdString());
    // Never silent: what could not be merged is said even with --quiet.
    for (const auto& n : notes)
        std::cerr << "calibscope-cli: warning: " << n << '\n';
    if (!parser.isSet(quiet))
        std::cout << "session:  " << parser.value(session).toStdString() << '\n'
                  << "merged:   " << sessions.size() << " sessions, " << merged.points.size() << " activation points, "
                  << merged.weights.size() << " weight points\n"
                  << "data:     " << merged.images << " images in " << merged.batches << " batches ("
                  << merged.config.data.path << ")\n"
                  << "observers: " << (notes.empty() ? "all merged" : "see the warnings above") << '\n';
    return Ok;
}

} // namespace cli
