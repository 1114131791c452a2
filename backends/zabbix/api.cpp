#include "zabbix/api.h"

#include <chrono>
#include <thread>

namespace mon::zabbix {

using Json = ir::Json;

std::string endpointOf(const std::string& url) {
  std::string u = net::withoutTrailingSlash(url);
  const std::string file = "api_jsonrpc.php";
  if (u.size() >= file.size() && u.compare(u.size() - file.size(), file.size(), file) == 0) return u;
  return u + "/" + file;
}

Api::Api(std::shared_ptr<net::Client> client, const std::string& url) : client_(std::move(client)), endpoint_(endpointOf(url)) {}

bool Api::call(const std::string& method, const Json& params, Json& result, std::string& err) {
  // The frontend runs each call in one database transaction and rolls it back on a database
  // error, so such a call is sent again: concurrent first writes of a kind of object race for
  // the same row of Zabbix's id table (DBEXECUTE_ERROR on a fresh server, seen with --parallel).
  for (int attempt = 1;; ++attempt) {
    if (callOnce(method, params, result, err)) return true;
    if (attempt == 3 || err.find("DBEXECUTE_ERROR") == std::string::npos) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
  }
}

bool Api::callOnce(const std::string& method, const Json& params, Json& result, std::string& err) {
  Json env = {{"jsonrpc", "2.0"}, {"method", method}, {"params", params}, {"id", nextId_++}};
  // user.login and apiinfo.version refuse an auth member.
  if (!auth_.empty() && method != "user.login" && method != "apiinfo.version") env["auth"] = auth_;
  net::Request req;
  req.method = "POST";
  req.url = endpoint_;
  req.headers = {{"Content-Type", "application/json-rpc"}};
  req.body = env.dump();
  net::Response res = client_->send(req);
  if (!res.transport.empty()) return (err = method + ": " + res.transport, false);
  if (!res.ok()) return (err = method + ": HTTP " + std::to_string(res.status), false);
  Json j = Json::parse(res.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return (err = method + ": the answer is not JSON-RPC", false);
  if (j.contains("error")) {
    const Json& e = j["error"];
    std::string msg = e.is_object() ? e.value("message", "") : "";
    std::string data = e.is_object() && e.contains("data") && e["data"].is_string() ? e["data"].get<std::string>() : "";
    return (err = method + ": " + msg + (data.empty() ? "" : " " + data), false);
  }
  if (!j.contains("result")) return (err = method + ": no result in the answer", false);
  result = std::move(j["result"]);
  return true;
}

bool Api::login(const std::string& user, const std::string& password, std::string& err) {
  Json r;
  if (!call("user.login", {{"username", user}, {"password", password}}, r, err)) return false;
  if (!r.is_string()) return (err = "user.login: no session id in the answer", false);
  auth_ = r.get<std::string>();
  session_ = true;
  return true;
}

void Api::logout() {
  if (!session_) return;
  Json r;
  std::string err;
  call("user.logout", Json::array(), r, err);
  session_ = false;
}

}  // namespace mon::zabbix
