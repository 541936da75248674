// torch.save'd tensors (.pt): the input as a data file and as the labels of a valid one.
#include "tests/fuzz/fuzz_support.h"

#include <fstream>
#include <iterator>

namespace {

std::vector<uint8_t> validData()
{
    // The corpus's smallest valid tensor file: four float samples.
    std::ifstream in(CALIBSCOPE_FUZZ_CORPUS_DIR "/pt/float_4x2.pt", std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace cs;
    const std::string path = fuzz::writeInput(data, size, "in.pt");
    fuzz::expectOnlyCalibError([&] {
        DatasetSpec spec;
        spec.format = DatasetFormat::Pt;
        spec.path = path;
        fuzz::openAndRead(spec);
    });
    static const std::vector<uint8_t> valid = validData();
    if (valid.empty())
        return 0;
    fuzz::expectOnlyCalibError([&] {
        DatasetSpec spec;
        spec.format = DatasetFormat::Pt;
        spec.path = fuzz::writeInput(valid.data(), valid.size(), "data.pt");
        spec.labelsPath = path;
        fuzz::openAndRead(spec);
    });
    return 0;
}
