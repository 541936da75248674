#pragma once
// Internal to calibscope_data.
#include "core/errors.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cs {

// calibscope_data sits below calibscope_core, which compiles errors.cpp; using the inline
// one-argument constructor keeps this library linkable on its own (tests, CLI tools) while
// producing the same "subject: reason" one-liner as CalibError(subject, reason).
inline CalibError dataError(const std::string& subject, const std::string& reason)
{
    return CalibError(subject + ": " + reason);
}

// "[1, 28, 28]", the form every shape appears in user messages.
std::string formatShape(const std::vector<int64_t>& shape);

// Product of the dimensions (1 for a scalar shape).
int64_t shapeNumel(const std::vector<int64_t>& shape);

} // namespace cs
