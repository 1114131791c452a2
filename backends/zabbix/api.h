#pragma once
// Zabbix 6.0 JSON-RPC over the engine's HTTP seam: one POST per call to api_jsonrpc.php with
// the token in the body's "auth" member (6.0 takes no Authorization header). HTTP 200 carries
// errors too, in the "error" member.
#include <atomic>
#include <memory>
#include <string>

#include "ir/ir.h"
#include "net/http.h"

namespace mon::zabbix {

class Api {
 public:
  /// `url`: the frontend's base URL or api_jsonrpc.php itself.
  Api(std::shared_ptr<net::Client> client, const std::string& url);
  /// Logs in with a user and password (only when no API token is given); the session id
  /// becomes the auth of every later call.
  bool login(const std::string& user, const std::string& password, std::string& err);
  void setAuth(std::string auth) { auth_ = std::move(auth); }
  /// Ends a session made by login(); nothing for a token.
  void logout();
  /// Calls `method`; false with `err` ("trigger.create: Invalid params. (...)") on failure.
  bool call(const std::string& method, const ir::Json& params, ir::Json& result, std::string& err);
  const std::string& endpoint() const { return endpoint_; }

 private:
  bool callOnce(const std::string& method, const ir::Json& params, ir::Json& result, std::string& err);
  std::shared_ptr<net::Client> client_;
  std::string endpoint_;
  std::string auth_;
  bool session_ = false;
  std::atomic<long> nextId_{1};
};

/// The API endpoint for a target's `url`: `url` when it names api_jsonrpc.php, else
/// `url` + "/api_jsonrpc.php".
std::string endpointOf(const std::string& url);

}  // namespace mon::zabbix
