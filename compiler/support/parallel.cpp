#include "support/parallel.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace mon {

size_t workerThreads() {
  if (const char* env = std::getenv("MONITORC_THREADS")) return static_cast<size_t>(std::max(1, std::atoi(env)));
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace mon
