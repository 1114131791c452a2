#include "prometheus/promql.h"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace mon::promql {

namespace {

const char* kBlackboxModule = "a blackbox exporter module setting; set it in blackbox.yml";

// `metric{m1, m2}` or `metric` when there are no matchers.
std::string sel(const std::string& metric, const std::string& matchers) {
  return matchers.empty() ? metric : metric + "{" + matchers + "}";
}

std::string join(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + ", " + b;
}

// node_exporter expression for a host metric over `w`, restricted by `m`; empty if unknown.
std::string hostValue(const std::string& metric, const std::string& w, const std::string& m) {
  auto ratio = [&](const char* avail, const char* total, const std::string& mm) {
    return "avg_over_time(" + sel(avail, mm) + "[" + w + "]) / avg_over_time(" + sel(total, mm) + "[" + w + "])";
  };
  if (metric == "cpu%")
    return "100 * (1 - avg without (cpu, mode) (rate(" + sel("node_cpu_seconds_total", join("mode=\"idle\"", m)) + "[" + w +
           "])))";
  if (metric == "memory%") return "100 * (1 - " + ratio("node_memory_MemAvailable_bytes", "node_memory_MemTotal_bytes", m) + ")";
  if (metric == "swap%") return "100 * (1 - " + ratio("node_memory_SwapFree_bytes", "node_memory_SwapTotal_bytes", m) + ")";
  if (metric == "disk%") {
    std::string mm = join("fstype!~\"tmpfs|overlay|squashfs\"", m);
    return "100 * max without (device, fstype, mountpoint) (1 - " +
           ratio("node_filesystem_avail_bytes", "node_filesystem_size_bytes", mm) + ")";
  }
  for (const char* n : {"loadavg1", "loadavg5", "loadavg15"})
    if (metric == n) return "avg_over_time(" + sel(std::string("node_load") + (n + 7), m) + "[" + w + "])";
  return "";
}

// Applies scopes (an `or` per scope) and exclude_scopes (`unless on (instance)`) to `value`.
template <class F>
std::string scoped(const ir::Props& p, F value) {
  std::vector<std::string> parts;
  if (const ir::Prop* s = p.find("scopes"))
    for (const auto& x : s->value) parts.push_back(value(scopeMatchers(x.get<std::string>())));
  std::string out;
  if (parts.empty()) out = value("");
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? " or " : "") + parts[i];
  if (const ir::Prop* ex = p.find("exclude_scopes"); ex && !ex->value.empty()) {
    std::string rhs;
    for (const auto& x : ex->value) rhs += (rhs.empty() ? "" : " or ") + sel("up", scopeMatchers(x.get<std::string>()));
    out = "(" + out + ") unless on (instance) (" + rhs + ")";
  }
  return out;
}

// warning/critical conditions on one value.
void thresholds(const ir::Monitor& m, const std::string& value, long long forSeconds, Translation& t) {
  std::string op = m.props.str("operator", ">");
  for (const char* sev : {"warning", "critical"}) {
    const ir::Prop* x = m.props.find(sev);
    if (!x || !x->value.is_number()) continue;
    t.conditions.push_back(Condition{sev, value, op, x->value.get<double>(), forSeconds, ""});
  }
}

long long attemptsFor(const ir::Props& p) { return (static_cast<long long>(p.num("max_check_attempts", 1)) - 1) * 60; }

void host(const ir::Monitor& m, Translation& t) {
  std::string metric = m.props.str("metric");
  std::string w = duration(static_cast<long long>(m.props.num("duration", 1)) * 60);
  if (hostValue(metric, w, "").empty()) {
    t.whyNot = "host metric '" + metric +
               "' has no node_exporter mapping (cpu%, memory%, disk%, swap%, loadavg1, loadavg5 and loadavg15 have one)";
    return;
  }
  std::string value = scoped(m.props, [&](const std::string& mm) { return hostValue(metric, w, mm); });
  thresholds(m, value, attemptsFor(m.props), t);
}

void connectivity(const ir::Monitor& m, Translation& t) {
  std::string gone = m.props.str("alert_status_on_gone", "CRITICAL");
  for (auto& c : gone) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string value = scoped(m.props, [](const std::string& mm) { return sel("up", mm); });
  t.conditions.push_back(Condition{gone, value, "<", 1, 300, ""});
}

void external(const ir::Monitor& m, Translation& t) {
  const ir::Props& p = m.props;
  std::string inst = "instance=" + quote(p.str("url"));
  t.conditions.push_back(Condition{"critical", sel("probe_success", inst), "<", 1, attemptsFor(p), ""});
  std::string rt = sel("probe_duration_seconds", inst);
  if (const ir::Prop* d = p.find("response_time_duration"))
    rt = "avg_over_time(" + rt + "[" + duration(d->value.get<long long>() * 60) + "])";
  for (const char* sev : {"warning", "critical"})
    if (const ir::Prop* x = p.find(std::string("response_time_") + sev))
      t.conditions.push_back(Condition{sev, rt, ">", x->value.get<double>() / 1000, 0, "response time"});
  std::string cert = "(" + sel("probe_ssl_earliest_cert_expiry", inst) + " - time()) / 86400";
  for (const char* sev : {"warning", "critical"})
    if (const ir::Prop* x = p.find(std::string("certification_expiration_") + sev))
      t.conditions.push_back(Condition{sev, cert, "<", x->value.get<double>(), 0, "certificate"});
  for (const char* f : {"method", "request_body", "contains_string", "headers", "expected_status_code",
                        "skip_certificate_verification", "follow_redirect", "dualstack"})
    if (p.has(f)) t.dropped.push_back({f, kBlackboxModule});
}

