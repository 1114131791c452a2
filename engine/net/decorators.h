#pragma once
// Clients over a Client: what every backend's requests share, added around the seam of
// http.h rather than inside each backend. LoggingClient logs each exchange (method, path,
// status; never headers or bodies, secrets redacted) and retries what may pass on a second
// try; ReplayingClient answers a GET it has seen with the answer it got, so what a plan read
// and what its fingerprints describe are the same answers.
#include <chrono>
#include <mutex>

#include "net/http.h"
#include "net/retry.h"

namespace mon::net {

/// `text` with every occurrence of each non-empty secret replaced by "[redacted]".
std::string redact(std::string text, const std::vector<std::string>& secrets);

struct LoggingOptions {
  /// Receives one line per exchange: "METHOD PATH -> STATUS" (the transport's reason when no
  /// status arrived); called by one thread at a time.
  std::function<void(const std::string&)> log;
  /// Removed from log lines and from transport reasons (an API key, a token).
  std::vector<std::string> secrets;
  RetryPolicy retry;
  /// Retries GETs by the policy; other methods are sent once (whether a write may be repeated
  /// is the caller's decision). False: every request is sent once.
  bool retryGets = true;
  /// Paths in log lines are relative to this URL when a request's URL starts with it; else
  /// (or when empty) they start after the host.
  std::string base;
  /// Appends " (N ms, started at +M ms)" (time since the client was made) to each line.
  bool timing = false;
};

class LoggingClient : public Client {
 public:
  LoggingClient(std::shared_ptr<Client> inner, LoggingOptions opts);
  Response send(const Request& req) override;

 private:
  std::string pathOf(const std::string& url) const;
  std::shared_ptr<Client> inner_;
  LoggingOptions opts_;
  std::mutex logMu_;
  std::chrono::steady_clock::time_point born_ = std::chrono::steady_clock::now();
};

/// Records the first answer to each GET (by URL) and gives it again to every later GET of the
/// same URL; other methods pass through unrecorded.
class ReplayingClient : public Client {
 public:
  explicit ReplayingClient(std::shared_ptr<Client> inner) : inner_(std::move(inner)) {}
  Response send(const Request& req) override;

 private:
  std::shared_ptr<Client> inner_;
  std::mutex mu_;
  std::map<std::string, Response> answers_;
};

}  // namespace mon::net
