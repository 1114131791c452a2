#include "support/parallel.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>

namespace mon {

size_t workerThreads() {
  if (const char* env = std::getenv("MONITORC_THREADS")) return static_cast<size_t>(std::max(1, std::atoi(env)));
  return std::max(1u, std::thread::hardware_concurrency());
}

void parallelFor(size_t n, size_t threads, const std::function<void(size_t)>& work) {
  std::atomic<size_t> next{0};
  auto loop = [&] {
    for (size_t i = next++; i < n; i = next++) work(i);
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < std::min(threads, n); ++t) pool.emplace_back(loop);
  loop();
  for (auto& t : pool) t.join();
}

}  // namespace mon
