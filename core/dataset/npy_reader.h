#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cs {

// Element types calibscope reads from .npy files (little-endian or single-byte only).
enum class NpyDtype { Bool, UInt8, Int8, UInt16, Int16, UInt32, Int32, UInt64, Int64, Float16, Float32, Float64 };

// The parsed header of a NumPy .npy file (format versions 1.0, 2.0 and 3.0).
struct NpyHeader {
    std::string descr;            // as written, e.g. "<f4"
    NpyDtype dtype = NpyDtype::Float32;
    int itemSize = 4;             // bytes per element
    std::vector<int64_t> shape;
    int64_t dataOffset = 0;       // where the C-ordered element data starts

    int64_t numel() const;
    bool isInteger() const;
};

// Parses the header at the start of `bytes` (at least the first `size` bytes of the file).
// Throws CalibError naming `path` for a non-.npy file, a Fortran-ordered array or an
// unsupported dtype (complex, object, structured, big-endian, ...), naming the dtype.
NpyHeader parseNpyHeader(const unsigned char* bytes, size_t size, const std::string& path);

// Converts `count` elements of `dtype` starting at `src` (any alignment) to float.
void npyToFloat(NpyDtype dtype, const unsigned char* src, int64_t count, float* dst);
// Same, to int64 (used for labels; floats are truncated, so callers check isInteger()).
void npyToInt64(NpyDtype dtype, const unsigned char* src, int64_t count, int64_t* dst);

// Reads a whole 1-D integer .npy file, e.g. labels.
std::vector<int64_t> readNpyIntegers(const std::string& path);

} // namespace cs
