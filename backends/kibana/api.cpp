#include "kibana/api.h"

namespace mon::kibana {

std::string spaceBase(const std::string& url, const std::string& space) {
  std::string base = net::withoutTrailingSlash(url);
  return space.empty() || space == "default" ? base : base + "/s/" + space;
}

Api::Api(std::shared_ptr<net::Client> client, std::string url, std::string space, std::string apiKey, net::RetryPolicy retry)
    : client_(std::move(client)), base_(spaceBase(url, space)), key_(std::move(apiKey)), retry_(std::move(retry)) {}

ApiAnswer Api::call(const std::string& method, const std::string& path, const ir::Json& body) {
  if (body.is_null()) return send(method, path, "", "");
  return send(method, path, "application/json", body.dump());
}

ApiAnswer Api::importObjects(const std::string& ndjson, bool overwrite) {
  // One form field, "file", holding the NDJSON (Kibana reads the file's name for its .ndjson
  // extension). The boundary is a fixed string no JSON line starts with.
  const std::string boundary = "monitorc-saved-objects-8d3f1c";
  std::string form = "--" + boundary + "\r\n" +
                     "Content-Disposition: form-data; name=\"file\"; filename=\"monitorc.ndjson\"\r\n" +
                     "Content-Type: application/ndjson\r\n\r\n" + ndjson + "\r\n--" + boundary + "--\r\n";
  return send("POST", std::string("/api/saved_objects/_import") + (overwrite ? "?overwrite=true" : ""),
              "multipart/form-data; boundary=" + boundary, form);
}

ApiAnswer Api::send(const std::string& method, const std::string& path, const std::string& contentType, const std::string& body) {
  ApiAnswer a;
  net::Retrier retrier(retry_);
  for (;;) {
    net::Request req;
    req.method = method;
    req.url = base_ + path;
    req.headers = {{"Authorization", "ApiKey " + key_}, {"kbn-xsrf", "monitorc"}};
    if (!contentType.empty()) {
      req.headers.emplace_back("Content-Type", contentType);
      req.body = body;
    }
    net::Response res = client_->send(req);
    std::string why;
    if (!res.transport.empty()) {
      why = res.transport;
    } else {
      a.status = res.status;
      a.body = res.body.empty() ? ir::Json() : ir::Json::parse(res.body, nullptr, false);
      if (a.body.is_discarded()) a.body = nullptr;
      if (res.ok()) return a;
      // Kibana's error body: {"statusCode": 400, "error": "Bad Request", "message": "..."}.
      std::string message = a.body.is_object() ? a.body.value("message", "") : "";
      why = "HTTP " + std::to_string(res.status) + (message.empty() ? "" : ": " + message);
    }
    if (!retrier.again(res)) {
      a.error = method + " " + path + ": " + why;
      if (retrier.attempts() > 1) a.error += " (after " + std::to_string(retrier.attempts()) + " attempts)";
      if (!res.transport.empty()) a.status = 0;
      return a;
    }
  }
}

}  // namespace mon::kibana
