#pragma once
// Large LibTorch CPU tensors from a cache of reusable blocks.
//
// A batch loop allocates the same large activation tensors again for every batch. glibc maps
// every block above 32 MiB afresh and its first touch pays a page fault per 4 KiB page plus
// the kernel's zeroing: on a ResNet-18 batch of 16 that was about a quarter of the CPU time
// of an evaluation. Blocks of 4 MiB and more are therefore mapped once, 2 MiB aligned and
// advised for transparent huge pages, and kept (up to 768 MiB) for the next tensor of about
// the same size. Smaller tensors keep LibTorch's own allocator. Only where memory comes from
// changes: no tensor's contents. Under ASan, whose allocator maps every allocation above
// 128 KiB afresh, blocks start at 128 KiB and what no tensor owns is poisoned.
#include <cstdint>

namespace cs {

struct TensorBlockCacheStats {
    int64_t mapped = 0; // blocks mapped from the system
    int64_t reused = 0; // allocations served from a kept block
    int64_t keptBytes = 0;
};

// Makes the cache LibTorch's CPU allocator for the rest of the process (once; later calls do
// nothing). Returns false where it is not available.
bool useTensorBlockCache();
TensorBlockCacheStats tensorBlockCacheStats();

} // namespace cs
