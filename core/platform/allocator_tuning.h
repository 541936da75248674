#pragma once
// Every batch allocates the same large activation tensors again. glibc's default serves
// blocks over its (adaptive, at most 32 MiB) mmap threshold with fresh mappings and trims
// freed heap tops back to the system, so each batch pays page faults for memory it just gave
// back: about a fifth of a demo forward (BENCHMARKS.md). Calibration and evaluation are
// batch loops, so the programs keep freed memory for the next batch instead.

namespace cs {

// Serves blocks up to 32 MiB from the heap and keeps up to 1 GiB of freed memory for reuse.
// Call at the start of main(). Returns false where the allocator has no such settings.
bool keepFreedMemoryForReuse();

} // namespace cs
