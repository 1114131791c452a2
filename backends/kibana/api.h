#pragma once
// Kibana's HTTP API for one space: JSON over `URL[/s/SPACE]/api/...`, authorised with an API
// key (`Authorization: ApiKey KEY`, the key never in a message), `kbn-xsrf` on every request
// (Kibana refuses writes without it); saved objects are imported as a multipart NDJSON file.
// Every call monitorc makes is safe to send again: creates
// name their rule id (a second create answers 409), updates and deletes name it too. So 429
// and 5xx answers and lost connections are retried by the engine's retry policy, honouring
// Retry-After.
#include <memory>
#include <string>

#include "ir/ir.h"
#include "net/http.h"
#include "net/retry.h"

namespace mon::kibana {

struct ApiAnswer {
  int status = 0;     // 0: no answer (transport failure after the retries)
  ir::Json body;      // the JSON answer (null when empty or not JSON)
  std::string error;  // "" when 2xx; else "POST /api/...: HTTP 400: <Kibana's message>"
};

class Api {
 public:
  Api(std::shared_ptr<net::Client> client, std::string url, std::string space, std::string apiKey, net::RetryPolicy retry);
  /// `path` is under the space ("/api/alerting/rule/ID"); `body` null sends none.
  ApiAnswer call(const std::string& method, const std::string& path, const ir::Json& body = nullptr);
  /// `POST /api/saved_objects/_import[?overwrite=true]` with the NDJSON as the multipart form's
  /// file. Safe to send again: the objects keep their ids (no createNewCopies).
  ApiAnswer importObjects(const std::string& ndjson, bool overwrite);
  /// The base URL with the space: https://kibana.example/s/ops, or the URL alone for "default".
  const std::string& base() const { return base_; }

 private:
  ApiAnswer send(const std::string& method, const std::string& path, const std::string& contentType, const std::string& body);

  std::shared_ptr<net::Client> client_;
  std::string base_, key_;
  net::RetryPolicy retry_;
};

/// The space's base: `url` for the default space, `url/s/SPACE` otherwise.
std::string spaceBase(const std::string& url, const std::string& space);

}  // namespace mon::kibana
