#pragma once
#include <string>

namespace cs {

// $CALIBSCOPE_CACHE_DIR, else $XDG_CACHE_HOME/calibscope, else ~/.cache/calibscope.
std::string cacheDir();
// Where the demo model and its description are cached (made once by make-demo).
std::string demoDir();
// Debian's dataset-fashion-mnist, or $CALIBSCOPE_FASHION_MNIST_DIR.
std::string fashionMnistDir();

} // namespace cs
