#include "core/platform/allocator_tuning.h"

#include "core/platform/tensor_block_cache.h"

#include <cstdlib> // defines __GLIBC__ on glibc systems

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace cs {

bool keepFreedMemoryForReuse()
{
    useTensorBlockCache(); // the tensors above glibc's largest mmap threshold
#if defined(__GLIBC__)
    constexpr int kMmapThreshold = 32 << 20; // the most glibc accepts (half its heap size)
    constexpr int kTrimThreshold = 1 << 30;
    return mallopt(M_MMAP_THRESHOLD, kMmapThreshold) == 1 && mallopt(M_TRIM_THRESHOLD, kTrimThreshold) == 1;
#else
    return false;
#endif
}

} // namespace cs
