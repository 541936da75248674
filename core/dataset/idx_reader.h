#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace cs {

// An IDX file (the MNIST / Fashion-MNIST format), plain or gzip-compressed. Unsigned-byte
// data stays as bytes (60k images need 47 MB, not 188 MB as floats); other types become float.
struct IdxArray {
    std::vector<int64_t> shape;
    std::vector<uint8_t> bytes;   // when the file holds unsigned bytes (type 0x08)
    std::vector<float> values;    // every other element type
    bool isBytes() const { return !bytes.empty() || values.empty(); }
    int64_t count() const { return shape.empty() ? 0 : shape.front(); }
    int64_t itemSize() const;     // elements per item (product of shape[1:])
    float at(int64_t index) const { return isBytes() ? float(bytes[size_t(index)]) : values[size_t(index)]; }
};

// Throws CalibError naming the file on a missing, truncated or malformed file.
IdxArray readIdx(const std::string& path);

// For "train-images-idx3-ubyte.gz": "train-labels-idx1-ubyte.gz" beside it (compressed or
// not), or "" if there is none.
std::string idxLabelsPathFor(const std::string& imagesPath);

} // namespace cs
