#pragma once
// Small helpers of the benchmark programs: timers, memory figures, the machine description
// printed with every run, and a random .npy input (so no Python is needed for the data).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace bench {

using Clock = std::chrono::steady_clock;

inline double secondsSince(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Resident set size now, and the process's peak so far (getrusage), in MiB.
double currentRssMiB();
// The anonymous part of the RSS now (heap, stacks; /proc/self/status RssAnon), in MiB:
// without the file pages of a memory-mapped dataset, which grow as batches are read.
double currentAnonRssMiB();
double peakRssMiB();

// "AMD EPYC, 2 cores, 23.4 GiB; load 1.23 1.10 0.98" and today's date (UTC).
std::string machineDescription();
std::string todayUtc();

// Writes (once; an existing file of the right size is reused) a float32 .npy of `shape`
// with N(0, 1) values from a fixed seed. Returns the path.
std::string ensureRandomNpy(const std::string& dir, const std::vector<int64_t>& shape, unsigned seed);

// "1.23x" style ratio.
std::string ratio(double a, double b);

double threadCpuSeconds(); // CLOCK_THREAD_CPUTIME_ID

// Per-batch wall times of several runs. On a shared machine other processes only ever add
// time, so the minimum is the best estimate of the uncontended cost; the median shows the
// typical one.
struct BatchTimes {
    std::vector<double> seconds;
    void add(double s) { seconds.push_back(s); }
    double min() const;
    double median() const;
    double mean() const; // for pipelined work, where one interval lends time to the next
};

} // namespace bench
