#pragma once
// When and how long to wait before trying a request again: 429 (honouring Retry-After),
// 5xx and transport failures (resets, timeouts, dropped connections) are retried with
// exponential backoff and full jitter.
#include <functional>
#include <string>

#include "net/http.h"

namespace mon::net {

struct RetryPolicy {
  int maxAttempts = 6;
  long baseDelayMs = 200;
  long maxDelayMs = 10000;
  long maxRetryAfterMs = 60000;
};

/// True for answers worth retrying: transport failure, 429, 5xx.
bool retryable(const Response& r);
/// Milliseconds to wait before attempt `attempt + 1` (attempt counts from 1).
long retryDelayMs(const RetryPolicy& p, const Response& r, int attempt);
/// Sleeps this thread.
void sleepMs(long ms);

}  // namespace mon::net
