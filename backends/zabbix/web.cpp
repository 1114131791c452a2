#include "zabbix/web.h"

#include <algorithm>
#include <cstring>

#include "support/text.h"

namespace mon::zabbix {

namespace {

// Scenario fields (httptest.create) a raw key may set, with Zabbix 6.0's defaults; a check
// every minute, as Mackerel's external monitors.
const std::pair<const char*, const char*> kScenarioFields[] = {
    {"delay", "1m"},         {"retries", "1"},     {"agent", "Zabbix"}, {"status", "0"},
    {"verify_peer", "0"},    {"verify_host", "0"}, {"http_proxy", ""}};
// Step fields, with the defaults of the API.
const std::pair<const char*, const char*> kStepFields[] = {
    {"name", ""},          {"no", "1"},           {"url", ""},       {"status_codes", ""}, {"required", ""},
    {"timeout", "15s"},    {"follow_redirects", "1"}, {"posts", ""}, {"retrieve_mode", "0"}};
// Raw keys that set the step rather than the scenario.
const char* const kStepRawKeys[] = {"timeout", "retrieve_mode"};
// The characters a PCRE literal escapes.
const char* const kRegexSpecial = "\\^$.|?*+()[]{}";

std::string text(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
  return v.dump();
}

Json pairs(const Json& list, const char* k1, const char* k2, bool sort) {
  std::vector<std::pair<std::string, std::string>> v;
  if (list.is_array())
    for (const auto& x : list)
      if (x.is_object()) v.emplace_back(text(x.value(k1, Json(""))), text(x.value(k2, Json(""))));
  if (sort) std::sort(v.begin(), v.end());
  Json out = Json::array();
  for (auto& [a, b] : v) out.push_back({{k1, a}, {k2, b}});
  return out;
}

bool isStepRawKey(const std::string& key) {
  return std::any_of(std::begin(kStepRawKeys), std::end(kStepRawKeys), [&](const char* k) { return key == k; });
}

}  // namespace

bool isWebRawKey(const std::string& key) {
  if (isStepRawKey(key)) return true;
  return std::any_of(std::begin(kScenarioFields), std::end(kScenarioFields), [&](const auto& f) { return key == f.first; });
}

std::string regexLiteral(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::strchr(kRegexSpecial, c) && c != '\0') out += '\\';
    out += c;
  }
  return out;
}

bool literalOfRegex(const std::string& re, std::string& out) {
  out.clear();
  for (size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    if (c == '\\') {
      if (i + 1 == re.size() || !std::strchr(kRegexSpecial, re[i + 1])) return false;
      out += re[++i];
    } else if (std::strchr(kRegexSpecial, c)) {
      return false;
    } else {
      out += c;
    }
  }
  return true;
}

std::string webItemKey(const std::string& scenario, const std::string& item) {
  // Zabbix quotes a key parameter that starts with '"' or holds ',' or ']' (quoteItemKeyParam).
  std::string p = scenario;
  if (!p.empty() && (p[0] == '"' || p.find_first_of(",]") != std::string::npos)) {
    std::string q = "\"";
    for (char c : p) q += c == '"' ? std::string("\\\"") : std::string(1, c);
    p = q + "\"";
  }
  if (item == "time") return "web.test.time[" + p + "," + kWebStep + ",resp]";
  if (item == "rspcode") return "web.test.rspcode[" + p + "," + kWebStep + "]";
  return "web.test." + item + "[" + p + "]";
}

