// A tensor [N, ...] saved by Python's torch.save(t, path): sample i is t[i]. The only
// LibTorch file of calibscope_data (it gets the torch/script.h precompiled header).
#include "core/dataset/sample_normalizer_p.h"
#include "core/dataset/sources_p.h"

#include "core/dataset/data_error_p.h"

#include <caffe2/serialize/in_memory_adapter.h>
#include <caffe2/serialize/inline_container.h>
#include <torch/script.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>

namespace cs {
namespace {

std::string torchMessage(const c10::Error& error)
{
    const std::string text = error.what_without_backtrace();
    return text.substr(0, text.find('\n'));
}

std::vector<char> readFileBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw dataError(path, "no such file");
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.empty())
        throw dataError(path, "empty file");
    return bytes;
}

// Every length a pickle opcode declares must fit in the pickle: LibTorch's unpickler trusts
// them, so a 700-byte file declaring a 4 GiB string allocates gigabytes and never finishes.
// Walks the opcodes torch.save writes; an opcode it does not know ends the walk (the
// unpickler then names it).
void checkPickleLengths(const std::string& pickle, const std::string& path)
{
    const size_t size = pickle.size();
    auto bytesAt = [&](size_t pos, size_t width) -> uint64_t {
        if (pos + width > size)
            throw dataError(path, "corrupt torch.save pickle: it ends inside an opcode");
        uint64_t v = 0;
        for (size_t i = 0; i < width; ++i)
            v |= uint64_t(static_cast<unsigned char>(pickle[pos + i])) << (8 * i);
        return v;
    };
    size_t pos = 0;
    while (pos < size) {
        const auto op = static_cast<unsigned char>(pickle[pos++]);
        size_t fixed = 0;     // argument bytes of a fixed-size opcode
        size_t lengthWidth = 0; // width of a length prefix
        switch (op) {
        case '.': return;     // STOP
        case 0x80: case 'K': case 'q': case 'h': fixed = 1; break;   // PROTO BININT1 BINPUT BINGET
        case 'M': fixed = 2; break;                                 // BININT2
        case 'J': case 'r': case 'j': fixed = 4; break;             // BININT LONG_BINPUT LONG_BINGET
        case 'G': case 0x95: fixed = 8; break;                      // BINFLOAT FRAME
        case 'C': case 'U': case 0x8c: case 0x8a: lengthWidth = 1; break; // SHORT_BIN{BYTES,STRING,UNICODE} LONG1
        case 'B': case 'T': case 'X': case 0x8b: lengthWidth = 4; break;  // BIN{BYTES,STRING,UNICODE} LONG4
        case 0x8d: case 0x8e: lengthWidth = 8; break;               // BINUNICODE8 BINBYTES8
        case 'c': {                                                 // GLOBAL module\nname\n
            const size_t moduleEnd = pickle.find('\n', pos);
            const size_t nameEnd = moduleEnd == std::string::npos ? moduleEnd : pickle.find('\n', moduleEnd + 1);
            if (nameEnd == std::string::npos)
                throw dataError(path, "corrupt torch.save pickle: it ends inside a GLOBAL opcode");
            pos = nameEnd + 1;
            continue;
        }
        case '(': case ')': case ']': case '}': case 't': case 'R': case 'Q': case 'b': case 'u':
        case 's': case 'e': case 'a': case 'N': case 0x85: case 0x86: case 0x87: case 0x88: case 0x89:
        case 0x81: case 0x93: case 0x94: case '0': case '2':
            break;                                                  // no argument
        default:
            return;
        }
        if (lengthWidth > 0) {
            const uint64_t length = bytesAt(pos, lengthWidth);
            pos += lengthWidth;
            if (length > size - pos)
                throw dataError(path, "corrupt torch.save pickle: an opcode at byte " + std::to_string(pos - lengthWidth - 1)
                                          + " declares " + std::to_string(length) + " bytes where "
                                          + std::to_string(size - pos) + " remain");
            pos += size_t(length);
        } else {
            bytesAt(pos, fixed);
            pos += fixed;
        }
    }
}

