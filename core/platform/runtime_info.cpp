#include "core/platform/runtime_info.h"

#include "core/platform/logging.h"

#include <ATen/Parallel.h>

#include <dlfcn.h>

#include <climits>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace cs {
namespace {

bool contains(const std::string& text, const char* part)
{
    return text.find(part) != std::string::npos;
}

std::string folderOf(const std::string& path)
{
    const auto slash = path.rfind('/');
    if (slash == std::string::npos || slash == 0)
        return {};
    const auto before = path.rfind('/', slash - 1);
    return path.substr(before == std::string::npos ? 0 : before + 1, slash - (before == std::string::npos ? 0 : before + 1));
}

std::string resolved(const char* path)
{
    char buffer[PATH_MAX];
    return realpath(path, buffer) != nullptr ? std::string(buffer) : std::string(path);
}

} // namespace

BlasInfo classifyBlasLibrary(const std::string& resolvedPath)
{
    BlasInfo info;
    info.library = resolvedPath;
    const std::string folder = folderOf(resolvedPath);
    // Debian's variant folders (openblas-pthread, blis-openmp, ...) name the threading too.
    const auto variant = [&folder](const char* family) {
        const std::string prefix = std::string(family) + "-";
        return folder.rfind(prefix, 0) == 0 ? " (" + folder.substr(prefix.size()) + ")" : std::string();
    };
    if (contains(resolvedPath, "openblas")) {
        info.name = "OpenBLAS" + variant("openblas");
    } else if (contains(resolvedPath, "blis")) {
        info.name = "BLIS" + variant("blis");
    } else if (contains(resolvedPath, "mkl")) {
        info.name = "MKL";
    } else if (contains(resolvedPath, "atlas")) {
        info.name = "ATLAS";
    } else if (folder == "blas" || contains(resolvedPath, "libblas.so.3") || contains(resolvedPath, "librefblas")) {
        // The netlib implementation: Debian's libblas3 installs it as blas/libblas.so.3.
        info.name = "reference BLAS (netlib)";
        info.reference = true;
    } else if (resolvedPath.empty()) {
        info.name = "none";
    } else {
        info.name = "unknown";
    }
    return info;
}

BlasInfo blasInUse()
{
    // dladdr on the global sgemm_ names the file the dynamic linker binds LibTorch's calls to,
    // whatever the alternatives symlinks or LD_LIBRARY_PATH / LD_PRELOAD made of it.
    void* sgemm = dlsym(RTLD_DEFAULT, "sgemm_");
    Dl_info where{};
    if (sgemm == nullptr || dladdr(sgemm, &where) == 0 || where.dli_fname == nullptr)
        return classifyBlasLibrary({});
    BlasInfo info = classifyBlasLibrary(resolved(where.dli_fname));
    if (contains(info.name, "OpenBLAS")) {
        using ConfigFunction = char* (*)();
        using ThreadsFunction = int (*)();
        if (auto config = reinterpret_cast<ConfigFunction>(dlsym(RTLD_DEFAULT, "openblas_get_config")))
            info.detail = config();
        if (auto threads = reinterpret_cast<ThreadsFunction>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads")))
            info.detail += (info.detail.empty() ? "" : ", ") + std::to_string(threads()) + " threads";
    }
    return info;
}

int torchThreadCount()
{
    return at::get_num_threads();
}

std::vector<std::string> runtimeInfoLines()
{
    const BlasInfo blas = blasInUse();
    std::string line = "BLAS: " + blas.name;
    if (!blas.detail.empty())
        line += " [" + blas.detail + "]";
    if (!blas.library.empty())
        line += " (" + blas.library + ")";
    // LibTorch's default can be below the core count (it counts physical cores as cpuinfo sees
    // them), so both are given.
    return {line, "LibTorch threads: " + std::to_string(torchThreadCount()) + " (" +
                      std::to_string(std::thread::hardware_concurrency()) + " CPU cores)"};
}

std::string referenceBlasWarning()
{
    const BlasInfo blas = blasInUse();
    if (!blas.reference)
        return {};
    return "the BLAS in use is the slow reference BLAS (" + blas.library +
           "); install an optimized one (Debian: apt install libopenblas0-pthread, or select it with "
           "update-alternatives --config libblas.so.3-x86_64-linux-gnu)";
}

void warnOnceIfReferenceBlas()
{
    static std::once_flag once;
    std::call_once(once, [] {
        const std::string warning = referenceBlasWarning();
        if (!warning.empty())
            logWarning(warning);
    });
}

} // namespace cs
