// The only libcurl user. One easy handle per concurrent caller, taken from a pool and put
// back, so each worker keeps its connection alive between requests.
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "net/http.h"

namespace mon::net {

namespace {

bool isPlainHttp(const std::string& url) {
  if (url.size() < 7) return false;
  std::string scheme = url.substr(0, 7);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  return scheme == "http://";
}

size_t onBody(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t onHeader(char* data, size_t size, size_t n, void* user) {
  std::string line(data, size * n);
  size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(colon + 1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.erase(0, 1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
    (*static_cast<std::map<std::string, std::string>*>(user))[name] = value;
  }
  return size * n;
}

std::string seconds(long ms) {
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

// TLS verification and malformed requests fail the same way every time.
bool permanentError(CURLcode rc) {
  switch (rc) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_FUNCTION_ARGUMENT: return true;
    default: return false;
  }
}

bool hasLineBreak(const std::string& s) { return s.find_first_of("\r\n") != std::string::npos || s.find('\0') != std::string::npos; }

std::string transportError(CURLcode rc, const ClientOptions& o) {
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      return "timed out (no answer within " + seconds(o.timeoutMs) + ", or no connection within " +
             seconds(o.connectTimeoutMs) + "; see --timeout and --connect-timeout)";
    case CURLE_COULDNT_CONNECT: return "connection refused";
    case CURLE_COULDNT_RESOLVE_HOST: return "cannot resolve host";
    case CURLE_GOT_NOTHING: return "connection closed without a response";
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR: return "connection reset";
    case CURLE_PEER_FAILED_VERIFICATION: return "TLS certificate verification failed";
    default: return curl_easy_strerror(rc);
  }
}

class CurlClient : public Client {
 public:
  explicit CurlClient(const ClientOptions& o) : opts_(o) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }
  ~CurlClient() override {
    for (CURL* h : free_) curl_easy_cleanup(h);
  }

  Response send(const Request& req) override {
    Response res;
    std::string why = checkBaseUrl(req.url);
    if (!why.empty()) {
      res.transport = why;
      return res;
    }
    // A header value with a line break would end the headers early or add headers of its own.
    for (const auto& [k, v] : req.headers)
      if (hasLineBreak(k) || hasLineBreak(v)) {
        res.transport = "the request header " + k + " contains a line break or NUL; not sent";
        res.permanent = true;
        return res;
      }
    CURL* h = take();
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, opts_.connectTimeoutMs);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, opts_.timeoutMs);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "monitorc/0.1");
    // checkBaseUrl allows plain http:// to loopback hosts only; an http_proxy or ALL_PROXY from
    // the environment would carry that clear text (the API key too) off the machine.
    if (isPlainHttp(req.url)) curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    // libcurl silently sends a request again when a reused connection closes before any answer.
    // For a POST that would create the object twice if the first one was committed, so a POST
    // always gets a connection of its own; the caller decides about retries.
    if (req.method == "POST") curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
    struct curl_slist* hdrs = nullptr;
    for (const auto& [k, v] : req.headers) hdrs = curl_slist_append(hdrs, (k + ": " + v).c_str());
    hdrs = curl_slist_append(hdrs, "Expect:");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    if (req.method == "POST" || req.method == "PUT" || !req.body.empty()) {
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.c_str());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    }
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &res.body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &res.headers);
    CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(hdrs);
    // The slist is freed: drop the pointer so a reused handle cannot see it.
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
    if (rc != CURLE_OK) {
      res.transport = transportError(rc, opts_);
      res.permanent = permanentError(rc);
    } else {
      long code = 0;
      curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
      res.status = static_cast<int>(code);
    }
    give(h);
    return res;
  }

 private:
  CURL* take() {
    std::lock_guard<std::mutex> lock(mu_);
    if (free_.empty()) return curl_easy_init();
    CURL* h = free_.back();
    free_.pop_back();
    return h;
  }
  void give(CURL* h) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(h);
  }

  ClientOptions opts_;
  std::mutex mu_;
  std::vector<CURL*> free_;
};

bool isLoopback(const std::string& host) {
  if (host == "localhost" || host == "[::1]" || host == "::1") return true;
  return host.rfind("127.", 0) == 0 && host.find_first_not_of("0123456789.") == std::string::npos;
}

}  // namespace

std::string checkBaseUrl(const std::string& url) {
  size_t sep = url.find("://");
  if (sep == std::string::npos) return "'" + url + "' is not an absolute http(s) URL";
  std::string scheme = url.substr(0, sep);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  size_t start = sep + 3;
  size_t end = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (authority.find('@') != std::string::npos) return "URLs with user information are not allowed";
  for (unsigned char c : url)
    if (c <= 0x20 || c == 0x7f) return "the URL contains a space or a control character";
  std::string host = authority, port;
  if (!host.empty() && host[0] == '[') {
    size_t close = host.find(']');
    if (close == std::string::npos) return "'" + url + "' has an unclosed '[' in its host";
    port = host.substr(close + 1);
    host = host.substr(0, close + 1);
    if (host.find_first_not_of("[]0123456789abcdefABCDEF:.") != std::string::npos) return "'" + host + "' is not a valid IPv6 address";
  } else if (size_t colon = host.find(':'); colon != std::string::npos) {
    port = host.substr(colon);
    host = host.substr(0, colon);
  }
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
  if (host.empty()) return "'" + url + "' has no host";
  // A malformed host cannot resolve; say so now instead of retrying a lookup that must fail.
  if (host[0] != '[' && host.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-.") != std::string::npos)
    return "'" + host + "' is not a valid host name (letters, digits, '-' and '.')";
  if (!port.empty() && (port.size() < 2 || port[0] != ':' || port.find_first_not_of("0123456789", 1) != std::string::npos ||
                        port.size() > 6))
    return "'" + url + "' has an invalid port";
  if (scheme == "https") return "";
  if (scheme == "http") {
    if (isLoopback(host)) return "";
    return "plain http:// is only allowed to loopback addresses (got host '" + host + "'); use https://";
  }
  return "unsupported URL scheme '" + scheme + "' (use https://)";
}

std::unique_ptr<Client> makeCurlClient(const ClientOptions& opts) { return std::make_unique<CurlClient>(opts); }

}  // namespace mon::net
