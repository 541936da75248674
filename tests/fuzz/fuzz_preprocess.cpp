// Preprocessing JSON (`--preprocess PRE.json`) and the dataset description a session and
// the CLI share (DatasetSpec), from the same bytes.
#include "tests/fuzz/fuzz_support.h"

#include "core/dataset/dataset_spec.h"

#include <QJsonDocument>
#include <QJsonObject>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace cs;
    const std::string path = fuzz::writeInput(data, size, "pre.json");
    fuzz::expectOnlyCalibError([&] { loadPreprocessFile(path).validate(path); });
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(reinterpret_cast<const char*>(data), qsizetype(size)));
    if (doc.isObject()) {
        fuzz::expectOnlyCalibError([&] {
            const DatasetSpec spec = DatasetSpec::fromJson(doc.object(), "dataset");
            spec.preprocess.validate();
            (void)DatasetSpec::fromJson(spec.toJson(), "dataset");
        });
    }
    return 0;
}
