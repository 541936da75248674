// Image files in an image folder: the input as the one image of a class subfolder, decoded
// and preprocessed (resize, crop, normalize) as a calibration reads it.
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace cs;
    // The decoder is chosen from the content, not the name: one name serves every format.
    const std::string path = fuzz::writeInput(data, size, "images/cls/in.png");
    fuzz::expectOnlyCalibError([&] {
        DatasetSpec spec;
        spec.format = DatasetFormat::ImageFolder;
        spec.path = (fuzz::scratchDir() / "images").string();
        spec.preprocess.resizeShorter = 8;
        spec.preprocess.cropWidth = 8;
        spec.preprocess.cropHeight = 8;
        spec.preprocess.mean = {0.5};
        spec.preprocess.stddev = {0.25};
        fuzz::openAndRead(spec);
    });
    return 0;
}
