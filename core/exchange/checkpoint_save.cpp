// The checkpoint as Python's torch.load reads it: torch::pickle_save of a dict of tensors
// (torch::save writes a TorchScript archive that torch.load does not read as tensors).
#include "core/exchange/checkpoint.h"

#include "core/platform/atomic_file.h"
#include "core/errors.h"

#include <torch/script.h>
#include <torch/serialize.h>

#include <QFile>

namespace cs {

void saveCheckpoint(const CalibrationResult& result, const std::string& path, QatMode mode,
                    const UnfoldedRepairMap& unfolded)
{
    c10::Dict<std::string, at::Tensor> dict;
    for (const CheckpointTensor& t : checkpointTensors(result, mode, unfolded)) {
        at::Tensor tensor = t.isInt ? torch::tensor(at::ArrayRef<int32_t>(t.ints), torch::kInt32)
                                    : torch::tensor(at::ArrayRef<float>(t.floats), torch::kFloat32);
        dict.insert(t.key, tensor.reshape(t.shape).clone());
    }
    const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));
    writeFileAtomically(path, std::string(bytes.begin(), bytes.end()));
}

std::vector<CheckpointTensor> loadCheckpoint(const std::string& path)
{
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly))
        throw CalibError(path, f.exists() ? "cannot read (" + f.errorString().toStdString() + ")" : "no such file");
    const QByteArray bytes = f.readAll();
    c10::IValue value;
    try {
        value = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
    } catch (const c10::Error& e) {
        throw CalibError(path, "not a checkpoint (" + firstLine(e.what()) + ")");
    }
    if (!value.isGenericDict())
        throw CalibError(path, "not a checkpoint (expected a dict of tensors)");
    std::vector<CheckpointTensor> out;
    for (const auto& item : value.toGenericDict()) {
        if (!item.key().isString() || !item.value().isTensor())
            throw CalibError(path, "not a checkpoint (expected a dict of tensors)");
        const at::Tensor t = item.value().toTensor().contiguous();
        CheckpointTensor c;
        c.key = item.key().toStringRef();
        c.shape = t.sizes().vec();
        if (t.is_floating_point()) {
            const at::Tensor f32 = t.to(torch::kFloat32);
            c.floats.assign(f32.data_ptr<float>(), f32.data_ptr<float>() + f32.numel());
        } else {
            const at::Tensor i32 = t.to(torch::kInt32);
            c.ints.assign(i32.data_ptr<int32_t>(), i32.data_ptr<int32_t>() + i32.numel());
            c.isInt = true;
        }
        out.push_back(std::move(c));
    }
    return out;
}

} // namespace cs
