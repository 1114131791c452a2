#pragma once
// The HTTP seam of the engine: a request goes in, a status, headers and body come out. Every
// backend that talks HTTP does so through a Client the engine gives it (target_support.h's
// loggedClient). CurlClient (curl_client.cpp, the only libcurl user) talks to the network;
// decorators.h adds logging, retries and GET replay around any Client; RecordingClient
// (fake_client.h) answers from a function and records what was sent, for unit tests.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mon::net {

struct Request {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

/// What happened on the wire. `transport` is empty when an HTTP status arrived; otherwise it
/// says why none did ("timeout", "connection reset", ...). A transport failure means the
/// request may or may not have reached the server.
struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string transport;
  /// A transport failure that cannot pass on a second try (TLS verification, a malformed
  /// request): never retried.
  bool permanent = false;
  bool ok() const { return transport.empty() && status >= 200 && status < 300; }
  /// The HTTP status, 0 when none arrived (then `transport` says why).
  int httpStatus() const { return transport.empty() ? status : 0; }
};

/// One HTTP exchange. Implementations must be safe to call from several threads at once.
class Client {
 public:
  virtual ~Client() = default;
  virtual Response send(const Request& req) = 0;
};

struct ClientOptions {
  long connectTimeoutMs = 10000;  // --connect-timeout
  long timeoutMs = 30000;         // --timeout: a whole exchange, connecting included
};

/// The libcurl client: TLS verification on, connections kept and reused per thread. Proxies
/// from the environment (https_proxy, ALL_PROXY, ...) are used for https:// only: plain
/// http:// (allowed to loopback hosts only) always goes straight to the host, so no proxy
/// sees the API key in clear text.
/// libcurl (`library`) is loaded on first use, not linked, so commands that never talk to a
/// server do not load it and its TLS stack; when it cannot be loaded, every request fails at
/// once (permanent transport error) with a message that says what to install.
std::unique_ptr<Client> makeCurlClient(const ClientOptions& opts = {}, const std::string& library = "libcurl.so.4");

/// `url` without its trailing slashes ("https://g.example/" -> "https://g.example"), so
/// request paths ("/api/...") can be appended.
inline std::string withoutTrailingSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

/// "" when `url` may be used, else why not: only https://, or http:// to a loopback host.
std::string checkBaseUrl(const std::string& url);

}  // namespace mon::net
