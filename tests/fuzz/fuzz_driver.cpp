// A stand-in for libFuzzer's main() where libFuzzer is not linked (GCC builds): it runs a
// target's LLVMFuzzerTestOneInput over every file of the corpus directories, then over a
// bounded number of seeded random mutations of them. The command line is libFuzzer's
// (`-runs=N -seed=S -max_len=M -max_total_time=S -rss_limit_mb=M DIR...`), so CI and ctest
// call a target the same way whichever main it has. A run is deterministic for a given seed
// and corpus, so a failure reproduces with the same command.
//
// Findings: a sanitizer report or a signal (the input is written to `crash-<target>-<n>`
// first, where the message says), an input running longer than the per-input timeout, and
// peak memory above -rss_limit_mb.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

// The sanitizer runtime's hook, when a sanitizer is linked in (weak: absent otherwise).
extern "C" __attribute__((weak)) void __sanitizer_set_death_callback(void (*callback)(void));

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

namespace fs = std::filesystem;

// What the signal and death handlers write out: the input being run when the process dies.
// Plain globals, set before each run, so that the handlers need no allocation.
const uint8_t* g_current = nullptr;
size_t g_currentSize = 0;
char g_artifactPath[4096] = "crash-input";

void writeArtifact()
{
    const int fd = ::open(g_artifactPath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return;
    size_t done = 0;
    while (g_current && done < g_currentSize) {
        const ssize_t n = ::write(fd, g_current + done, g_currentSize - done);
        if (n <= 0)
            break;
        done += size_t(n);
    }
    ::close(fd);
    const char note[] = "fuzz_driver: the failing input is in ";
    (void)!::write(2, note, sizeof note - 1);
    (void)!::write(2, g_artifactPath, std::strlen(g_artifactPath));
    (void)!::write(2, "\n", 1);
}

extern "C" void onFatalSignal(int sig)
{
    if (sig == SIGALRM) {
        const char msg[] = "fuzz_driver: timeout: one input ran longer than the per-input limit\n";
        (void)!::write(2, msg, sizeof msg - 1);
    }
    writeArtifact();
    ::signal(sig == SIGALRM ? SIGABRT : sig, SIG_DFL);
    ::raise(sig == SIGALRM ? SIGABRT : sig);
}

extern "C" void onSanitizerDeath() { writeArtifact(); }

struct Options {
    long long runs = 0;          // mutated inputs after the corpus
    uint64_t seed = 1;
    size_t maxLen = 0;            // 0 = the largest corpus input, at least 4 KiB (libFuzzer's rule)
    double maxTotalTime = 0;     // seconds; 0 = no limit
    long long rssLimitMb = 2048;
    unsigned timeoutSeconds = 20;
    std::string artifactPrefix;
    std::vector<std::string> paths;
};

bool flagValue(const std::string& arg, const char* name, std::string& value)
{
    const std::string prefix = std::string("-") + name + "=";
    if (arg.compare(0, prefix.size(), prefix) != 0)
        return false;
    value = arg.substr(prefix.size());
    return true;
}

// The libFuzzer flags the driver honours, each with how its value is stored.
struct Flag {
    const char* name;
    void (*store)(Options&, const std::string&);
};

const Flag kFlags[] = {
    {"runs", [](Options& o, const std::string& v) { o.runs = std::stoll(v); }},
    {"seed", [](Options& o, const std::string& v) { o.seed = std::stoull(v); }},
    {"max_len", [](Options& o, const std::string& v) { o.maxLen = size_t(std::stoull(v)); }},
    {"max_total_time", [](Options& o, const std::string& v) { o.maxTotalTime = std::stod(v); }},
    {"rss_limit_mb", [](Options& o, const std::string& v) { o.rssLimitMb = std::stoll(v); }},
    {"timeout", [](Options& o, const std::string& v) { o.timeoutSeconds = unsigned(std::stoul(v)); }},
    {"artifact_prefix", [](Options& o, const std::string& v) { o.artifactPrefix = v; }},
};

bool storeFlag(Options& options, const std::string& arg)
{
    std::string v;
    for (const Flag& flag : kFlags)
        if (flagValue(arg, flag.name, v)) {
            flag.store(options, v);
            return true;
        }
    return false;
}

Options parseOptions(int argc, char** argv)
{
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (storeFlag(options, arg))
            continue;
        if (!arg.empty() && arg[0] == '-')
            std::fprintf(stderr, "fuzz_driver: ignoring libFuzzer option %s\n", arg.c_str());
        else
            options.paths.push_back(arg);
    }
    return options;
}

