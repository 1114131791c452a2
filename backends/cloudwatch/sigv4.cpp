#include "cloudwatch/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

namespace mon::cloudwatch {

namespace {

std::string hex(const unsigned char* d, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += digits[d[i] >> 4];
    out += digits[d[i] & 15];
  }
  return out;
}

std::string hmac(const std::string& key, const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       md, &len);
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string trimmed(const std::string& v) {
  // Leading and trailing blanks go, runs of blanks inside become one space.
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// RFC 3986 unreserved characters stay, everything else is %XX (upper-case hex).
std::string uriEncode(const std::string& s, bool keepSlash) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keepSlash && c == '/')) out += static_cast<char>(c);
    else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}
std::string uriDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hexValue(s[i + 1]) >= 0 && hexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(hexValue(s[i + 1]) * 16 + hexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::string sha256Hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return hex(md, len);
}

std::string amzNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

void signV4(net::Request& req, const Credentials& creds, const std::string& region, const std::string& service,
            const std::string& amzDate) {
  // scheme://host[:port]/path?query
  std::string rest = req.url.substr(req.url.find("://") + 3);
  size_t slash = rest.find_first_of("/?");
  std::string host = rest.substr(0, slash);
  std::string pathQuery = slash == std::string::npos ? "/" : rest.substr(slash);
  std::string path = pathQuery.substr(0, pathQuery.find('?'));
  std::string query = pathQuery.find('?') == std::string::npos ? "" : pathQuery.substr(pathQuery.find('?') + 1);
  if (path.empty()) path = "/";
  // The default port is not part of the signed host (as HTTP clients leave it out of Host).
  std::string scheme = lower(req.url.substr(0, req.url.find("://")));
  if ((scheme == "https" && host.size() > 4 && host.compare(host.size() - 4, 4, ":443") == 0) ||
      (scheme == "http" && host.size() > 3 && host.compare(host.size() - 3, 3, ":80") == 0))
    host = host.substr(0, host.rfind(':'));

  req.headers.erase(std::remove_if(req.headers.begin(), req.headers.end(),
                                   [](const auto& h) {
                                     std::string k = lower(h.first);
                                     return k == "authorization" || k == "x-amz-date" || k == "x-amz-security-token";
                                   }),
                    req.headers.end());
  req.headers.push_back({"X-Amz-Date", amzDate});
  if (!creds.sessionToken.empty()) req.headers.push_back({"X-Amz-Security-Token", creds.sessionToken});

  std::map<std::string, std::string> headers = {{"host", host}};
  for (const auto& [k, v] : req.headers) {
    std::string name = lower(k);
    if (name == "user-agent" || name == "expect") continue;  // may be changed on the way
    headers[name] = headers.count(name) ? headers[name] + "," + trimmed(v) : trimmed(v);
  }
  std::string canonicalHeaders, signedHeaders;
  for (const auto& [k, v] : headers) {
    canonicalHeaders += k + ":" + v + "\n";
    signedHeaders += (signedHeaders.empty() ? "" : ";") + k;
  }
  std::vector<std::pair<std::string, std::string>> params;
  for (size_t at = 0; !query.empty() && at <= query.size();) {
    size_t amp = query.find('&', at);
    std::string kv = query.substr(at, amp == std::string::npos ? std::string::npos : amp - at);
    if (!kv.empty()) {
      size_t eq = kv.find('=');
      params.emplace_back(uriEncode(uriDecode(kv.substr(0, eq)), false),
                          eq == std::string::npos ? "" : uriEncode(uriDecode(kv.substr(eq + 1)), false));
    }
    if (amp == std::string::npos) break;
    at = amp + 1;
  }
  std::sort(params.begin(), params.end());
  std::string canonicalQuery;
  for (const auto& [k, v] : params) canonicalQuery += (canonicalQuery.empty() ? "" : "&") + k + "=" + v;

  std::string canonical = req.method + "\n" + uriEncode(uriDecode(path), true) + "\n" + canonicalQuery + "\n" +
                          canonicalHeaders + "\n" + signedHeaders + "\n" + sha256Hex(req.body);
  std::string day = amzDate.substr(0, 8);
  std::string scope = day + "/" + region + "/" + service + "/aws4_request";
  std::string toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + sha256Hex(canonical);
  std::string key = hmac(hmac(hmac(hmac("AWS4" + creds.secretAccessKey, day), region), service), "aws4_request");
  std::string sig = hmac(key, toSign);
  req.headers.push_back({"Authorization", "AWS4-HMAC-SHA256 Credential=" + creds.accessKeyId + "/" + scope +
                                              ", SignedHeaders=" + signedHeaders +
                                              ", Signature=" + hex(reinterpret_cast<const unsigned char*>(sig.data()), sig.size())});
}

}  // namespace mon::cloudwatch
