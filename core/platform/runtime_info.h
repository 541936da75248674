#pragma once
// What the numerical runtime of this process is: which BLAS LibTorch's matrix products go to,
// and how many intra-op threads LibTorch uses. Linear and convolution-as-GEMM layers spend
// most of a forward in sgemm, and Debian lets the libblas.so.3 alternative point at the
// reference (netlib) BLAS, a plain triple loop several times slower than OpenBLAS or BLIS
// (BENCHMARKS.md): a slow calibration is worth explaining before it is worth profiling.
#include <string>
#include <vector>

namespace cs {

struct BlasInfo {
    std::string name;    // "OpenBLAS", "BLIS", "reference BLAS (netlib)", "MKL", ...; "none" if absent
    std::string library; // the file that provides sgemm_, symbolic links resolved
    std::string detail;  // e.g. OpenBLAS's own configuration string; may be empty
    bool reference = false;
};

// Names the BLAS a library file belongs to from its resolved path (Debian installs each
// implementation in its own folder: openblas-pthread/, blis-openmp/, blas/, ...).
BlasInfo classifyBlasLibrary(const std::string& resolvedPath);

// The BLAS whose sgemm_ this process calls (the one the dynamic linker bound first).
BlasInfo blasInUse();

// LibTorch's intra-op thread count (at::get_num_threads).
int torchThreadCount();

// "BLAS: ..." and "LibTorch threads: N (C CPU cores)", for --version and the About box.
std::vector<std::string> runtimeInfoLines();

// The warning to give when the BLAS is the reference one; empty otherwise.
std::string referenceBlasWarning();

// Logs referenceBlasWarning() as a warning, once per process; later calls do nothing.
void warnOnceIfReferenceBlas();

} // namespace cs