// What the pickle in a torch.save archive holds at top level, from its first opcode:
// "tensor", or a description of what it is instead. torch::jit::pickle_load fails on some
// of those (a one-entry dict raises "Unknown opcode"), so the user would otherwise get an
// unpickler message instead of "this file holds a dict".
std::string topLevelKind(const std::vector<char>& bytes, const std::string& path)
{
    static const char zipMagic[] = {'P', 'K', '\x03', '\x04'};
    if (bytes.size() < 4 || std::memcmp(bytes.data(), zipMagic, 4) != 0)
        throw dataError(path, "not a zip-format torch.save file (legacy _use_new_zipfile_serialization=False "
                              "files and other formats are not supported)");
    std::string pickle;
    try {
        caffe2::serialize::PyTorchStreamReader reader(
            std::make_shared<caffe2::serialize::MemoryReadAdapter>(bytes.data(), bytes.size()));
        if (!reader.hasRecord("data.pkl"))
            throw dataError(path, "not a torch.save file (a TorchScript model? it has no data.pkl)");
        const auto record = reader.getRecord("data.pkl");
        pickle.assign(static_cast<const char*>(std::get<0>(record).get()), std::get<1>(record));
    } catch (const c10::Error& e) {
        throw dataError(path, "not a readable torch.save archive: " + torchMessage(e));
    }
    checkPickleLengths(pickle, path);
    // Protocol-2 pickles start with PROTO <n>; the next opcode builds the top-level object.
    size_t pos = pickle.size() >= 2 && static_cast<unsigned char>(pickle[0]) == 0x80 ? 2 : 0;
    if (pos >= pickle.size())
        return "an empty pickle";
    switch (pickle[pos]) {
    case '}': return "a dict";
    case ']': return "a list";
    case ')': case '(': return "a tuple";
    case 'N': return "None";
    case 'c': {
        const size_t moduleEnd = pickle.find('\n', pos + 1);
        const size_t nameEnd = moduleEnd == std::string::npos ? moduleEnd : pickle.find('\n', moduleEnd + 1);
        if (nameEnd == std::string::npos)
            return "an unknown object";
        const std::string global = pickle.substr(pos + 1, moduleEnd - pos - 1) + "."
            + pickle.substr(moduleEnd + 1, nameEnd - moduleEnd - 1);
        if (global == "torch._utils._rebuild_tensor_v2")
            return "tensor";
        if (global == "torch._utils._rebuild_parameter")
            return "an nn.Parameter (save param.detach() instead)";
        if (global == "collections.OrderedDict")
            return "an OrderedDict (a state dict?)";
        return "a " + global + " object";
    }
    default: return "a Python value that is not a tensor";
    }
}

// The sizes, strides and storage offset come from the file as written: every element they
// address must lie inside the storage the file holds, or reading the tensor reads beyond it.
void checkInsideStorage(const at::Tensor& tensor, const std::string& path)
{
    const int64_t offset = tensor.storage_offset();
    if (offset < 0)
        throw dataError(path, "corrupt tensor: negative storage offset " + std::to_string(offset));
    bool empty = false;
    for (int64_t d = 0; d < tensor.dim(); ++d) {
        if (tensor.size(d) < 0)
            throw dataError(path, "corrupt tensor: negative size in shape " + formatShape(tensor.sizes().vec()));
        empty = empty || tensor.size(d) == 0;
    }
    if (empty)
        return;
    // The last element addressed, in elements from the storage's start, without overflow.
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    int64_t last = offset;
    for (int64_t d = 0; d < tensor.dim(); ++d) {
        const int64_t stride = tensor.stride(d);
        const int64_t steps = tensor.size(d) - 1;
        if (stride < 0)
            throw dataError(path, "corrupt tensor: negative stride " + std::to_string(stride));
        if (steps > 0 && stride > (kMax - last) / steps)
            throw dataError(path, "corrupt tensor: its strides address elements beyond any storage");
        last += steps * stride;
    }
    const auto itemSize = int64_t(tensor.element_size());
    const auto storageBytes = int64_t(tensor.storage().nbytes());
    if (last >= storageBytes / itemSize)
        throw dataError(path, "corrupt tensor: shape " + formatShape(tensor.sizes().vec()) + " with strides "
                                  + formatShape(tensor.strides().vec()) + " and offset " + std::to_string(offset)
                                  + " addresses element " + std::to_string(last) + " of a storage of "
                                  + std::to_string(storageBytes / itemSize) + " elements");
}

