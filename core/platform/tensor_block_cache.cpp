#include "core/platform/tensor_block_cache.h"

#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>

#include <map>
#include <mutex>
#include <unordered_map>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define CS_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define CS_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define CS_POISON(p, n) ((void)(p), (void)(n))
#define CS_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace cs {
namespace {

#if defined(__linux__)
#if defined(__SANITIZE_ADDRESS__)
// ASan's allocator maps and unmaps every allocation above 128 KiB, and the page faults of the
// tensors between that and 4 MiB cost a sanitized evaluation about a third of its CPU time.
// Under ASan the cache takes them too and poisons what no tensor owns: a block's bytes past
// its tensor's end and a kept block, so our code's overflows and uses after free of a tensor's
// memory are still reported (not those into a block reused by another tensor).
constexpr size_t kMinBlock = size_t(128) << 10;
#else
constexpr size_t kMinBlock = size_t(4) << 20;   // smaller tensors: LibTorch's allocator
#endif
constexpr size_t kHugePage = size_t(2) << 20;
constexpr size_t kMaxKept = size_t(768) << 20;

// Never destroyed: tensors may be freed during static destruction.
struct Blocks {
    std::mutex mutex;
    std::unordered_map<void*, size_t> live;  // block -> its mapped size
    std::multimap<size_t, void*> kept;       // by size
    size_t keptBytes = 0;
    int64_t mapped = 0, reused = 0;
};
Blocks& blocks()
{
    static auto* b = new Blocks;
    return *b;
}

void* mapBlock(size_t bytes)
{
    // Over-map by one huge page and trim, so the block starts on a huge-page boundary.
    void* raw = mmap(nullptr, bytes + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED)
        return nullptr;
    const auto start = reinterpret_cast<uintptr_t>(raw);
    const uintptr_t aligned = (start + kHugePage - 1) & ~uintptr_t(kHugePage - 1);
    if (aligned > start)
        munmap(raw, aligned - start);
    const uintptr_t end = start + bytes + kHugePage;
    if (end > aligned + bytes)
        munmap(reinterpret_cast<void*>(aligned + bytes), end - (aligned + bytes));
    madvise(reinterpret_cast<void*>(aligned), bytes, MADV_HUGEPAGE);
    return reinterpret_cast<void*>(aligned);
}

void release(void* p)
{
    Blocks& b = blocks();
    {
        std::unique_lock<std::mutex> lock(b.mutex);
        const auto it = b.live.find(p);
        if (it != b.live.end()) {
            const size_t bytes = it->second;
            b.live.erase(it);
            if (b.keptBytes + bytes <= kMaxKept) {
                CS_POISON(p, bytes);
                b.kept.emplace(bytes, p);
                b.keptBytes += bytes;
                return;
            }
            lock.unlock();
            CS_UNPOISON(p, bytes); // the next mapping at this address starts addressable
            munmap(p, bytes);
            return;
        }
    }
    c10::free_cpu(p);
}

class BlockCacheAllocator final : public c10::Allocator {
public:
    c10::DataPtr allocate(size_t n) const override
    {
        void* p = n < kMinBlock ? nullptr : take(n);
        if (!p)
            p = c10::alloc_cpu(n);
        else
            CS_POISON(static_cast<char*>(p) + n, blockSize(n) - n);
        return {p, p, &release, c10::Device(c10::DeviceType::CPU)};
    }
    c10::DeleterFnPtr raw_deleter() const override { return &release; }

private:
    static size_t blockSize(size_t n) { return (n + kHugePage - 1) & ~(kHugePage - 1); }
    static void* take(size_t n)
    {
        const size_t bytes = blockSize(n);
        Blocks& b = blocks();
        {
            std::lock_guard<std::mutex> lock(b.mutex);
            // A kept block of this size or up to a quarter larger.
            const auto it = b.kept.lower_bound(bytes);
            if (it != b.kept.end() && it->first <= bytes + bytes / 4) {
                void* p = it->second;
                CS_UNPOISON(p, n);
                b.live.emplace(p, it->first);
                b.keptBytes -= it->first;
                b.kept.erase(it);
                ++b.reused;
                return p;
            }
        }
        void* p = mapBlock(bytes);
        if (!p)
            return nullptr;
        CS_UNPOISON(p, bytes); // whatever the shadow of this address range held before
        std::lock_guard<std::mutex> lock(b.mutex);
        b.live.emplace(p, bytes);
        ++b.mapped;
        return p;
    }
};
#endif

} // namespace

bool useTensorBlockCache()
{
#if defined(__linux__)
    static const bool installed = [] {
        // Never destroyed, as the blocks: LibTorch may still allocate during static destruction.
        static auto* allocator = new BlockCacheAllocator;
        c10::SetCPUAllocator(allocator, /*priority=*/1);
        return c10::GetCPUAllocator() == allocator;
    }();
    return installed;
#else
    return false;
#endif
}

TensorBlockCacheStats tensorBlockCacheStats()
{
    TensorBlockCacheStats s;
#if defined(__linux__)
    Blocks& b = blocks();
    std::lock_guard<std::mutex> lock(b.mutex);
    s.mapped = b.mapped;
    s.reused = b.reused;
    s.keptBytes = int64_t(b.keptBytes);
#endif
    return s;
}

} // namespace cs
