#include "core/dataset/idx_reader.h"

#include "core/dataset/data_error_p.h"

#include <zlib.h>

#include <QFileInfo>

#include <algorithm>
#include <cstring>
#include <memory>

namespace cs {
namespace {

struct GzCloser {
    void operator()(gzFile_s* f) const { gzclose(f); }
};

// gzread reads plain files transparently, so one path serves ".gz" and uncompressed files.
void readExactly(gzFile file, void* dst, size_t size, const std::string& path)
{
    auto* out = static_cast<unsigned char*>(dst);
    while (size > 0) {
        const unsigned chunk = static_cast<unsigned>(std::min<size_t>(size, 1u << 30));
        const int got = gzread(file, out, chunk);
        if (got <= 0)
            throw dataError(path, "truncated IDX file");
        out += got;
        size -= static_cast<size_t>(got);
    }
}

// Reads `size` bytes into `out`, growing it only as the data actually arrives: a header that
// declares more than the file holds fails as truncated after reading what is there, instead
// of allocating what it declares first.
void readGrowing(gzFile file, std::vector<unsigned char>& out, size_t size, const std::string& path)
{
    constexpr size_t kChunk = size_t(64) << 20;
    out.clear();
    out.reserve(std::min(size, kChunk));
    while (out.size() < size) {
        const size_t at = out.size();
        const size_t want = std::min(size - at, std::max(kChunk, at)); // doubles, so O(size) copies
        out.resize(at + want);
        size_t got = 0;
        while (got < want) {
            const unsigned chunk = static_cast<unsigned>(std::min<size_t>(want - got, 1u << 30));
            const int n = gzread(file, out.data() + at + got, chunk);
            if (n <= 0)
                throw dataError(path, "truncated IDX file: the header declares " + std::to_string(size)
                                          + " data bytes, the file holds " + std::to_string(at + got));
            got += size_t(n);
        }
    }
}

uint32_t bigEndian32(const unsigned char* p)
{
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

template <typename T>
void decodeBigEndian(const std::vector<unsigned char>& raw, std::vector<float>& values)
{
    values.resize(raw.size() / sizeof(T));
    for (size_t i = 0; i < values.size(); ++i) {
        unsigned char swapped[sizeof(T)];
        for (size_t b = 0; b < sizeof(T); ++b)
            swapped[b] = raw[i * sizeof(T) + sizeof(T) - 1 - b];
        T v;
        std::memcpy(&v, swapped, sizeof(T));
        values[i] = static_cast<float>(v);
    }
}

} // namespace

int64_t IdxArray::itemSize() const
{
    int64_t n = 1;
    for (size_t i = 1; i < shape.size(); ++i)
        n *= shape[i];
    return n;
}

IdxArray readIdx(const std::string& path)
{
    if (!QFileInfo::exists(QString::fromStdString(path)))
        throw dataError(path, "no such file");
    std::unique_ptr<gzFile_s, GzCloser> file(gzopen(path.c_str(), "rb"));
    if (!file)
        throw dataError(path, "cannot open");

    unsigned char magic[4];
    readExactly(file.get(), magic, 4, path);
    if (magic[0] != 0 || magic[1] != 0 || magic[3] == 0 || magic[3] > 4)
        throw dataError(path, "not an IDX file (bad magic number)");
    const unsigned char type = magic[2];
    size_t elementSize = 0;
    switch (type) {
    case 0x08: case 0x09: elementSize = 1; break;
    case 0x0B: elementSize = 2; break;
    case 0x0C: case 0x0D: elementSize = 4; break;
    case 0x0E: elementSize = 8; break;
    default: {
        static const char hex[] = "0123456789abcdef";
        throw dataError(path, std::string("unsupported IDX element type 0x") + hex[type >> 4] + hex[type & 15]);
    }
    }

    IdxArray array;
    size_t total = 1;
    for (int d = 0; d < magic[3]; ++d) {
        unsigned char dim[4];
        readExactly(file.get(), dim, 4, path);
        const uint32_t n = bigEndian32(dim);
        array.shape.push_back(n);
        // Checked per dimension so that the product itself cannot overflow.
        if (n != 0 && total > ((size_t(1) << 34) / elementSize) / n)
            throw dataError(path, "IDX file declares an implausibly large array");
        total *= n;
    }

    // An uncompressed file must hold what its header declares; say so before reading.
    const size_t header = 4 + 4 * size_t(magic[3]);
    if (gzdirect(file.get())) {
        const auto fileSize = size_t(QFileInfo(QString::fromStdString(path)).size());
        if (total * elementSize > fileSize - std::min(fileSize, header))
            throw dataError(path, "truncated IDX file: the header declares " + formatShape(array.shape) + " ("
                                      + std::to_string(total * elementSize) + " data bytes), the file holds "
                                      + std::to_string(fileSize - std::min(fileSize, header)));
    }
    if (type == 0x08) {
        readGrowing(file.get(), array.bytes, total, path);
        return array;
    }
    std::vector<unsigned char> raw;
    readGrowing(file.get(), raw, total * elementSize, path);
    switch (type) {
    case 0x09: decodeBigEndian<int8_t>(raw, array.values); break;
    case 0x0B: decodeBigEndian<int16_t>(raw, array.values); break;
    case 0x0C: decodeBigEndian<int32_t>(raw, array.values); break;
    case 0x0D: decodeBigEndian<float>(raw, array.values); break;
    default: decodeBigEndian<double>(raw, array.values); break;
    }
    return array;
}

std::string idxLabelsPathFor(const std::string& imagesPath)
{
    // MNIST mirrors spell the name "-images-idx3-ubyte" or ".images.idx3-ubyte"-like
    // variants and compress one file but not the other, so try both separators and both
    // compressions.
    for (const char* images : {"images-idx3", "images.idx3"}) {
        const auto pos = imagesPath.rfind(images);
        if (pos == std::string::npos)
            continue;
        std::string labels = imagesPath;
        labels.replace(pos, std::string(images).size(), images[6] == '-' ? "labels-idx1" : "labels.idx1");
        const bool gz = labels.size() > 3 && labels.compare(labels.size() - 3, 3, ".gz") == 0;
        const std::string other = gz ? labels.substr(0, labels.size() - 3) : labels + ".gz";
        for (const std::string& candidate : {labels, other})
            if (QFileInfo::exists(QString::fromStdString(candidate)))
                return candidate;
    }
    return {};
}

} // namespace cs
