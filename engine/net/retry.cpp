#include "net/retry.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

namespace mon::net {

bool retryable(const Response& r) { return !r.transport.empty() || r.status == 429 || r.status >= 500; }

long retryDelayMs(const RetryPolicy& p, const Response& r, int attempt) {
  if (r.status == 429) {
    auto it = r.headers.find("retry-after");
    if (it != r.headers.end()) {
      char* end = nullptr;
      long s = std::strtol(it->second.c_str(), &end, 10);
      if (end && *end == '\0' && s >= 0) return std::min(s * 1000, p.maxRetryAfterMs);
    }
  }
  long cap = p.baseDelayMs;
  for (int i = 1; i < attempt && cap < p.maxDelayMs; ++i) cap *= 2;
  cap = std::min(cap, p.maxDelayMs);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  // Full jitter, but never less than half the step, so retries do not hammer the server.
  return cap / 2 + static_cast<long>(rng() % static_cast<unsigned long>(cap / 2 + 1));
}

void sleepMs(long ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

}  // namespace mon::net
