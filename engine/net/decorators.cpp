#include "net/decorators.h"

namespace mon::net {

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& s : secrets) {
    if (s.empty()) continue;
    for (size_t at = 0; (at = text.find(s, at)) != std::string::npos; at += 10) text.replace(at, s.size(), "[redacted]");
  }
  return text;
}

LoggingClient::LoggingClient(std::shared_ptr<Client> inner, LoggingOptions opts)
    : inner_(std::move(inner)), opts_(std::move(opts)) {}

std::string LoggingClient::pathOf(const std::string& url) const {
  if (!opts_.base.empty() && url.rfind(opts_.base, 0) == 0) return url.substr(opts_.base.size());
  std::string path = url;
  if (size_t scheme = path.find("://"); scheme != std::string::npos) {
    size_t slash = path.find('/', scheme + 3);
    path = slash == std::string::npos ? "/" : path.substr(slash);
  }
  return path;
}

Response LoggingClient::send(const Request& req) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  Retrier retry(opts_.retry);
  for (;;) {
    auto t0 = std::chrono::steady_clock::now();
    Response res = inner_->send(req);
    if (!res.transport.empty()) res.transport = redact(res.transport, opts_.secrets);
    if (opts_.log) {
      std::string line = req.method + " " + pathOf(req.url) + " -> " +
                         (res.transport.empty() ? std::to_string(res.status) : res.transport);
      if (opts_.timing) {
        long ms = duration_cast<milliseconds>(std::chrono::steady_clock::now() - t0).count();
        long at = duration_cast<milliseconds>(t0 - born_).count();
        line += " (" + std::to_string(ms) + " ms, started at +" + std::to_string(at) + " ms)";
      }
      line = redact(line, opts_.secrets);
      std::lock_guard<std::mutex> lock(logMu_);
      opts_.log(line);
    }
    if (!opts_.retryGets || req.method != "GET" || res.ok() || !retry.again(res)) return res;
  }
}

Response ReplayingClient::send(const Request& req) {
  if (req.method != "GET") return inner_->send(req);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = answers_.find(req.url); it != answers_.end()) return it->second;
  }
  Response res = inner_->send(req);
  std::lock_guard<std::mutex> lock(mu_);
  return answers_.emplace(req.url, std::move(res)).first->second;  // the first answer stays
}

}  // namespace mon::net
