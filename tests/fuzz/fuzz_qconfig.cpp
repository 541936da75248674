// qconfig JSON (`calibrate --overrides`, the GUI's import): parsed, read as overrides, and
// checked and applied against the corpus's valid session, as an import does.
#include "tests/fuzz/fuzz_support.h"

#include "core/exchange/overrides.h"
#include "core/exchange/qconfig_reader_p.h"
#include "core/session.h"

#include <optional>

namespace {

struct Loaded {
    cs::CalibrationResult result;
    cs::ObserverBank bank;
};

const std::optional<Loaded>& seedSession()
{
    static const std::optional<Loaded> loaded = []() -> std::optional<Loaded> {
        Loaded l;
        try {
            l.result = cs::loadSession(CALIBSCOPE_FUZZ_CORPUS_DIR "/session/valid.cscope", &l.bank);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "fuzz_qconfig: no seed session (%s); import is not exercised\n", e.what());
            return std::nullopt;
        }
        return l;
    }();
    return loaded;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace cs;
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    fuzz::expectOnlyCalibError([&] { parseQconfig(bytes, "in.json"); });
    const std::string path = fuzz::writeInput(data, size, "in.json");
    fuzz::expectOnlyCalibError([&] { loadOverrides(path); });
    if (const auto& seed = seedSession()) {
        fuzz::expectOnlyCalibError([&] {
            CalibrationResult result = seed->result;
            ObserverBank bank = seed->bank.clone();
            const ImportReport report = checkImportText(result, bytes, "in.json");
            (void)report.text();
            applyImport(result, bank, report);
        });
    }
    return 0;
}
