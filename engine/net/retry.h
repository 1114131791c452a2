#pragma once
// When and how long to wait before trying a request again: 408, 429 (honouring Retry-After),
// 5xx and transport failures that may pass (resets, timeouts, dropped connections) are retried
// with exponential backoff and full jitter. What cannot succeed on a second try (another 4xx,
// a failed TLS verification, a malformed URL) is not retried. Every retry is bounded in time:
// per request (budgetMs) and, when runBudget is set, across a whole run.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "net/http.h"

namespace mon::net {

struct RetryPolicy {
  int maxAttempts = 6;
  long baseDelayMs = 200;
  long maxDelayMs = 10000;
  long maxRetryAfterMs = 60000;  // a server's Retry-After is honoured up to this
  /// A request and its retries together: no retry starts (and no wait runs) past this.
  long budgetMs = 60000;
  /// Milliseconds left for retrying in the whole run (waits plus retried attempts), shared by
  /// every request of the run; null: no run-wide bound.
  std::shared_ptr<std::atomic<long>> runBudget;
};

/// True for answers worth retrying: a transport failure that is not permanent, 408, 429, and
/// 5xx other than 501/505.
bool retryable(const Response& r);
/// The Retry-After of `r` in milliseconds (seconds or an HTTP date, never negative, at most
/// `capMs`), or -1 when there is none or it does not parse. `nowEpochSeconds` is the current
/// time (the header's date form is relative to it).
long retryAfterMs(const Response& r, long capMs, long long nowEpochSeconds);
/// Milliseconds to wait before attempt `attempt + 1` (attempt counts from 1): the server's
/// Retry-After (for 408, 429, 503) clamped to maxRetryAfterMs, else backoff with jitter.
long retryDelayMs(const RetryPolicy& p, const Response& r, int attempt);
/// Sleeps this thread.
void sleepMs(long ms);

/// The retries of one request. Create it before the first attempt; after each attempt that did
/// not succeed, again() says whether to try once more (having slept the delay) or give up.
class Retrier {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Retrier(const RetryPolicy& p, std::function<void(long)> sleep = sleepMs);
  /// After a failed attempt answered `r`: false to give up (not retryable, attempts used up, or
  /// the wait would pass a budget); true after waiting, for the next attempt.
  bool again(const Response& r);
  /// The attempts made so far (1 before the first again()).
  int attempts() const { return attempt_; }

 private:
  long elapsedMs(Clock::time_point since) const;
  RetryPolicy p_;
  std::function<void(long)> sleep_;
  Clock::time_point start_, attemptStart_;
  int attempt_ = 1;
};

}  // namespace mon::net