std::vector<uint8_t> readFile(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct Seed {
    std::string name;
    std::vector<uint8_t> bytes;
};

std::vector<Seed> readCorpus(const std::vector<std::string>& paths)
{
    std::vector<Seed> corpus;
    for (const std::string& p : paths) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            std::vector<fs::path> files;
            for (const auto& entry : fs::directory_iterator(p, ec))
                if (entry.is_regular_file())
                    files.push_back(entry.path());
            std::sort(files.begin(), files.end());   // the run order must not depend on the file system
            for (const fs::path& f : files)
                corpus.push_back({f.string(), readFile(f)});
        } else if (fs::is_regular_file(p, ec)) {
            corpus.push_back({p, readFile(p)});
        } else {
            std::fprintf(stderr, "fuzz_driver: %s: no such file or directory\n", p.c_str());
            std::exit(2);
        }
    }
    return corpus;
}

long long peakRssMb()
{
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;   // Linux reports kilobytes
}

// Values that make length and count fields interesting: zero, one, sign and width limits.
constexpr uint64_t kInterestingInts[] = {
    0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
    0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull, 65535, 1ull << 32};

// Tokens that matter to text formats (JSON, the .npy header's Python dict).
const char* const kTokens[] = {
    "-1", "0", "1e308", "-1e308", "NaN", "nan", "inf", "-inf", "null", "true", "false",
    "[]", "{}", "\"\"", "[[]]", "4294967295", "9223372036854775807", "-9223372036854775808",
    "1.5", "\"per_channel_symmetric\"", "\"quint8\"", "\"hist_percentile\"", ",", ":", "(", ")",
    "'shape': (", "'descr': '", "'<f8'", "'|u1'", "'fortran_order': True", "\\u0000", "\""};

class Mutator {
public:
    Mutator(uint64_t seed, size_t maxLen) : m_rng(seed), m_maxLen(maxLen) {}

    std::vector<uint8_t> mutate(const std::vector<uint8_t>& in, const std::vector<Seed>& corpus)
    {
        std::vector<uint8_t> out = in;
        const int steps = 1 + int(pick(4));
        for (int s = 0; s < steps; ++s)
            mutateOnce(out, corpus);
        if (out.size() > m_maxLen)
            out.resize(m_maxLen);
        return out;
    }

private:
    size_t pick(size_t n) { return n == 0 ? 0 : size_t(m_rng() % n); }

    void mutateOnce(std::vector<uint8_t>& d, const std::vector<Seed>& corpus)
    {
        switch (pick(10)) {
        case 0:   // flip one bit
            if (!d.empty())
                d[pick(d.size())] ^= uint8_t(1u << pick(8));
            break;
        case 1:   // set a byte
            if (!d.empty())
                d[pick(d.size())] = uint8_t(m_rng());
            break;
        case 2: { // insert bytes
            const size_t at = pick(d.size() + 1);
            const size_t n = 1 + pick(8);
            for (size_t i = 0; i < n; ++i)
                d.insert(d.begin() + std::ptrdiff_t(at), uint8_t(m_rng()));
            break;
        }
        case 3:   // erase a range
            if (!d.empty()) {
                const size_t at = pick(d.size());
                const size_t n = 1 + pick(std::min<size_t>(d.size() - at, 64));
                d.erase(d.begin() + std::ptrdiff_t(at), d.begin() + std::ptrdiff_t(at + n));
            }
            break;
        case 4:   // truncate
            d.resize(pick(d.size() + 1));
            break;
        case 5: { // an interesting integer, 1/2/4/8 bytes, either byte order
            if (d.empty())
                break;
            const uint64_t v = kInterestingInts[pick(std::size(kInterestingInts))];
            const size_t width = size_t(1) << pick(4);
            const size_t at = pick(d.size());
            const bool bigEndian = pick(2) == 1;
            for (size_t i = 0; i < width && at + i < d.size(); ++i) {
                const size_t shift = 8 * (bigEndian ? width - 1 - i : i);
                d[at + i] = uint8_t(v >> shift);
            }
            break;
        }
        case 6: { // copy a chunk of the input elsewhere in it
            if (d.size() < 2)
                break;
            const size_t from = pick(d.size());
            const size_t n = 1 + pick(std::min<size_t>(d.size() - from, 128));
            const std::vector<uint8_t> chunk(d.begin() + std::ptrdiff_t(from), d.begin() + std::ptrdiff_t(from + n));
            d.insert(d.begin() + std::ptrdiff_t(pick(d.size() + 1)), chunk.begin(), chunk.end());
            break;
        }
        case 7: { // splice: our head, another seed's tail
            const Seed& other = corpus[pick(corpus.size())];
            const size_t head = pick(d.size() + 1);
            const size_t tail = pick(other.bytes.size() + 1);
            d.resize(head);
            d.insert(d.end(), other.bytes.begin() + std::ptrdiff_t(tail), other.bytes.end());
            break;
        }
        case 8: { // a text token, inserted or replacing a run of digits/letters
            const char* token = kTokens[pick(std::size(kTokens))];
            const size_t at = pick(d.size() + 1);
            size_t end = at;
            if (pick(2) == 1)
                while (end < d.size() && (std::isalnum(d[end]) || d[end] == '.' || d[end] == '-'))
                    ++end;
            d.erase(d.begin() + std::ptrdiff_t(at), d.begin() + std::ptrdiff_t(end));
            d.insert(d.begin() + std::ptrdiff_t(at), token, token + std::strlen(token));
            break;
        }
        default: { // change a decimal digit
            std::vector<size_t> digits;
            for (size_t i = 0; i < d.size(); ++i)
                if (d[i] >= '0' && d[i] <= '9')
                    digits.push_back(i);
            if (!digits.empty())
                d[digits[pick(digits.size())]] = uint8_t('0' + pick(10));
            break;
        }
        }
    }

