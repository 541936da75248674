#pragma once
#include "core/model/op_info.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cs {

namespace detail { struct ModelGraphImpl; }

// A TorchScript model loaded, frozen (so `if self.flag:` branches fold away) and inlined,
// with its ops named as in FORMATS.md. Throws CalibError on a missing, truncated or
// non-TorchScript file.
class ModelGraph {
public:
    explicit ModelGraph(const std::string& path, PointMode mode = PointMode::Deployment);
    ~ModelGraph();
    ModelGraph(ModelGraph&&) noexcept;
    ModelGraph& operator=(ModelGraph&&) noexcept;

    const ModelSummary& summary() const;
    PointMode pointMode() const;

    // The calibscope metadata saved inside the model file (JSON text; empty when absent):
    // the demo model records its input shape, class names and preprocessing there.
    const std::string& metadataJson() const;

    // Runs one forward pass on zeros of `inputShape` to learn every op's output shape and
    // dtype. Throws CalibError naming the expected and actual shapes when it does not fit.
    void inferShapes(const std::vector<int64_t>& inputShape);

    // Shape recorded in the model's metadata ({} when unknown).
    std::vector<int64_t> metadataInputShape() const;

    detail::ModelGraphImpl& impl() { return *d; }
    const detail::ModelGraphImpl& impl() const { return *d; }

private:
    std::unique_ptr<detail::ModelGraphImpl> d;
};

// Name of the TorchScript extra file that carries calibscope's metadata.
inline constexpr const char* kModelMetadataFile = "calibscope.json";

} // namespace cs
