// IDX files (MNIST's format, plain or gzip): the input as an image file and as the labels
// file beside a valid image file.
#include "tests/fuzz/fuzz_support.h"

#include "core/dataset/idx_reader.h"

namespace {

// Two 2x2 unsigned-byte images.
const uint8_t kImages[] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace cs;
    const std::string path = fuzz::writeInput(data, size, "in.idx");
    fuzz::expectOnlyCalibError([&] { readIdx(path); });
    fuzz::expectOnlyCalibError([&] {
        DatasetSpec spec;
        spec.format = DatasetFormat::Idx;
        spec.path = path;
        fuzz::openAndRead(spec);
    });
    fuzz::expectOnlyCalibError([&] {
        DatasetSpec spec;
        spec.format = DatasetFormat::Idx;
        spec.path = fuzz::writeInput(kImages, sizeof kImages, "images.idx");
        spec.labelsPath = path;
        fuzz::openAndRead(spec);
    });
    return 0;
}