at::Tensor loadTensor(const std::string& path)
{
    const std::vector<char> bytes = readFileBytes(path);
    const std::string kind = topLevelKind(bytes, path);
    if (kind != "tensor")
        throw dataError(path, "holds " + kind + ", not a tensor; save one tensor [N, ...] with torch.save(t, path)");
    c10::IValue value;
    try {
        value = torch::jit::pickle_load(bytes);
    } catch (const c10::Error& e) {
        throw dataError(path, "cannot load the tensor: " + torchMessage(e));
    }
    // A tuple whose first element is a tensor starts with the same opcode as a tensor.
    if (!value.isTensor())
        throw dataError(path, "holds a " + std::string(value.tagKind())
                                  + ", not a tensor; save one tensor [N, ...] with torch.save(t, path)");
    at::Tensor tensor = value.toTensor().detach();
    if (tensor.is_complex() || tensor.is_quantized())
        throw dataError(path, "unsupported tensor dtype " + std::string(c10::toString(tensor.scalar_type()))
                                  + "; use a real floating-point or integer tensor");
    checkInsideStorage(tensor, path);
    return tensor.contiguous();
}

class PtSource : public ArraySource {
public:
    explicit PtSource(const DatasetSpec& spec) : ArraySource(spec.path), m_tensor(loadTensor(spec.path))
    {
        m_sampleShape = sampleShapeOf(m_path, m_tensor.sizes().vec(), "a tensor");
        const bool eightBit = m_tensor.scalar_type() == at::kByte;
        m_normalizer = SampleNormalizer(spec.preprocess, m_sampleShape, eightBit, m_path);
        if (spec.preprocess.hasImageSteps())
            m_warnings.push_back(m_path + ": resize, crop and colour settings apply to images only; "
                                          ".pt samples are used as stored");
        readLabels(spec.labelsPath);
    }

    int64_t size() const override { return m_tensor.size(0); }

    void readSample(int64_t index, float* out) const override
    {
        // Thread-local, so set here: whichever thread reads needs no autograd bookkeeping.
        c10::InferenceMode guard;
        at::Tensor target = at::from_blob(out, m_sampleShape, at::TensorOptions().dtype(at::kFloat));
        target.copy_(m_tensor[index]); // converts any real dtype to float
        m_normalizer.apply(out);
    }

private:
    at::Tensor m_tensor;          // kept in its saved dtype: a uint8 set stays 4x smaller
    SampleNormalizer m_normalizer;
};

} // namespace

std::unique_ptr<DatasetSource> openPtSource(const DatasetSpec& spec)
{
    return std::make_unique<PtSource>(spec);
}

std::vector<int64_t> readPtLabels(const std::string& path)
{
    const at::Tensor tensor = loadTensor(path);
    if (tensor.dim() != 1)
        throw dataError(path, "labels must be a 1-D tensor, not " + formatShape(tensor.sizes().vec()));
    if (at::isFloatingType(tensor.scalar_type()))
        throw dataError(path, "labels must be integers, not " + std::string(c10::toString(tensor.scalar_type())));
    const at::Tensor longs = tensor.to(at::kLong).contiguous();
    return std::vector<int64_t>(longs.data_ptr<int64_t>(), longs.data_ptr<int64_t>() + longs.numel());
}

} // namespace cs
