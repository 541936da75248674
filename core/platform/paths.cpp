#include "core/platform/paths.h"

#include <QDir>
#include <QString>

#include <cstdlib>

namespace cs {
namespace {

std::string env(const char* name)
{
    const char* value = std::getenv(name);
    return value && *value ? std::string(value) : std::string();
}

} // namespace

std::string cacheDir()
{
    std::string dir = env("CALIBSCOPE_CACHE_DIR");
    if (dir.empty()) {
        std::string base = env("XDG_CACHE_HOME");
        if (base.empty())
            base = QDir::homePath().toStdString() + "/.cache";
        dir = base + "/calibscope";
    }
    return dir;
}

std::string demoDir() { return cacheDir() + "/demo"; }

std::string fashionMnistDir()
{
    const std::string dir = env("CALIBSCOPE_FASHION_MNIST_DIR");
    return dir.empty() ? std::string("/usr/share/datasets/fashion-mnist") : dir;
}

} // namespace cs
