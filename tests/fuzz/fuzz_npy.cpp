// NumPy .npy files: the input as a data file (through its header parser, the dataset opener
// and the integer reader) and as the labels of a valid data file.
#include "tests/fuzz/fuzz_support.h"

#include "core/dataset/npy_reader.h"

#include <string>

namespace {

// Two float32 samples of shape [2]: {1, 2}, {3, 4}.
std::string validData()
{
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
    // The magic, version and length take 10 bytes; the data starts 64-byte aligned.
    while ((10 + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';
    std::string file = std::string("\x93NUMPY\x01\x00", 8);
    file += char(header.size() & 0xff);
    file += char(header.size() >> 8);
    file += header;
    for (float v : {1.0f, 2.0f, 3.0f, 4.0f})
        file.append(reinterpret_cast<const char*>(&v), sizeof v);
    return file;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace cs;
    fuzz::expectOnlyCalibError([&] { parseNpyHeader(data, size, "in.npy"); });
    const std::string path = fuzz::writeInput(data, size, "in.npy");
    fuzz::expectOnlyCalibError([&] { readNpyIntegers(path); });
    fuzz::expectOnlyCalibError([&] {
        DatasetSpec spec;
        spec.format = DatasetFormat::Npy;
        spec.path = path;
        fuzz::openAndRead(spec);
    });
    fuzz::expectOnlyCalibError([&] {
        static const std::string valid = validData();
        DatasetSpec spec;
        spec.format = DatasetFormat::Npy;
        spec.path = fuzz::writeInput(reinterpret_cast<const uint8_t*>(valid.data()), valid.size(), "data.npy");
        spec.labelsPath = path;
        fuzz::openAndRead(spec);
    });
    return 0;
}
