#include "bench_support.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <time.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace bench {

double currentRssMiB()
{
    long pages = 0, resident = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        std::fclose(f);
    }
    return double(resident) * double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

double currentAnonRssMiB()
{
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("RssAnon:", 0) == 0)
            return std::stod(line.substr(8)) / 1024.0; // kB
    return 0.0;
}

double peakRssMiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0; // KiB on Linux
}

namespace {

std::string firstLineWith(const char* path, const std::string& key)
{
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);)
        if (line.rfind(key, 0) == 0) {
            const auto colon = line.find(':');
            std::string v = colon == std::string::npos ? line : line.substr(colon + 1);
            v.erase(0, v.find_first_not_of(" \t"));
            return v;
        }
    return "?";
}

} // namespace

std::string machineDescription()
{
    std::ostringstream os;
    os << firstLineWith("/proc/cpuinfo", "model name") << ", " << std::thread::hardware_concurrency() << " cores, "
       << firstLineWith("/proc/meminfo", "MemTotal") << " RAM";
    std::ifstream load("/proc/loadavg");
    double l1 = 0, l5 = 0, l15 = 0;
    if (load >> l1 >> l5 >> l15)
        os << "; load average " << l1 << " " << l5 << " " << l15 << " at start";
    return os.str();
}

std::string todayUtc()
{
    const std::time_t now = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
    return buf;
}

std::string ensureRandomNpy(const std::string& dir, const std::vector<int64_t>& shape, unsigned seed)
{
    std::string dims, name = "random";
    int64_t n = 1;
    for (int64_t d : shape) {
        dims += std::to_string(d) + ", ";
        name += "_" + std::to_string(d);
        n *= d;
    }
    const std::string path = dir + "/" + name + "_seed" + std::to_string(seed) + ".npy";
    // NPY 1.0: magic, version, header length, a Python dict literal padded to 64 bytes.
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
    header.append(64 - (10 + header.size() + 1) % 64, ' ');
    header += '\n';
    const auto bytes = std::uintmax_t(10 + header.size()) + std::uintmax_t(n) * 4;
    std::error_code ec;
    if (std::filesystem::file_size(path, ec) == bytes && !ec)
        return path;
    std::filesystem::create_directories(dir);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    const auto len = static_cast<uint16_t>(header.size());
    out.write("\x93NUMPY\x01\x00", 8);
    const char lenBytes[2] = {char(len & 0xff), char(len >> 8)};
    out.write(lenBytes, 2);
    out << header;
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> chunk(1 << 16);
    for (int64_t done = 0; done < n;) {
        const auto k = std::min<int64_t>(n - done, int64_t(chunk.size()));
        for (int64_t i = 0; i < k; ++i)
            chunk[size_t(i)] = normal(rng);
        out.write(reinterpret_cast<const char*>(chunk.data()), std::streamsize(k * 4)); // little-endian host
        done += k;
    }
    return path;
}

double threadCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

double BatchTimes::mean() const
{
    double sum = 0;
    for (double s : seconds)
        sum += s;
    return seconds.empty() ? 0.0 : sum / double(seconds.size());
}

double BatchTimes::min() const
{
    return seconds.empty() ? 0.0 : *std::min_element(seconds.begin(), seconds.end());
}

double BatchTimes::median() const
{
    if (seconds.empty())
        return 0.0;
    std::vector<double> s = seconds;
    std::nth_element(s.begin(), s.begin() + std::ptrdiff_t(s.size() / 2), s.end());
    return s[s.size() / 2];
}

std::string ratio(double a, double b)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2fx", b > 0 ? a / b : 0.0);
    return buf;
}

} // namespace bench
