#pragma once
// What every fuzz target shares: the input written to a file of a given name (the loaders
// take paths, and some decide the format from the name), and the loaders' contract checked
// on every input: a CalibError is a correct answer to bad bytes, anything else escaping is a
// finding (the process aborts, and the driver or libFuzzer keeps the input).
#include "core/errors.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

namespace cs::fuzz {

// A private directory for this process's input files, removed at exit.
inline const std::filesystem::path& scratchDir()
{
    static const std::filesystem::path dir = [] {
        std::string tmpl = (std::filesystem::temp_directory_path() / "calibscope-fuzz-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) {
            std::perror("mkdtemp");
            std::abort();
        }
        std::atexit([] { std::error_code ec; std::filesystem::remove_all(scratchDir(), ec); });
        return std::filesystem::path(tmpl);
    }();
    return dir;
}

// Writes the input to `name` (relative to the scratch directory) and returns its path.
inline std::string writeInput(const uint8_t* data, size_t size, const std::string& name)
{
    const std::filesystem::path path = scratchDir() / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), std::streamsize(size));
    out.close();
    if (!out) {
        std::fprintf(stderr, "fuzz: cannot write %s\n", path.c_str());
        std::abort();
    }
    return path.string();
}

// Runs `load`; a CalibError is the contract's answer, any other exception aborts.
template <typename F>
void expectOnlyCalibError(F&& load)
{
    try {
        load();
    } catch (const CalibError& e) {
        // The contract also asks for one line: LibTorch's multi-line text must not leak out.
        const std::string what = e.what();
        if (what.empty() || what.find('\n') != std::string::npos) {
            std::fprintf(stderr, "fuzz: a CalibError that is not one line: \"%s\"\n", what.c_str());
            std::abort();
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fuzz: an exception other than CalibError escaped the loader: %s\n", e.what());
        std::abort();
    } catch (...) {
        std::fprintf(stderr, "fuzz: a non-std exception escaped the loader\n");
        std::abort();
    }
}

} // namespace cs::fuzz

#include "core/dataset/dataset_source.h"

#include <vector>

namespace cs::fuzz {

// Opens `spec` and reads what a calibration would read first: the first and last samples
// and their labels. The samples' values are summed so that every element is touched.
inline void openAndRead(const DatasetSpec& spec)
{
    const std::unique_ptr<DatasetSource> source = openDataset(spec);
    const int64_t n = source->size();
    if (n <= 0)
        return;
    std::vector<float> sample(size_t(source->sampleNumel()));
    double sum = 0;
    for (const int64_t i : {int64_t(0), n - 1}) {
        source->readSample(i, sample.data());
        for (float v : sample)
            sum += double(v);
        if (source->hasLabels())
            sum += double(source->label(i));
    }
    // The sum goes somewhere the optimizer cannot see, so that the reads stay.
    static volatile double sink = 0;
    sink = sink + sum;
}

} // namespace cs::fuzz
