#pragma once
// A borrowed float32 tensor: the per-batch input of every observer. The caller keeps the
// memory alive for the duration of observe(); observers copy what they retain.

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace cs::obs {

struct TensorView {
    const float* data = nullptr;
    std::vector<int64_t> shape;  // row-major, contiguous

    TensorView() = default;
    TensorView(const float* d, std::vector<int64_t> s) : data(d), shape(std::move(s)) {}

    std::size_t numel() const {
        if (shape.empty()) return data ? 1 : 0;  // a 0-d tensor holds one value
        int64_t n = 1;
        for (int64_t d : shape) n *= d < 0 ? 0 : d;
        return static_cast<std::size_t>(n);
    }
};

// The layout of one channel axis: element (o, c, i) lives at (o * channels + c) * inner + i.
struct ChannelLayout {
    int64_t outer = 1;
    int64_t channels = 1;
    int64_t inner = 1;
};

inline ChannelLayout channelLayout(const std::vector<int64_t>& shape, int axis) {
    ChannelLayout l;
    if (axis < 0 || static_cast<std::size_t>(axis) >= shape.size()) {
        for (int64_t d : shape) l.inner *= d;
        return l;
    }
    for (int d = 0; d < axis; ++d) l.outer *= shape[static_cast<std::size_t>(d)];
    l.channels = shape[static_cast<std::size_t>(axis)];
    for (std::size_t d = static_cast<std::size_t>(axis) + 1; d < shape.size(); ++d) l.inner *= shape[d];
    return l;
}

}  // namespace cs::obs
