// The only libcurl user. One easy handle per concurrent caller, taken from a pool and put
// back, so each worker keeps its connection alive between requests.
//
// libcurl is loaded with dlopen the first time a client is made, not linked: with its TLS
// stack it brings about 37 shared libraries, and loading them was most of the start-up time of
// commands that never talk to a server (check, build, fmt, lsp). curl.h is used for its types
// and constants only; every function is called through the table `Curl` holds.
#include <curl/curl.h>
#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "net/http.h"
#include "net/preload.h"

namespace mon::net {

namespace {

// The libcurl functions this client calls, resolved from the loaded library.
struct Curl {
  CURLcode (*global_init)(long);
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL*);
  void (*easy_reset)(CURL*);
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_perform)(CURL*);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  const char* (*easy_strerror)(CURLcode);
  struct curl_slist* (*slist_append)(struct curl_slist*, const char*);
  void (*slist_free_all)(struct curl_slist*);
};

template <typename F>
bool resolve(void* lib, const char* name, F& fn, std::string& err) {
  fn = reinterpret_cast<F>(dlsym(lib, name));
  if (!fn) err = std::string("symbol ") + name + " not found";
  return fn != nullptr;
}

// Loads `library` once per name (the handle is never closed: its functions stay in use until
// exit) and initialises it. Null with `err` when it cannot be loaded.
const Curl* loadCurl(const std::string& library, std::string& err) {
  struct Loaded {
    Curl fns{};
    std::string error;
  };
  static std::mutex mu;
  static std::map<std::string, Loaded> loaded;
  std::lock_guard<std::mutex> lock(mu);
  auto [it, fresh] = loaded.try_emplace(library);
  Loaded& l = it->second;
  if (fresh) {
    void* lib = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
    Curl& c = l.fns;
    std::string why;
    if (!lib) {
      const char* e = dlerror();
      why = e ? e : "dlopen failed";
    } else if (!(resolve(lib, "curl_global_init", c.global_init, why) && resolve(lib, "curl_easy_init", c.easy_init, why) &&
                 resolve(lib, "curl_easy_cleanup", c.easy_cleanup, why) && resolve(lib, "curl_easy_reset", c.easy_reset, why) &&
                 resolve(lib, "curl_easy_setopt", c.easy_setopt, why) && resolve(lib, "curl_easy_perform", c.easy_perform, why) &&
                 resolve(lib, "curl_easy_getinfo", c.easy_getinfo, why) &&
                 resolve(lib, "curl_easy_strerror", c.easy_strerror, why) &&
                 resolve(lib, "curl_slist_append", c.slist_append, why) &&
                 resolve(lib, "curl_slist_free_all", c.slist_free_all, why))) {
    } else if (c.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      why = "curl_global_init failed";
    }
    if (!why.empty())
      l.error = "cannot load " + library + " (" + why + "); monitorc needs libcurl to talk to a server: install it (Debian: apt-get install libcurl4)";
  }
  err = l.error;
  return err.empty() ? &l.fns : nullptr;
}

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

std::string transportError(const Curl& curl, CURLcode rc, const ClientOptions& o) {
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
    default: return curl.easy_strerror(rc);
  }
}

class CurlClient : public Client {
 public:
  CurlClient(const ClientOptions& o, const std::string& library) : opts_(o) { curl_ = loadCurl(library, loadError_); }
  ~CurlClient() override {
    for (CURL* h : free_) curl_->easy_cleanup(h);
  }

  Response send(const Request& req) override {
    Response res;
    if (!curl_) {
      // Nothing was sent, and nothing will be on a second try.
      res.transport = loadError_;
      res.permanent = true;
      return res;
    }
    const Curl& curl = *curl_;
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
    curl.easy_reset(h);
    curl.easy_setopt(h, CURLOPT_URL, req.url.c_str());
    curl.easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    curl.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, opts_.connectTimeoutMs);
    curl.easy_setopt(h, CURLOPT_TIMEOUT_MS, opts_.timeoutMs);
    curl.easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl.easy_setopt(h, CURLOPT_USERAGENT, "monitorc/0.1");
    // checkBaseUrl allows plain http:// to loopback hosts only; an http_proxy or ALL_PROXY from
    // the environment would carry that clear text (the API key too) off the machine.
    if (isPlainHttp(req.url)) curl.easy_setopt(h, CURLOPT_NOPROXY, "*");
    // libcurl silently sends a request again when a reused connection closes before any answer.
    // For a POST that would create the object twice if the first one was committed, so a POST
    // always gets a connection of its own; the caller decides about retries.
    if (req.method == "POST") curl.easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
    struct curl_slist* hdrs = nullptr;
    for (const auto& [k, v] : req.headers) hdrs = curl.slist_append(hdrs, (k + ": " + v).c_str());
    hdrs = curl.slist_append(hdrs, "Expect:");
    curl.easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    if (req.method == "POST" || req.method == "PUT" || !req.body.empty()) {
      curl.easy_setopt(h, CURLOPT_POSTFIELDS, req.body.c_str());
      curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    }
    curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, onBody);
    curl.easy_setopt(h, CURLOPT_WRITEDATA, &res.body);
    curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, onHeader);
    curl.easy_setopt(h, CURLOPT_HEADERDATA, &res.headers);
    CURLcode rc = curl.easy_perform(h);
    curl.slist_free_all(hdrs);
    // The slist is freed: drop the pointer so a reused handle cannot see it.
    curl.easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
    if (rc != CURLE_OK) {
      res.transport = transportError(curl, rc, opts_);
      res.permanent = permanentError(rc);
    } else {
      long code = 0;
      curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
      res.status = static_cast<int>(code);
    }
    give(h);
    return res;
  }

 private:
  CURL* take() {
    std::lock_guard<std::mutex> lock(mu_);
    if (free_.empty()) return curl_->easy_init();
    CURL* h = free_.back();
    free_.pop_back();
    return h;
  }
  void give(CURL* h) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(h);
  }

  ClientOptions opts_;
  const Curl* curl_ = nullptr;  // null when libcurl could not be loaded (loadError_ says why)
  std::string loadError_;
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

void preloadCurl(const std::string& library) {
  std::string err;
  loadCurl(library, err);
}

std::unique_ptr<Client> makeCurlClient(const ClientOptions& opts, const std::string& library) {
  return std::make_unique<CurlClient>(opts, library);
}

}  // namespace mon::net
