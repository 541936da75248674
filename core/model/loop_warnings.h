#pragma once
#include <string>
#include <vector>

namespace cs {

class ModelGraph;

// One line per loop left after freezing whose body holds ops: such ops are not points (a point
// is one tensor per batch, a body runs any number of times), so they run in float. The line
// names the loop's module and the op kinds, so that this is never silent.
std::vector<std::string> loopWarnings(const ModelGraph& graph);

} // namespace cs
