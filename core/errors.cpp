#include "core/errors.h"

#include "core/dataset/data_error_p.h"

namespace cs {

CalibError::CalibError(const std::string& subject, const std::string& reason)
    : std::runtime_error(oneLineMessage(subject + ": " + reason))
{
}

std::string firstLine(const std::string& text)
{
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        std::string line = text.substr(start, end - start);
        const auto first = line.find_first_not_of(" \t\r");
        if (first != std::string::npos) {
            line = line.substr(first);
            const auto last = line.find_last_not_of(" \t\r");
            return line.substr(0, last + 1);
        }
        start = end + 1;
    }
    return text;
}

} // namespace cs
