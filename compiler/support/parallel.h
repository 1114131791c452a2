#pragma once
// How many threads the few places that use more than one core start (parsing files and large files).
#include <cstddef>

namespace mon {

/// Threads for parallel work: the machine's cores, or MONITORC_THREADS when set (benchmarks
/// compare with MONITORC_THREADS=1).
size_t workerThreads();

}  // namespace mon
