#pragma once
// NerdGraph, New Relic's GraphQL API: one POST of {"query", "variables"} per call with the user
// key in the `API-Key` header, answered 200 with `data` and, when something failed, an
// `errors` array (rate limiting too, with extensions.errorClass TOO_MANY_REQUESTS), or 429 and
// 5xx. Every document here passes its values as GraphQL variables, so no value is ever spliced
// into query text.
#include <initializer_list>
#include <memory>
#include <string>

#include "ir/ir.h"
#include "net/http.h"
#include "net/retry.h"

namespace mon::newrelic {

/// The value at `path` in a NerdGraph answer (or an export of one); null when a step is missing,
/// not an object, or null.
const ir::Json* at(const ir::Json& j, std::initializer_list<const char*> path);

/// One attempt's outcome. `verdict` is what the retry policy sees: the HTTP answer, with an
/// `errors` array that says rate limiting read as a 429 and one that says the server failed
/// as a 503.
struct Attempt {
  bool ok = false;
  ir::Json data;
  std::string why;
  net::Response verdict;
};

class Api {
 public:
  Api(std::shared_ptr<net::Client> client, std::string url, std::string apiKey, net::RetryPolicy retry);
  /// One request, no retry.
  Attempt post(const std::string& document, const ir::Json& variables);
  /// A query or an idempotent mutation (update, delete), retried while the policy allows.
  /// False with `err` ("alertsConditionDelete: ...") on failure.
  bool call(const std::string& what, const std::string& document, const ir::Json& variables, ir::Json& data, std::string& err);
  const std::string& url() const { return url_; }
  const net::RetryPolicy& retry() const { return retry_; }

 private:
  std::shared_ptr<net::Client> client_;
  std::string url_, apiKey_;
  net::RetryPolicy retry_;
};

}  // namespace mon::newrelic