void query(const ir::Monitor& m, Translation& t) {
  thresholds(m, m.props.str("query"), static_cast<long long>(m.props.num("for_duration", 0)), t);
  if (m.props.has("legend")) t.dropped.push_back({"legend", "alerts are named by the monitor"});
  if (m.props.has("evaluate_backward_minutes"))
    t.dropped.push_back({"evaluate_backward_minutes", "rules evaluate at the current time; use 'offset' in the query"});
}

}  // namespace

Translation translate(const ir::Monitor& m) {
  Translation t;
  switch (m.kind) {
    case ir::MonitorKind::Host: host(m, t); break;
    case ir::MonitorKind::Connectivity: connectivity(m, t); break;
    case ir::MonitorKind::External: external(m, t); break;
    case ir::MonitorKind::Query: query(m, t); break;
    case ir::MonitorKind::Service:
      t.whyNot = "service metrics exist only in Mackerel (write a query monitor with PromQL instead)";
      break;
    case ir::MonitorKind::Expression:
      t.whyNot = "Mackerel graph expressions are not PromQL (write a query monitor instead)";
      break;
    case ir::MonitorKind::AnomalyDetection:
      t.whyNot = "anomaly detection is a Mackerel feature";
      break;
  }
  if (!t.whyNot.empty()) t.conditions.clear();
  if (m.props.has("notification_interval"))
    t.dropped.push_back({"notification_interval", "re-notification is Alertmanager's repeat_interval"});
  return t;
}

namespace {

bool identChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }

// `word` standing on its own at `i` of `s`.
bool wordAt(const std::string& s, size_t i, std::string_view word) {
  size_t n = word.size();
  if (s.compare(i, n, word) != 0 || (i > 0 && identChar(s[i - 1]))) return false;
  return i + n >= s.size() || !identChar(s[i + n]);
}

}  // namespace

bool looseOperatorAt(const std::string& s, size_t i) {
  char c = s[i];
  if (c != 'a' && c != 'o' && c != 'u' && c != 'b') return false;
  return wordAt(s, i, "and") || wordAt(s, i, "or") || wordAt(s, i, "unless") || wordAt(s, i, "bool");
}

namespace {

// What standsAsLeftOperand() looks at in a byte; every other byte is skipped with one lookup.
enum ByteRole : uint8_t { kPlain, kQuote, kOpen, kClose, kComment, kComparison, kWordStart };

struct ByteRoles {
  ByteRole role[256] = {};
  ByteRoles() {
    for (unsigned char c : std::string_view("\"'`")) role[c] = kQuote;
    for (unsigned char c : std::string_view("({[")) role[c] = kOpen;
    for (unsigned char c : std::string_view(")}]")) role[c] = kClose;
    role[static_cast<unsigned char>('#')] = kComment;
    for (unsigned char c : std::string_view("<>=!")) role[c] = kComparison;
    for (unsigned char c : std::string_view("aoub")) role[c] = kWordStart;  // and, or, unless, bool
  }
};

}  // namespace

// scanOutsideStrings() with its visitor spelled out, so the bytes that matter are found by a
// table: a rule file asks this of every monitor's query, and a few hundred bytes each, one
// branch chain per byte, was a sixth of writing the rules.
bool standsAsLeftOperand(const std::string& s) {
  static const ByteRoles kRoles;
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    switch (kRoles.role[static_cast<unsigned char>(s[i])]) {
      case kPlain: break;
      case kQuote: {
        const char quote = s[i];
        for (++i; i < s.size() && s[i] != quote; ++i)
          if (s[i] == '\\') ++i;
        if (i >= s.size()) return false;  // ends inside a string literal
        break;
      }
      case kOpen: ++depth; break;
      case kClose:
        if (--depth < 0) return false;  // a closing bracket without its opening one
        break;
      case kComment: return false;  // a comment would swallow what follows on its line
      case kComparison:
        if (depth == 0) return false;
        break;
      case kWordStart:
        if (depth == 0 && looseOperatorAt(s, i)) return false;
        break;
    }
  }
  return depth == 0 && s.find_first_not_of(" \t\r\n") != std::string::npos;
}

std::string comparison(const Condition& c) {
  bool bare = standsAsLeftOperand(c.value);
  std::string threshold = number(c.threshold);
  std::string out;  // made once at its size: a query is often a few hundred bytes
  out.reserve(c.value.size() + c.op.size() + threshold.size() + 4);
  if (!bare) out += '(';
  out += c.value;
  if (!bare) out += ')';
  out += ' ';
  out += c.op;
  out += ' ';
  out += threshold;
  return out;
}

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    // Whole numbers (nearly every threshold) as integers: what "%.0f" writes, without the
    // formatting machinery that was a tenth of writing a rule. -0 stays "-0".
    if (v == 0 && std::signbit(v)) return "-0";
    char buf[24];
    auto end = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v)).ptr;
    return std::string(buf, end);
  }
  char buf[40];
  for (int prec = 1; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

std::string duration(long long s) {
  if (s <= 0) return "0s";
  std::string out;
  const std::pair<long long, const char*> units[] = {{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  for (auto [n, u] : units)
    if (s >= n) {
      out += std::to_string(s / n) + u;
      s %= n;
    }
  return out;
}

std::string scopeMatchers(const std::string& scope) {
  size_t colon = scope.find(':');
  if (colon == std::string::npos) return "service=" + quote(scope);
  std::string role = scope.substr(colon + 1);
  while (!role.empty() && role[0] == ' ') role.erase(0, 1);
  return "service=" + quote(scope.substr(0, colon)) + ", role=" + quote(role);
}

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

}  // namespace mon::promql
