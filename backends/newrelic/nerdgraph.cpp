#include "newrelic/nerdgraph.h"

namespace mon::newrelic {

const ir::Json* at(const ir::Json& j, std::initializer_list<const char*> path) {
  const ir::Json* cur = &j;
  for (const char* k : path) {
    if (!cur->is_object() || !cur->contains(k) || (*cur)[k].is_null()) return nullptr;
    cur = &(*cur)[k];
  }
  return cur;
}

using Json = ir::Json;

namespace {

std::string errorClass(const Json& e) {
  if (e.contains("extensions") && e["extensions"].is_object()) {
    const Json& x = e["extensions"];
    for (const char* k : {"errorClass", "code"})
      if (x.contains(k) && x[k].is_string()) return x[k].get<std::string>();
  }
  return "";
}

}  // namespace

Api::Api(std::shared_ptr<net::Client> client, std::string url, std::string apiKey, net::RetryPolicy retry)
    : client_(std::move(client)), url_(std::move(url)), apiKey_(std::move(apiKey)), retry_(std::move(retry)) {}

Attempt Api::post(const std::string& document, const Json& variables) {
  Attempt a;
  net::Request req;
  req.method = "POST";
  req.url = url_;
  req.headers = {{"Content-Type", "application/json"}, {"API-Key", apiKey_}};
  req.body = Json{{"query", document}, {"variables", variables}}.dump();
  net::Response res = client_->send(req);
  a.verdict = res;
  if (!res.transport.empty()) return (a.why = res.transport, a);
  Json body = Json::parse(res.body, nullptr, false);
  if (!res.ok()) {
    a.why = "HTTP " + std::to_string(res.status);
    if (body.is_object() && body.contains("errors") && body["errors"].is_array() && !body["errors"].empty())
      a.why += ": " + body["errors"][0].value("message", "");
    return a;
  }
  if (!body.is_object()) return (a.why = "the answer is not JSON", a);
  if (body.contains("errors") && body["errors"].is_array() && !body["errors"].empty()) {
    std::string why, cls;
    for (const auto& e : body["errors"]) {
      if (!why.empty()) why += "; ";
      why += e.is_object() ? e.value("message", "error") : "error";
      if (cls.empty() && e.is_object()) cls = errorClass(e);
    }
    a.why = (cls.empty() ? "" : cls + ": ") + why;
    // Rate limits and server failures arrive in a 200 body: the retry policy sees them as the
    // statuses they stand for. Anything else (validation, unknown field) cannot pass on a retry.
    if (cls == "TOO_MANY_REQUESTS" || cls == "RATE_LIMITED") a.verdict.status = 429;
    else if (cls == "INTERNAL_SERVER_ERROR" || cls == "SERVER_ERROR" || cls == "TIMEOUT") a.verdict.status = 503;
    else a.verdict.status = 400;
    return a;
  }
  a.data = body.value("data", Json::object());
  a.ok = true;
  return a;
}

bool Api::call(const std::string& what, const std::string& document, const Json& variables, Json& data, std::string& err) {
  net::Retrier retrier(retry_);
  for (;;) {
    Attempt a = post(document, variables);
    if (a.ok) return (data = std::move(a.data), true);
    if (!retrier.again(a.verdict)) {
      err = what + ": " + a.why;
      if (retrier.attempts() > 1) err += " (after " + std::to_string(retrier.attempts()) + " attempts)";
      return false;
    }
  }
}

}  // namespace mon::newrelic