Json webScenario(const ir::Monitor& m, std::string& whyNot, std::vector<Dropped>& dropped) {
  if (m.name.size() > 64) return (whyNot = "a web scenario's name (the monitor's) has at most 64 characters", Json());
  if (!m.name.empty() && (m.name.back() == '\\' || m.name.front() == ' '))
    return (whyNot = "a web scenario's name cannot start with a space or end with '\\' (it is a parameter of its items' keys)", Json());
  std::string method = m.props.str("method", "GET");
  std::string body = m.props.str("request_body");
  // A step sends POST when it has a body and GET otherwise: Zabbix 6.0 steps have no method.
  if (method == "PUT" || method == "DELETE")
    return (whyNot = "a web scenario step sends GET, or POST with a body; it has no " + method, Json());
  if (method == "POST" && body.empty()) return (whyNot = "a web scenario step sends POST only with a body ('request_body')", Json());
  if (method == "GET" && !body.empty()) return (whyNot = "a web scenario step with a body sends POST: set method = \"POST\"", Json());
  Json headers = Json::array();
  if (const ir::Prop* h = m.props.find("headers"); h && h->value.is_object())
    for (auto it = h->value.begin(); it != h->value.end(); ++it) headers.push_back({{"name", it.key()}, {"value", text(it.value())}});
  auto flag = [&](const char* f) {
    const ir::Prop* p = m.props.find(f);
    return p && p->value.is_boolean() && p->value.get<bool>();
  };
  std::string codes = m.props.has("expected_status_code") ? formatNumber(m.props.num("expected_status_code")) : "200-399";
  Json step = {{"name", kWebStep},     {"no", 1},
               {"url", m.props.str("url")}, {"status_codes", codes},
               {"required", regexLiteral(m.props.str("contains_string"))}, {"timeout", "15s"},
               {"follow_redirects", flag("follow_redirect") ? 1 : 0}, {"posts", body},
               {"retrieve_mode", 0},   {"headers", headers}};
  // Zabbix does not verify certificates unless told to; the language verifies unless told not to.
  int verify = flag("skip_certificate_verification") ? 0 : 1;
  Json web = {{"name", m.name}, {"delay", "1m"}, {"retries", 1}, {"agent", "Zabbix"}, {"status", 0},
              {"verify_peer", verify}, {"verify_host", verify}, {"http_proxy", ""}};
  for (auto it = m.raw.begin(); it != m.raw.end(); ++it) {
    if (!isWebRawKey(it.key())) continue;
    if (isStepRawKey(it.key())) step[it.key()] = it.value();
    else web[it.key()] = it.value();
  }
  web["tags"] = Json::array({{{"tag", kOwnerTag}, {"value", kOwnerValue}}, {{"tag", kMonitorTag}, {"value", m.name}}});
  // The language asks for `service` with response times (Mackerel's metric's place); kept as a
  // tag, so that pull can write it back.
  if (std::string service = m.props.str("service"); !service.empty()) web["tags"].push_back({{"tag", kServiceTag}, {"value", service}});
  web["steps"] = Json::array({step});
  if (m.props.has("dualstack"))
    dropped.push_back({"dualstack", "a web scenario connects as zabbix_server resolves the host (curl's default)"});
  for (const char* f : {"certification_expiration_warning", "certification_expiration_critical"})
    if (m.props.has(f))
      dropped.push_back({f, "Zabbix 6.0's web scenarios read no certificate: add Zabbix agent 2's item "
                            "web.certificate.get[HOST] to a host and a trigger on its expiry (x509.not_after.timestamp)"});
  return web;
}

Json normalizeWeb(const Json& web) {
  Json out = {{"name", text(web.value("name", Json("")))}};
  for (const auto& [f, d] : kScenarioFields) out[f] = web.contains(f) ? text(web[f]) : std::string(d);
  out["tags"] = pairs(web.value("tags", Json::array()), "tag", "value", true);
  std::vector<Json> steps;
  for (const auto& s : web.value("steps", Json::array())) {
    Json n = Json::object();
    for (const auto& [f, d] : kStepFields) n[f] = s.contains(f) ? text(s[f]) : std::string(d);
    n["headers"] = pairs(s.value("headers", Json::array()), "name", "value", false);
    steps.push_back(std::move(n));
  }
  std::sort(steps.begin(), steps.end(), [](const Json& a, const Json& b) { return std::atoi(a["no"].get<std::string>().c_str()) < std::atoi(b["no"].get<std::string>().c_str()); });
  out["steps"] = Json(steps);
  return out;
}

}  // namespace mon::zabbix
