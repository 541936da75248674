#include "core/model/op_info.h"

namespace cs {

const OpInfo* ModelSummary::find(const std::string& opName) const
{
    for (const auto& op : ops)
        if (op.name == opName)
            return &op;
    return nullptr;
}

int ModelSummary::activationPointCount() const
{
    int n = 0;
    for (const auto& op : ops)
        n += op.isActivationPoint() ? 1 : 0;
    return n;
}

int ModelSummary::weightPointCount() const
{
    int n = 0;
    for (const auto& op : ops)
        n += op.hasWeightPoint() ? 1 : 0;
    return n;
}

std::string shapeToString(const std::vector<int64_t>& shape)
{
    if (shape.empty())
        return "?";
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i)
            s += ", ";
        s += std::to_string(shape[i]);
    }
    return s + "]";
}

} // namespace cs
