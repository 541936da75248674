#include "core/model/op_info.h"

#include "core/dataset/data_error_p.h"
#include "core/platform/find_by_p.h"

namespace cs {

const OpInfo* ModelSummary::find(const std::string& opName) const
{
    return detail::findBy(ops, &OpInfo::name, opName);
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
    // Empty means the trace did not record it here, not a scalar.
    return shape.empty() ? "?" : formatShape(shape);
}

} // namespace cs
