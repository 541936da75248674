#pragma once
#include <QCommandLineParser>
#include <QStringList>

#include <initializer_list>
#include <string>
#include <vector>

namespace cs {
struct DatasetSpec;
}

namespace cli {

// Exit codes of FORMATS.md.
enum ExitCode { Ok = 0, Failed = 1, BadUsage = 2 };

struct Command {
    const char* name;
    const char* summary;
    int (*run)(const QStringList& arguments);
};

// Parses `arguments` (argv without the program and command names) with `parser`; on a usage
// error prints the reason and the command's help to stderr and returns false. Each option of
// `required` must be given: a missing one is named ("<command>: --NAME is required").
bool parseOrExplain(QCommandLineParser& parser, const QString& command, const QStringList& arguments,
                    int& exitCode, std::initializer_list<const QCommandLineOption*> required = {});

// An option --name with its help; with `value`, it takes a value named so, `def` its default.
QCommandLineOption option(const char* name, const char* help, const char* value = nullptr, const char* def = nullptr);

// --threads N as the commands that run LibTorch declare it (default 0, all cores).
QCommandLineOption threadsOption();

// The options that pick the data a command reads and the part of it used, alike in every
// such command; --data's help and value name are the command's own.
struct DataOptions {
    DataOptions() = default;
    DataOptions(const char* help, const char* valueName) : path(option("data", help, valueName)) {}

    QCommandLineOption path = option("data", "Data: image folder, IDX file, .npy or .pt tensor.", "PATH");
    QCommandLineOption format = option("data-format", "auto, imagefolder, idx, npy or pt (default auto).", "FORMAT", "auto");
    QCommandLineOption labels = option("labels", "Labels file for .npy/.pt/IDX data (default: beside the data).", "PATH");
    QCommandLineOption start = option("start", "First sample used (default 0).", "N", "0");
    QCommandLineOption count = option("count", "Samples used from --start (default all).", "N", "-1");

    // --data and the options above in this order (--labels only `withLabels`).
    void addTo(QCommandLineParser& parser, bool withLabels = true) const;
    // --start and --count into `spec`; false when either is not an integer.
    bool readWindow(const QCommandLineParser& parser, cs::DatasetSpec& spec) const;
    // --data, --data-format and (`withLabels`) --labels into `spec`.
    void readSource(const QCommandLineParser& parser, cs::DatasetSpec& spec, bool withLabels = true) const;
};

// "calibscope-cli: <message>" on stderr, one line.
void printError(const std::string& message);

// "calibscope-cli: warning: <message>" on stderr, one line; --quiet does not silence it.
void printWarning(const std::string& message);

// A --threads value (0 = all cores) bounded by the machine's cores: more threads than cores
// only add contention (and 100000 would exhaust the process), so a larger request is
// lowered to the core count with a warning.
int boundThreads(int requested, const char* command);

// --format's value when it is table, json or csv; otherwise prints "<command>: --format must
// be table, json or csv" and returns an empty string.
QString outputFormat(const QCommandLineParser& parser, const QCommandLineOption& format, const char* command);

// Rows under a header in left-aligned columns two spaces apart, one line each.
std::string textTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);

// Parses "1,3,224,224"; empty vector on error.
std::vector<int64_t> parseShape(const QString& text);

// A progress bar on stderr when it is a terminal (and not --quiet).
class ProgressPrinter {
public:
    explicit ProgressPrinter(bool enabled);
    ~ProgressPrinter();
    void update(const std::string& stage, long long done, long long total, double rate, const std::string& note);

private:
    bool enabled;
    bool drawn = false;
};

} // namespace cli
