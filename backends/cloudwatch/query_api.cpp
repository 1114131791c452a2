#include "cloudwatch/query_api.h"

#include <cctype>

#include "support/text.h"

namespace mon::cloudwatch {

using Json = ir::Json;

namespace {

std::string encode(const std::string& s) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

std::string scalar(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) return formatNumber(v.get<double>());
  return v.dump();
}

void flatten(const std::string& prefix, const Json& v, std::string& out) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) flatten(prefix.empty() ? it.key() : prefix + "." + it.key(), it.value(), out);
  } else if (v.is_array()) {
    // An empty list is sent as the bare name, which the query protocol reads as [] (it
    // clears OKActions and the like on a put).
    if (v.empty()) out += "&" + encode(prefix) + "=";
    for (size_t i = 0; i < v.size(); ++i) flatten(prefix + ".member." + std::to_string(i + 1), v[i], out);
  } else if (!v.is_null()) {
    out += "&" + encode(prefix) + "=" + encode(scalar(v));
  }
}

bool throttled(const std::string& code) {
  return code == "Throttling" || code == "ThrottlingException" || code == "RequestLimitExceeded" ||
         code == "TooManyRequestsException" || code == "RequestThrottled" || code == "SlowDown";
}

}  // namespace

std::string formBody(const std::string& action, const Json& params) {
  std::string out = "Action=" + encode(action) + "&Version=2010-08-01";
  flatten("", params, out);
  return out;
}

std::string defaultEndpoint(const std::string& region) {
  std::string domain = region.rfind("cn-", 0) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
  return "https://monitoring." + region + "." + domain;
}

Api::Api(std::shared_ptr<net::Client> client, std::string endpoint, std::string region, Credentials creds, net::RetryPolicy retry)
    : client_(std::move(client)), endpoint_(net::withoutTrailingSlash(endpoint)), region_(std::move(region)),
      creds_(std::move(creds)), retry_(std::move(retry)) {}

bool Api::call(const std::string& action, const Json& params, XmlNode& result, std::string& err) {
  std::string body = formBody(action, params);
  net::Retrier retrier(retry_);
  for (;;) {
    net::Request req;
    req.method = "POST";
    req.url = endpoint_ + "/";
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    req.body = body;
    signV4(req, creds_, region_, "monitoring", amzNow());
    net::Response res = client_->send(req);
    net::Response verdict = res;  // what the retry policy sees
    std::string why;
    if (!res.transport.empty()) {
      why = res.transport;
    } else {
      XmlNode root;
      std::string perr;
      bool xml = parseXml(res.body, root, perr);
      if (res.ok()) {
        if (!xml) return (err = action + ": " + perr, false);
        const XmlNode* r = root.child(action + "Result");
        static const XmlNode empty;
        result = r ? *r : empty;
        return true;
      }
      std::string code, message;
      if (xml) {
        const XmlNode* e = root.child("Error");
        if (e) code = e->childText("Code"), message = e->childText("Message");
      }
      why = "HTTP " + std::to_string(res.status) + (code.empty() ? "" : ": " + code) + (message.empty() ? "" : ": " + message);
      // Throttling comes as a 400; the retry policy retries 429s by their own rules.
      if (throttled(code)) verdict.status = 429;
    }
    if (!retrier.again(verdict)) {
      err = action + ": " + why;
      if (retrier.attempts() > 1) err += " (after " + std::to_string(retrier.attempts()) + " attempts)";
      return false;
    }
  }
}

}  // namespace mon::cloudwatch
