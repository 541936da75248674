#pragma once
// Internal to calibscope_data.
#include "core/errors.h"

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace cs {

// A message is one line even when it quotes a file's own text (a JSON key, a path): line
// breaks and other control characters in it are written as escapes. Here rather than in
// errors.cpp because calibscope_data links without it (see dataError).
inline std::string oneLineMessage(const std::string& text)
{
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (u < 0x20 && c != '\t') {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", u);
            out += escaped;
        } else {
            out += c;
        }
    }
    return out;
}

// calibscope_data sits below calibscope_core, which compiles errors.cpp; using the inline
// one-argument constructor keeps this library linkable on its own (tests, CLI tools) while
// producing the same "subject: reason" one-liner as CalibError(subject, reason).
inline CalibError dataError(const std::string& subject, const std::string& reason)
{
    return CalibError(oneLineMessage(subject + ": " + reason));
}

// "[1, 28, 28]", the form every shape appears in user messages.
std::string formatShape(const std::vector<int64_t>& shape);

// Product of the dimensions (1 for a scalar shape).
int64_t shapeNumel(const std::vector<int64_t>& shape);

} // namespace cs
