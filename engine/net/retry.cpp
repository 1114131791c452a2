#include "net/retry.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <ctime>
#include <random>
#include <thread>

namespace mon::net {

namespace {

// An HTTP-date (RFC 9110 5.6.7) as seconds since the epoch, -1 when it is none: the preferred
// form "Sun, 06 Nov 1994 08:49:37 GMT" and the two obsolete ones recipients must accept,
// "Sunday, 06-Nov-94 08:49:37 GMT" and asctime's "Sun Nov  6 08:49:37 1994". (Parsed here
// rather than by libcurl, which is loaded only when a request is sent.)
time_t httpDate(const std::string& v) {
  static const char* forms[] = {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"};
  for (const char* form : forms) {
    std::tm tm{};
    const char* end = strptime(v.c_str(), form, &tm);
    if (end && *end == '\0') return timegm(&tm);
  }
  return -1;
}

}  // namespace

bool retryable(const Response& r) {
  if (!r.transport.empty()) return !r.permanent;
  return r.status == 408 || r.status == 429 || (r.status >= 500 && r.status != 501 && r.status != 505);
}

long retryAfterMs(const Response& r, long capMs, long long nowEpochSeconds) {
  auto it = r.headers.find("retry-after");
  if (it == r.headers.end() || it->second.empty()) return -1;
  const std::string& v = it->second;
  if (std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); })) {
    // Digit by digit, stopping at the cap: "9223372036854775808" is a long wait, not an overflow.
    long long ms = 0;
    for (char c : v) {
      ms = ms * 10 + (c - '0');
      if (ms > capMs / 1000 + 1) return capMs;
    }
    return std::min<long long>(ms * 1000, capMs);
  }
  // The HTTP-date form ("Wed, 21 Oct 2015 07:28:00 GMT").
  time_t when = httpDate(v);
  if (when == -1) return -1;
  long long secs = static_cast<long long>(when) - nowEpochSeconds;
  if (secs <= 0) return 0;
  if (secs > capMs / 1000) return capMs;
  return static_cast<long>(secs * 1000);
}

long retryDelayMs(const RetryPolicy& p, const Response& r, int attempt) {
  if (r.transport.empty() && (r.status == 408 || r.status == 429 || r.status == 503)) {
    long ms = retryAfterMs(r, p.maxRetryAfterMs, static_cast<long long>(std::time(nullptr)));
    if (ms >= 0) return ms;
  }
  long cap = std::max(1L, p.baseDelayMs);
  for (int i = 1; i < attempt && cap < p.maxDelayMs; ++i) cap *= 2;
  cap = std::min(cap, p.maxDelayMs);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  // Full jitter, but never less than half the step, so retries do not hammer the server.
  return cap / 2 + static_cast<long>(rng() % static_cast<unsigned long>(cap / 2 + 1));
}

void sleepMs(long ms) {
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

Retrier::Retrier(const RetryPolicy& p, std::function<void(long)> sleep)
    : p_(p), sleep_(std::move(sleep)), start_(Clock::now()), attemptStart_(start_) {}

long Retrier::elapsedMs(Clock::time_point since) const {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count());
}

bool Retrier::again(const Response& r) {
  if (!retryable(r) || attempt_ >= p_.maxAttempts) return false;
  long left = p_.budgetMs - elapsedMs(start_);
  if (left <= 0) return false;
  long delay = std::min(retryDelayMs(p_, r, attempt_), left);
  if (p_.runBudget) {
    // The attempt that just failed was a retry too (after the first): it costs its time.
    long cost = delay + (attempt_ > 1 ? elapsedMs(attemptStart_) : 0);
    long have = p_.runBudget->load();
    do {
      if (have <= 0) return false;
    } while (!p_.runBudget->compare_exchange_weak(have, have - cost));
  }
  sleep_(delay);
  attemptStart_ = Clock::now();
  ++attempt_;
  return true;
}

}  // namespace mon::net