    std::mt19937_64 m_rng;
    size_t m_maxLen;
};

} // namespace

int main(int argc, char** argv)
{
    const Options options = parseOptions(argc, argv);
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);

    const std::string target = fs::path(argv[0]).filename().string();
    std::snprintf(g_artifactPath, sizeof g_artifactPath, "%scrash-%s", options.artifactPrefix.c_str(), target.c_str());
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGALRM})
        ::signal(sig, onFatalSignal);
    if (__sanitizer_set_death_callback)
        __sanitizer_set_death_callback(onSanitizerDeath);

    std::vector<Seed> corpus = readCorpus(options.paths);
    if (corpus.empty())
        corpus.push_back({"(empty input)", {}});

    const auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
    auto runOne = [&](const std::vector<uint8_t>& input, const std::string& what) {
        g_current = input.data();
        g_currentSize = input.size();
        ::alarm(options.timeoutSeconds);
        LLVMFuzzerTestOneInput(input.data(), input.size());
        ::alarm(0);
        // A report at exit (a leak) must not write out an input freed by then.
        g_current = nullptr;
        g_currentSize = 0;
        const long long rss = peakRssMb();
        if (options.rssLimitMb > 0 && rss > options.rssLimitMb) {
            std::fprintf(stderr, "fuzz_driver: %s: peak memory %lld MB exceeds -rss_limit_mb=%lld\n",
                         what.c_str(), rss, options.rssLimitMb);
            writeArtifact();
            std::exit(1);
        }
    };

    for (const Seed& seed : corpus)
        runOne(seed.bytes, seed.name);
    std::fprintf(stderr, "fuzz_driver: %s: %zu corpus inputs passed (%.1f s)\n", target.c_str(), corpus.size(), elapsed());

    size_t maxLen = options.maxLen;
    if (maxLen == 0) {
        maxLen = 4096;
        for (const Seed& seed : corpus)
            maxLen = std::max(maxLen, seed.bytes.size());
    }
    Mutator mutator(options.seed, maxLen);
    std::mt19937_64 choose(options.seed ^ 0x9e3779b97f4a7c15ull);
    long long done = 0;
    for (; done < options.runs; ++done) {
        if (options.maxTotalTime > 0 && elapsed() > options.maxTotalTime)
            break;
        const Seed& base = corpus[size_t(choose() % corpus.size())];
        const std::vector<uint8_t> input = mutator.mutate(base.bytes, corpus);
        runOne(input, "mutation " + std::to_string(done) + " of " + base.name);
    }
    std::fprintf(stderr, "fuzz_driver: %s: %lld mutated inputs passed (seed %llu, %.1f s, peak %lld MB)\n",
                 target.c_str(), done, static_cast<unsigned long long>(options.seed), elapsed(), peakRssMb());
    return 0;
}
