#include "newrelic/mapping.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "ownership.h"

namespace mon::newrelic {

namespace {

// Condition input fields monitorc writes itself (from the monitor's name, memo, query,
// thresholds and mute) and the ones `raw` may set, as NerdGraph spells them.
const char* const kRawFields[] = {"baselineDirection", "signal", "expiration", "violationTimeLimitSeconds",
                                  "titleTemplate", "runbookUrl", "thresholdOccurrences"};
const char* const kSignalFields[] = {"aggregationWindow", "aggregationMethod", "aggregationDelay", "aggregationTimer",
                                     "fillOption", "fillValue", "slideBy", "evaluationDelay"};
const char* const kExpirationFields[] = {"expirationDuration", "openViolationOnExpiration", "closeViolationsOnExpiration",
                                         "ignoreOnExpectedTermination"};

struct HostMetric {
  const char* metric;  // Mackerel's name, as the language writes it
  const char* select;  // the NRQL aggregate over the infrastructure agent's samples
  const char* from;
};
// The infrastructure agent's samples for what Mackerel's agent reports under these names:
// SystemSample per host, StorageSample per mounted device (disk% is the fullest one, as in
// Mackerel), swap as a share of the swap space.
const HostMetric kHostMetrics[] = {
    {"cpu%", "average(cpuPercent)", "SystemSample"},
    {"memory%", "average(memoryUsedPercent)", "SystemSample"},
    {"disk%", "max(diskUsedPercent)", "StorageSample"},
    {"swap%", "100 * average(swapUsedBytes) / average(swapTotalBytes)", "SystemSample"},
    {"loadavg1", "average(loadAverageOneMinute)", "SystemSample"},
    {"loadavg5", "average(loadAverageFiveMinute)", "SystemSample"},
    {"loadavg15", "average(loadAverageFifteenMinute)", "SystemSample"},
};

const char* const kOperators[] = {"ABOVE", "ABOVE_OR_EQUALS", "BELOW", "BELOW_OR_EQUALS", "EQUALS", "NOT_EQUALS"};
const char* const kOccurrences[] = {"ALL", "AT_LEAST_ONCE"};
const char* const kMethods[] = {"CADENCE", "EVENT_FLOW", "EVENT_TIMER"};
const char* const kFills[] = {"NONE", "LAST_VALUE", "STATIC"};
const char* const kDirections[] = {"LOWER_ONLY", "UPPER_AND_LOWER", "UPPER_ONLY"};

template <size_t N>
bool oneOf(const char* const (&list)[N], const std::string& v) {
  return std::any_of(std::begin(list), std::end(list), [&](const char* x) { return v == x; });
}

Json num(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return static_cast<long long>(v);
  return v;
}

// The clauses an alert condition's query may not carry: the condition's window and
// evaluation decide the time range (NRQL alert conditions reject them).
std::string forbiddenClause(const std::string& q) {
  std::string upper;
  char quote = 0;
  for (char c : q) {
    if (quote) {
      upper += ' ';
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '`' || c == '"') {
      quote = c;
      upper += ' ';
    } else {
      upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  for (const char* word : {"SINCE", "UNTIL", "TIMESERIES", "COMPARE WITH", "LIMIT"}) {
    std::string w = word;
    for (size_t at = upper.find(w); at != std::string::npos; at = upper.find(w, at + 1)) {
      bool before = at == 0 || !std::isalnum(static_cast<unsigned char>(upper[at - 1]));
      bool after = at + w.size() >= upper.size() || !std::isalnum(static_cast<unsigned char>(upper[at + w.size()]));
      if (before && after) return w;
    }
  }
  return "";
}

struct Builder {
  const ir::Monitor& m;
  Translation out;

  void drop(const char* field, const std::string& why) {
    if (m.props.has(field)) out.dropped.push_back({field, why});
  }

  // The memo, then the labels other than runbook (a condition has no labels of its own), then
  // the ownership marker as the last line.
  std::string description() const {
    std::string d = m.props.str("memo");
    std::string labels;
    for (const auto& [k, v] : m.labels)
      if (k != "runbook") labels += k + ": " + v + "\n";
    if (!labels.empty()) d += (d.empty() ? "" : "\n\n") + labels.substr(0, labels.size() - 1);
    return engine::addOwnerMarker(d);
  }

  // The raw signal and expiration merged over monitorc's defaults.
  Json signal(long long window) const {
    Json s = {{"aggregationWindow", window}, {"aggregationMethod", "EVENT_FLOW"}, {"aggregationDelay", 120}, {"fillOption", "NONE"}};
    if (m.raw.contains("signal") && m.raw["signal"].is_object())
      for (auto it = m.raw["signal"].begin(); it != m.raw["signal"].end(); ++it) s[it.key()] = it.value();
    std::string method = s.value("aggregationMethod", "");
    if (method == "EVENT_TIMER") s.erase("aggregationDelay");
    return s;
  }

  Json expiration(Json base) const {
    if (m.raw.contains("expiration") && m.raw["expiration"].is_object())
      for (auto it = m.raw["expiration"].begin(); it != m.raw["expiration"].end(); ++it) base[it.key()] = it.value();
    return base;
  }

  // One condition named `name` over `query` with a term per set threshold (critical first),
  // each held for `holdSeconds`, read over `window` seconds.
  void condition(const std::string& name, const std::string& query, const char* warnField, const char* critField,
                 double scale, long long window, long long holdSeconds, const char* occurrences,
                 Json expiration = Json::object()) {
    Json c = Json::object();
    c["name"] = name;
    c["enabled"] = !(m.props.has("is_mute") && m.props.find("is_mute")->value == Json(true));
    c["description"] = description();
    if (auto it = m.labels.find("runbook"); it != m.labels.end()) c["runbookUrl"] = it->second;
    c["nrql"] = {{"query", query}};
    bool baseline = m.raw.contains("baselineDirection");
    std::string op = m.props.str("operator", ">") == "<" ? "BELOW" : "ABOVE";
    if (!m.props.has("operator") && baseline) op = "ABOVE";
    Json sig = signal(window);
    long long w = sig.value("aggregationWindow", Json(window)).is_number() ? static_cast<long long>(sig["aggregationWindow"].get<double>()) : window;
    long long hold = std::max(w, static_cast<long long>(std::ceil(static_cast<double>(holdSeconds) / std::max(1LL, w))) * w);
    std::string occ = m.raw.value("thresholdOccurrences", Json(occurrences)).is_string() ? m.raw.value("thresholdOccurrences", std::string(occurrences)) : occurrences;
    Json terms = Json::array();
    for (auto [field, priority] : {std::pair{critField, "CRITICAL"}, std::pair{warnField, "WARNING"}}) {
      const ir::Prop* p = field ? m.props.find(field) : nullptr;
      if (!p || !p->value.is_number()) continue;
      terms.push_back({{"priority", priority}, {"operator", op}, {"threshold", num(p->value.get<double>() * scale)},
                       {"thresholdDuration", hold}, {"thresholdOccurrences", occ}});
    }
    c["terms"] = terms;
    c["signal"] = sig;
    c["expiration"] = this->expiration(expiration);
    for (const char* k : {"baselineDirection", "violationTimeLimitSeconds", "titleTemplate", "runbookUrl"})
      if (m.raw.contains(k)) c[k] = m.raw[k];
    out.conditions.push_back({name, baseline ? "BASELINE" : "STATIC", std::move(c)});
  }
};

}  // namespace

bool isRawField(const std::string& name) { return oneOf(kRawFields, name); }

std::string nrqlString(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("\\'") : c == '\\' ? std::string("\\\\") : std::string(1, c);
  return q + "'";
}

Translation translate(const ir::Monitor& m) {
  Builder b{m, {}};
  b.drop("notification_interval", "New Relic workflows decide when to notify again");
  for (auto it = m.raw.begin(); it != m.raw.end(); ++it) {
    if (!isRawField(it.key()))
      return (b.out.whyNot = "raw key '" + it.key() + "' is not a condition field monitorc passes to New Relic", b.out);
    if ((it.key() == "signal" || it.key() == "expiration") && !it.value().is_object())
      return (b.out.whyNot = "raw key '" + it.key() + "' must be an object of its fields", b.out);
  }
  if (m.raw.contains("signal"))
    for (auto it = m.raw["signal"].begin(); it != m.raw["signal"].end(); ++it)
      if (!oneOf(kSignalFields, it.key())) return (b.out.whyNot = "raw signal field '" + it.key() + "' is not a NerdGraph signal field", b.out);
  if (m.raw.contains("expiration"))
    for (auto it = m.raw["expiration"].begin(); it != m.raw["expiration"].end(); ++it)
      if (!oneOf(kExpirationFields, it.key()))
        return (b.out.whyNot = "raw expiration field '" + it.key() + "' is not a NerdGraph expiration field", b.out);
  if (m.name.empty()) return (b.out.whyNot = "a New Relic condition needs a name", b.out);
  bool baseline = m.raw.contains("baselineDirection");
  if (baseline && m.kind != ir::MonitorKind::Query)
    return (b.out.whyNot = "baseline conditions are written as query monitors in NRQL", b.out);
  switch (m.kind) {
    case ir::MonitorKind::Host: {
      std::string metric = m.props.str("metric");
      const HostMetric* hm = nullptr;
      for (const auto& x : kHostMetrics)
        if (metric == x.metric) hm = &x;
      if (metric.rfind("container-", 0) == 0) return (b.out.whyNot = "container metrics exist only in Mackerel", b.out);
      if (!hm)
        return (b.out.whyNot = "host metric '" + metric +
                               "' has no infrastructure agent attribute monitorc knows (write a query monitor in NRQL)",
                b.out);
      // Mackerel averages over `duration` and alerts after max_check_attempts such windows in a
      // row: one aggregation window of `duration`, held for that many windows.
      long long window = static_cast<long long>(std::max(1.0, m.props.num("duration", 1))) * 60;
      long long attempts = static_cast<long long>(std::max(1.0, m.props.num("max_check_attempts", 1)));
      std::string q = std::string("SELECT ") + hm->select + " FROM " + hm->from + " FACET hostname";
      std::string why = "the infrastructure agent's samples carry no Mackerel service or role: the condition watches every host";
      b.drop("scopes", why);
      b.drop("exclude_scopes", why);
      b.condition(m.name, q, "warning", "critical", 1, window, window * attempts, "ALL");
      break;
    }
    case ir::MonitorKind::Connectivity: {
      // A host is gone when its samples stop: signal loss opens a violation per host.
      std::string q = "SELECT count(*) FROM SystemSample FACET hostname";
      b.drop("scopes", "the infrastructure agent's samples carry no Mackerel service or role: the condition watches every host");
      b.drop("exclude_scopes", "the infrastructure agent's samples carry no Mackerel service or role");
      if (m.props.str("alert_status_on_gone", "critical") == "warning")
        b.out.dropped.push_back({"alert_status_on_gone", "a lost signal opens a critical violation in New Relic"});
      b.condition(m.name, q, nullptr, nullptr, 1, 60, 60, "ALL",
                  {{"expirationDuration", 300}, {"openViolationOnExpiration", true}, {"closeViolationsOnExpiration", false}});
      break;
    }
    case ir::MonitorKind::External: {
      // The checks of a synthetic monitor of the same name (monitorc does not create synthetic
      // monitors: their URL, locations and frequency are New Relic's settings).
      std::string where = " FROM SyntheticCheck WHERE monitorName = " + nrqlString(m.name);
      long long attempts = static_cast<long long>(std::max(1.0, m.props.num("max_check_attempts", 1)));
      for (const char* f : {"method", "request_body", "contains_string", "expected_status_code", "follow_redirect",
                            "skip_certificate_verification", "headers", "dualstack"})
        b.drop(f, "the synthetic monitor's own settings decide the request; monitorc reads its checks");
      for (const char* f : {"certification_expiration_warning", "certification_expiration_critical"})
        b.drop(f, "New Relic checks certificates with a certificate check monitor of its own");
      b.out.conditions.clear();
      Json failed = Json::object();
      ir::Monitor failures = m;
      failures.props.set("critical", Json(0), Range{});
      failures.props.set("operator", Json(">"), Range{});
      Builder fb{failures, {}};
      fb.condition(m.name, "SELECT filter(count(*), WHERE result != 'SUCCESS')" + where, nullptr, "critical", 1, 60, 60 * attempts,
                   "ALL");
      b.out.conditions = std::move(fb.out.conditions);
      if (m.props.has("response_time_warning") || m.props.has("response_time_critical")) {
        ir::Monitor rt = m;
        rt.props.set("operator", Json(">"), Range{});
        Builder rb{rt, {}};
        long long window = static_cast<long long>(std::max(1.0, m.props.num("response_time_duration", 1))) * 60;
        // SyntheticCheck's duration is in milliseconds, as response_time_* are.
        rb.condition(m.name + " (response time)", "SELECT average(duration)" + where, "response_time_warning",
                     "response_time_critical", 1, window, window, "ALL");
        for (auto& c : rb.out.conditions) b.out.conditions.push_back(std::move(c));
      }
      break;
    }
    case ir::MonitorKind::Query: {
      std::string query = m.props.str("query");
      if (std::string w = forbiddenClause(query); !w.empty())
        return (b.out.whyNot = "an alert condition's NRQL may not use " + w + " (the condition's window decides the time range)", b.out);
      long long window = 60;
      if (m.raw.contains("signal") && m.raw["signal"].contains("aggregationWindow") && m.raw["signal"]["aggregationWindow"].is_number())
        window = static_cast<long long>(m.raw["signal"]["aggregationWindow"].get<double>());
      if (baseline && m.props.str("operator", ">") != ">")
        return (b.out.whyNot = "a baseline condition's thresholds are deviations above the baseline: use operator \">\" and "
                               "baselineDirection for the side",
                b.out);
      b.condition(m.name, query, "warning", "critical", 1, window, static_cast<long long>(m.props.num("for_duration", 0)), "ALL");
      b.drop("legend", "a condition's signal has no legend");
      b.drop("evaluate_backward_minutes", "New Relic's aggregation delay (raw signal.aggregationDelay) is the counterpart");
      break;
    }
    case ir::MonitorKind::Service:
      b.out.whyNot = "service metrics exist only in Mackerel (write a query monitor in NRQL)";
      return b.out;
    case ir::MonitorKind::Expression:
      b.out.whyNot = "expression monitors read Mackerel graph expressions (write a query monitor in NRQL)";
      return b.out;
    case ir::MonitorKind::AnomalyDetection:
      b.out.whyNot = "Mackerel's anomaly detection reads Mackerel roles (write a query monitor in NRQL with raw baselineDirection)";
      return b.out;
  }
  for (const auto& c : b.out.conditions)
    if (std::string why = checkCondition(c.type, c.input); !why.empty()) return (b.out.conditions.clear(), b.out.whyNot = why, b.out);
  if (b.out.conditions.empty()) b.out.whyNot = "there is no condition to write";
  return b.out;
}

std::string checkCondition(const std::string& type, const Json& c) {
  auto str = [&](const Json& o, const char* k) { return o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : std::string(); };
  std::string name = str(c, "name");
  if (name.empty() || name.size() > 128) return "a condition name has 1 to 128 characters ('" + name + "')";
  if (str(c, "description").size() > 4000) return "the memo and labels are longer than a condition description's 4000 characters";
  if (c.contains("runbookUrl") && (!c["runbookUrl"].is_string() || c["runbookUrl"].get<std::string>().size() > 2048))
    return "runbookUrl is a text of at most 2048 characters";
  std::string query = c.contains("nrql") ? str(c["nrql"], "query") : "";
  if (query.empty()) return "a condition needs an NRQL query";
  if (query.size() > 4096) return "the NRQL query is longer than 4096 characters";
  const Json sig = c.value("signal", Json::object());
  const Json exp = c.value("expiration", Json::object());
  auto integer = [](const Json& o, const char* k, long long dflt) {
    return o.contains(k) && o[k].is_number() ? static_cast<long long>(o[k].get<double>()) : dflt;
  };
  for (const char* k : {"aggregationWindow", "aggregationDelay", "aggregationTimer", "slideBy", "evaluationDelay", "fillValue"})
    if (sig.contains(k) && !sig[k].is_number() && !sig[k].is_null()) return std::string("signal.") + k + " must be a number";
  long long window = integer(sig, "aggregationWindow", 60);
  if (window < 30 || window > 21600) return "the aggregation window is 30 seconds to 6 hours";
  std::string method = str(sig, "aggregationMethod");
  if (!method.empty() && !oneOf(kMethods, method)) return "signal.aggregationMethod is one of CADENCE, EVENT_FLOW, EVENT_TIMER";
  if (method == "EVENT_TIMER" && sig.contains("aggregationDelay")) return "EVENT_TIMER aggregation takes aggregationTimer, not aggregationDelay";
  if (method != "EVENT_TIMER" && sig.contains("aggregationTimer")) return "aggregationTimer belongs to EVENT_TIMER aggregation";
  if (sig.contains("aggregationDelay") && (integer(sig, "aggregationDelay", 0) < 0 || integer(sig, "aggregationDelay", 0) > 1200))
    return "signal.aggregationDelay is 0 to 1200 seconds";
  std::string fill = str(sig, "fillOption");
  if (!fill.empty() && !oneOf(kFills, fill)) return "signal.fillOption is one of NONE, LAST_VALUE, STATIC";
  if ((fill == "STATIC") != (sig.contains("fillValue") && sig["fillValue"].is_number()))
    return "a fillValue goes with fillOption STATIC, and only with it";
  if (sig.contains("slideBy") && (integer(sig, "slideBy", 0) <= 0 || window % integer(sig, "slideBy", 1) != 0 || integer(sig, "slideBy", 0) >= window))
    return "signal.slideBy divides the aggregation window and is shorter than it";
  if (exp.contains("expirationDuration") && !exp["expirationDuration"].is_null()) {
    if (!exp["expirationDuration"].is_number()) return "expiration.expirationDuration must be a number of seconds";
    long long d = integer(exp, "expirationDuration", 0);
    if (d < 30 || d > 172800) return "expiration.expirationDuration is 30 seconds to 48 hours";
  }
  for (const char* k : kExpirationFields)
    if (std::string(k) != "expirationDuration" && exp.contains(k) && !exp[k].is_boolean()) return std::string("expiration.") + k + " is true or false";
  bool opensOnLoss = exp.value("openViolationOnExpiration", false) == true;
  if (opensOnLoss && !exp.contains("expirationDuration")) return "opening a violation on signal loss needs expiration.expirationDuration";
  if (c.contains("violationTimeLimitSeconds") &&
      (!c["violationTimeLimitSeconds"].is_number() || integer(c, "violationTimeLimitSeconds", 0) < 300 ||
       integer(c, "violationTimeLimitSeconds", 0) > 2592000))
    return "violationTimeLimitSeconds is 300 seconds to 30 days";
  const Json terms = c.value("terms", Json::array());
  if (terms.empty() && !opensOnLoss) return "a condition needs a threshold (warning or critical) or to open on signal loss";
  std::set<std::string> priorities;
  for (const auto& t : terms) {
    std::string op = str(t, "operator"), pr = str(t, "priority"), occ = str(t, "thresholdOccurrences");
    if (!oneOf(kOperators, op)) return "term operator '" + op + "' is not a NerdGraph operator";
    if (pr != "CRITICAL" && pr != "WARNING") return "term priority is CRITICAL or WARNING";
    if (!priorities.insert(pr).second) return "one term per priority";
    if (!oneOf(kOccurrences, occ)) return "thresholdOccurrences is ALL or AT_LEAST_ONCE ('" + occ + "')";
    if (!t.contains("threshold") || !t["threshold"].is_number()) return "a term needs a numeric threshold";
    long long d = integer(t, "thresholdDuration", 0);
    long long most = type == "BASELINE" ? 7200 : 86400;
    if (d < window || d > most || d % window != 0)
      return "thresholdDuration " + std::to_string(d) + "s must be a multiple of the " + std::to_string(window) +
             "s aggregation window, at most " + std::to_string(most) + "s";
    if (type == "BASELINE" && op != "ABOVE") return "a baseline condition's terms use ABOVE (baselineDirection picks the side)";
  }
  if (type == "BASELINE" && !oneOf(kDirections, str(c, "baselineDirection")))
    return "baselineDirection is one of LOWER_ONLY, UPPER_AND_LOWER, UPPER_ONLY";
  if (type == "STATIC" && c.contains("baselineDirection")) return "baselineDirection belongs to baseline conditions";
  return "";
}

}  // namespace mon::newrelic
