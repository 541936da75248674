#include "core/model/op_naming.h"

#include <algorithm>
#include <map>
#include <set>

namespace cs {
namespace {

const char* const kSelfFrame = "SELF";

std::string modulePathOf(const RawOp& op)
{
    std::string path;
    for (const auto& frame : op.frames) {
        if (frame.instance == kSelfFrame || frame.instance.empty())
            continue;
        if (!path.empty())
            path += '.';
        path += frame.instance;
    }
    return path;
}

// Identifies one call of the op's innermost module: frames up to the last real module frame.
// Calls made through `self.helper()` inside that module stay in the same call.
std::string moduleCallKey(const RawOp& op)
{
    size_t last = 0;
    for (size_t i = 0; i < op.frames.size(); ++i)
        if (op.frames[i].instance != kSelfFrame && !op.frames[i].instance.empty())
            last = i + 1;
    std::string key;
    for (size_t i = 0; i < last; ++i)
        key += op.frames[i].instance + '@' + op.frames[i].callSite + '/';
    return key;
}

std::string shortOpName(const std::string& kind)
{
    std::string name = kind.substr(kind.find("::") == std::string::npos ? 0 : kind.find("::") + 2);
    // In-place and out-of-place variants name the same computation (relu_ vs relu).
    if (name.size() > 1 && name.back() == '_' && name.front() != '_')
        name.pop_back();
    while (name.size() > 1 && name.front() == '_')
        name.erase(name.begin());
    return name;
}

bool isLeafModule(const std::string& path, const std::set<std::string>& allPaths)
{
    if (path.empty())
        return false;
    const std::string prefix = path + '.';
    auto it = allPaths.upper_bound(path);
    return it == allPaths.end() || it->compare(0, prefix.size(), prefix) != 0;
}

bool isBatchNormKind(const std::string& kind)
{
    return kind == "aten::batch_norm" || kind == "aten::_native_batch_norm_legit_no_training"
        || kind == "aten::native_batch_norm";
}

bool isFusableActivationKind(const std::string& kind)
{
    static const std::set<std::string> kinds = {"aten::relu", "aten::relu_", "aten::relu6",
                                                "aten::relu6_", "aten::hardtanh", "aten::hardtanh_"};
    return kinds.count(kind) != 0;
}

std::vector<std::string> nameOps(const std::vector<RawOp>& raw, std::vector<std::string>& modules)
{
    std::set<std::string> allPaths;
    for (const auto& op : raw)
        allPaths.insert(modulePathOf(op));

    std::map<std::string, int> opsPerCall;
    for (const auto& op : raw)
        if (op.kind != "input")
            ++opsPerCall[moduleCallKey(op)];

    std::map<std::string, std::map<std::string, int>> callIndexByPath;
    std::map<std::string, int> baseNameCount;
    std::set<std::string> used;
    std::vector<std::string> names;
    modules.clear();
    for (const auto& op : raw) {
        const std::string path = modulePathOf(op);
        modules.push_back(path);
        std::string name;
        if (op.kind == "input") {
            name = op.inputName.empty() ? std::string("input") : op.inputName;
        } else {
            const std::string key = moduleCallKey(op);
            auto& calls = callIndexByPath[path];
            if (!calls.count(key))
                calls.emplace(key, static_cast<int>(calls.size()) + 1);
            if (opsPerCall[key] == 1 && isLeafModule(path, allPaths)) {
                const int call = calls[key];
                name = call == 1 ? path : path + ':' + std::to_string(call);
            } else {
                const std::string base = path.empty() ? shortOpName(op.kind)
                                                      : path + '.' + shortOpName(op.kind);
                const int seen = baseNameCount[base]++;
                name = seen == 0 ? base : base + '_' + std::to_string(seen);
            }
        }
        name += op.branch;
        // A functional op may collide with a module of the same name; never emit duplicates.
        std::string unique = name;
        for (int n = 2; used.count(unique); ++n)
            unique = name + '#' + std::to_string(n);
        used.insert(unique);
        names.push_back(unique);
    }
    return names;
}

} // namespace

bool isPassthroughKind(const std::string& kind)
{
    static const std::set<std::string> kinds = {
        "aten::view", "aten::reshape", "aten::flatten", "aten::permute", "aten::transpose",
        "aten::contiguous", "aten::dropout", "aten::dropout_", "aten::feature_dropout",
        "aten::alpha_dropout", "aten::squeeze", "aten::unsqueeze", "aten::squeeze_",
        "aten::unsqueeze_", "aten::expand", "aten::expand_as", "aten::view_as", "aten::reshape_as",
        "aten::t", "aten::detach", "aten::clone", "aten::unflatten", "aten::numpy_T",
        "aten::flatten.using_ints", "aten::select", "aten::slice", "aten::chunk", "aten::split",
        "aten::narrow", "aten::identity"};
    return kinds.count(kind) != 0;
}

bool isConvOrLinearKind(const std::string& kind)
{
    static const std::set<std::string> kinds = {"aten::conv1d", "aten::conv2d", "aten::conv3d",
                                                "aten::_convolution", "aten::convolution",
                                                "aten::linear"};
    return kinds.count(kind) != 0;
}

std::vector<OpInfo> describeOps(const std::vector<RawOp>& raw, PointMode mode)
{
    std::vector<std::string> modules;
    const std::vector<std::string> names = nameOps(raw, modules);

    std::vector<OpInfo> ops(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
        ops[i].name = names[i];
        ops[i].module = modules[i];
        ops[i].kind = raw[i].kind;
        ops[i].passthrough = isPassthroughKind(raw[i].kind);
        ops[i].weightShape = raw[i].weightShape;
    }

    // consumer[i]: the single op that reads op i's output, or -1 when there are 0 or >1 uses.
    std::vector<int> consumer(raw.size(), -1);
    for (size_t j = 0; j < raw.size(); ++j) {
        if (raw[j].inputs.empty() || raw[j].inputs.front() < 0)
            continue;
        const int producer = raw[j].inputs.front();
        if (raw[static_cast<size_t>(producer)].useCount == 1)
            consumer[static_cast<size_t>(producer)] = static_cast<int>(j);
    }

    if (mode == PointMode::Deployment) {
        for (size_t i = 0; i < raw.size(); ++i) {
            if (!isConvOrLinearKind(raw[i].kind))
                continue;
            std::vector<size_t> chain{i};
            int next = consumer[i];
            if (next >= 0 && isBatchNormKind(raw[static_cast<size_t>(next)].kind)) {
                chain.push_back(static_cast<size_t>(next));
                next = consumer[static_cast<size_t>(next)];
            }
            if (next >= 0 && isFusableActivationKind(raw[static_cast<size_t>(next)].kind))
                chain.push_back(static_cast<size_t>(next));
            for (size_t k = 0; k + 1 < chain.size(); ++k)
                ops[chain[k]].fusedInto = ops[chain.back()].name;
        }
    }

    for (size_t i = 0; i < raw.size(); ++i) {
        if (!ops[i].passthrough)
            continue;
        int p = raw[i].inputs.empty() ? -1 : raw[i].inputs.front();
        while (p >= 0 && ops[static_cast<size_t>(p)].passthrough)
            p = raw[static_cast<size_t>(p)].inputs.empty() ? -1 : raw[static_cast<size_t>(p)].inputs.front();
        if (p >= 0) {
            const OpInfo& producer = ops[static_cast<size_t>(p)];
            ops[i].sharesPointWith = producer.fusedInto.empty() ? producer.name : producer.fusedInto;
        } else {
            // A view of something that is not an op (a constant): nothing to share, so it
            // becomes a point of its own.
            ops[i].passthrough = false;
        }
    }
    return ops;
}

} // namespace cs
