// Session files (.cscope, CBOR): loaded with their observer bank, then every restored
// observer asked for its range, as reopening a session in the GUI does.
#include "tests/fuzz/fuzz_support.h"

#include "core/session.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace cs;
    const std::string path = fuzz::writeInput(data, size, "in.cscope");
    fuzz::expectOnlyCalibError([&] {
        ObserverBank bank;
        const CalibrationResult result = loadSession(path, &bank);
        for (auto& [name, point] : bank.points)
            if (point.configured)
                point.configured->result();
    });
    return 0;
}
