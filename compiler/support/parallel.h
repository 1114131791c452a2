#pragma once
// Small helpers for the few places that use more than one core (parsing files and large files).
#include <cstddef>
#include <functional>

namespace mon {

/// Threads for parallel work: the machine's cores, or MONITORC_THREADS when set (benchmarks
/// compare with MONITORC_THREADS=1).
size_t workerThreads();

/// Runs work(i) for every i in [0, n) on up to `threads` threads, the calling one included.
/// Items are taken in index order from a shared counter; results belong in slots by index.
void parallelFor(size_t n, size_t threads, const std::function<void(size_t)>& work);

}  // namespace mon
