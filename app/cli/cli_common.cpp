#include "cli/cli_common.h"

#include "core/dataset/dataset_spec.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace cli {

namespace {
// QCommandLineParser names the program by its full path and omits the command.
std::string helpFor(const QCommandLineParser& parser, const QString& command)
{
    QString text = parser.helpText();
    const qsizetype endOfFirstLine = text.indexOf(QLatin1Char('\n'));
    text.replace(0, endOfFirstLine, QStringLiteral("Usage: calibscope-cli ") + command + QStringLiteral(" [options]"));
    return text.toStdString();
}
} // namespace

QCommandLineOption option(const char* name, const char* help, const char* value, const char* def)
{
    if (!value)
        return QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(help));
    return QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(help), QString::fromLatin1(value),
                              def ? QString::fromLatin1(def) : QString());
}

QCommandLineOption threadsOption()
{
    return option("threads", "LibTorch threads (default: all cores).", "N", "0");
}

void DataOptions::addTo(QCommandLineParser& parser, bool withLabels) const
{
    parser.addOptions({path, format});
    if (withLabels)
        parser.addOption(labels);
    parser.addOptions({start, count});
}

bool DataOptions::readWindow(const QCommandLineParser& parser, cs::DatasetSpec& spec) const
{
    bool okStart = false, okCount = false;
    spec.start = parser.value(start).toLongLong(&okStart);
    spec.count = parser.value(count).toLongLong(&okCount);
    return okStart && okCount;
}

void DataOptions::readSource(const QCommandLineParser& parser, cs::DatasetSpec& spec, bool withLabels) const
{
    spec.format = cs::parseDatasetFormat(parser.value(format).toStdString());
    spec.path = parser.value(path).toStdString();
    if (withLabels)
        spec.labelsPath = parser.value(labels).toStdString();
}

bool parseOrExplain(QCommandLineParser& parser, const QString& command, const QStringList& arguments,
                    int& exitCode, std::initializer_list<const QCommandLineOption*> required)
{
    QStringList argv{QStringLiteral("calibscope-cli ") + command};
    argv += arguments;
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    parser.addOption(help);
    if (!parser.parse(argv)) {
        std::cerr << "calibscope-cli " << command.toStdString() << ": " << parser.errorText().toStdString() << "\n\n"
                  << helpFor(parser, command);
        exitCode = BadUsage;
        return false;
    }
    if (parser.isSet(help)) {
        std::cout << helpFor(parser, command);
        exitCode = Ok;
        return false;
    }
    if (!parser.positionalArguments().isEmpty()) {
        std::cerr << "calibscope-cli " << command.toStdString() << ": unexpected argument '"
                  << parser.positionalArguments().constFirst().toStdString() << "'\n";
        exitCode = BadUsage;
        return false;
    }
    for (const QCommandLineOption* option : required)
        if (!parser.isSet(*option)) {
            printError(command.toStdString() + ": --" + option->names().constFirst().toStdString() + " is required");
            exitCode = BadUsage;
            return false;
        }
    return true;
}

void printError(const std::string& message) { std::cerr << "calibscope-cli: " << message << std::endl; }

void printWarning(const std::string& message) { std::cerr << "calibscope-cli: warning: " << message << std::endl; }

int boundThreads(int requested, const char* command)
{
    const int cores = std::max(1, int(std::thread::hardware_concurrency()));
    if (requested <= cores)
        return requested;
    printWarning(std::string(command) + ": --threads " + std::to_string(requested) + " is more than the "
                 + std::to_string(cores) + " cores of this machine; using " + std::to_string(cores));
    return cores;
}

QString outputFormat(const QCommandLineParser& parser, const QCommandLineOption& format, const char* command)
{
    const QString value = parser.value(format);
    if (value == QLatin1String("table") || value == QLatin1String("json") || value == QLatin1String("csv"))
        return value;
    printError(std::string(command) + ": --format must be table, json or csv");
    return {};
}

std::string textTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows)
{
    std::vector<size_t> width(header.size());
    for (size_t c = 0; c < header.size(); ++c) {
        width[c] = header[c].size();
        for (const auto& row : rows)
            width[c] = std::max(width[c], row[c].size());
    }
    std::ostringstream out;
    auto print = [&](const std::vector<std::string>& row) {
        for (size_t c = 0; c < row.size(); ++c)
            out << row[c] << (c + 1 < row.size() ? std::string(width[c] - row[c].size() + 2, ' ') : std::string());
        out << '\n';
    };
    print(header);
    for (const auto& row : rows)
        print(row);
    return out.str();
}

std::vector<int64_t> parseShape(const QString& text)
{
    std::vector<int64_t> shape;
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const qlonglong v = part.trimmed().toLongLong(&ok);
        if (!ok || v <= 0)
            return {};
        shape.push_back(v);
    }
    return shape;
}

ProgressPrinter::ProgressPrinter(bool enabled_) : enabled(enabled_ && isatty(STDERR_FILENO)) {}

ProgressPrinter::~ProgressPrinter()
{
    if (drawn)
        std::fputs("\n", stderr);
}

void ProgressPrinter::update(const std::string& stage, long long done, long long total, double rate,
                             const std::string& note)
{
    if (!enabled || total <= 0)
        return;
    const int width = 30;
    const int filled = int(double(width) * double(done) / double(total));
    std::string bar(size_t(filled), '#');
    bar += std::string(size_t(width - filled), '.');
    std::fprintf(stderr, "\r%-12s [%s] %lld/%lld  %.0f img/s  %s\033[K", stage.c_str(), bar.c_str(), done, total,
                 rate, note.c_str());
    std::fflush(stderr);
    drawn = true;
}

} // namespace cli
