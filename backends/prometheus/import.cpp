// `import prometheus RULES.yml`: recording rules -> `record` blocks, alerting rules -> query monitors. A rule `VALUE > N` / `VALUE < N`
// whose `severity` is warning or critical becomes (half of) a query monitor; the warning and
// critical rules of one alert with the same value, `for`, labels and annotations merge back into
// one monitor. One `target prometheus` per group keeps the group names.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "prometheus/mon_source.h"
#include "prometheus/prometheus.h"
#include "prometheus/promql.h"
#include "prometheus/rules.h"
#include "prometheus/yaml_input.h"
#include "support/prometheus_names.h"

namespace mon::prometheus {

namespace {

struct Imported {
  std::string name, group, value, op, memo;
  long long forSeconds = 0;
  std::map<std::string, std::string> labels;
  std::string warning, critical;  // threshold text, empty when unset
};

// Prometheus duration ("1h30m", "90s", "500ms") in whole seconds; -1 when malformed.
long long parseDuration(const std::string& s) {
  static const std::pair<const char*, long long> units[] = {{"ms", 0}, {"y", 31536000}, {"w", 604800}, {"d", 86400},
                                                            {"h", 3600}, {"m", 60}, {"s", 1}};
  long long total = 0;
  size_t i = 0;
  if (s.empty()) return -1;
  while (i < s.size()) {
    size_t j = i;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
    if (j == i) return -1;
    long long n = std::atoll(s.substr(i, j - i).c_str());
    bool matched = false;
    for (auto [u, mult] : units)
      if (s.compare(j, std::char_traits<char>::length(u), u) == 0) {
        if (mult == 0 && n % 1000) return -1;  // sub-second: not expressible
        total += mult ? n * mult : n / 1000;
        j += std::char_traits<char>::length(u);
        matched = true;
        break;
      }
    if (!matched) return -1;
    i = j;
  }
  return total;
}

// True when `word` (and, or, unless, bool) stands on its own at `i` of `expr`.
bool keywordAt(const std::string& expr, size_t i, const char* word) {
  size_t n = std::char_traits<char>::length(word);
  auto identChar = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':'; };
  if (expr.compare(i, n, word) != 0 || (i > 0 && identChar(expr[i - 1]))) return false;
  return i + n >= expr.size() || !identChar(expr[i + n]);
}

// Splits `VALUE op NUMBER` at its last top-level '>' or '<' (not >=, <=, or inside a string,
// parentheses, braces or brackets). Strips one pair of parentheses around VALUE. PromQL binds
// comparisons tighter than `and`, `or` and `unless`, so an expression with one of those at the
// top level is no threshold on one value (`A > 1 and B > 0` is not `(A > 1 and B) > 0`); nor is
// a `bool` comparison. The number comes back canonical (".80" -> "0.8").
bool splitComparison(const std::string& expr, std::string& value, std::string& op, std::string& number) {
  int depth = 0;
  char quote = 0;
  size_t at = std::string::npos;
  for (size_t i = 0; i < expr.size(); ++i) {
    char c = expr[i];
    if (quote) {
      if (c == '\\') ++i;
      else if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'' || c == '`') quote = c;
    else if (depth == 0 && (keywordAt(expr, i, "and") || keywordAt(expr, i, "or") || keywordAt(expr, i, "unless") ||
                            keywordAt(expr, i, "bool")))
      return false;
    else if (c == '(' || c == '{' || c == '[') ++depth;
    else if (c == ')' || c == '}' || c == ']') --depth;
    else if ((c == '>' || c == '<') && depth == 0 && (i + 1 >= expr.size() || expr[i + 1] != '=')) at = i;
  }
  if (at == std::string::npos) return false;
  std::string rhs = expr.substr(at + 1);
  size_t b = rhs.find_first_not_of(" \t\r\n"), e = rhs.find_last_not_of(" \t\r\n");
  if (b == std::string::npos) return false;
  rhs = rhs.substr(b, e - b + 1);
  char* end = nullptr;
  double threshold = std::strtod(rhs.c_str(), &end);
  if (end == rhs.c_str() || *end != '\0' || rhs.find_first_of("xXnNiI") != std::string::npos) return false;
  value = expr.substr(0, at);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.erase(0, 1);
  if (value.size() >= 2 && value.front() == '(' && value.back() == ')') {
    int d = 0;
    bool wraps = true;
    for (size_t i = 0; i + 1 < value.size() && wraps; ++i) {
      d += value[i] == '(' ? 1 : value[i] == ')' ? -1 : 0;
      if (d == 0) wraps = false;  // closes before the end: "(a) + (b)"
    }
    if (wraps) value = value.substr(1, value.size() - 2);
  }
  op = std::string(1, expr[at]);
  number = promql::number(threshold);
  return !value.empty();
}

std::string scalar(const YAML::Node& n) { return n && n.IsScalar() ? n.as<std::string>() : ""; }

// `  labels = { k = "v", ... }` for a record or monitor; "" when there are none.
std::string labelsLine(const std::map<std::string, std::string>& labels) {
  if (labels.empty()) return "";
  std::string s = "  labels = {";
  bool first = true;
  for (const auto& [k, v] : labels) {
    s += (first ? " " : ", ") + source::key(k) + " = " + source::quote(v);
    first = false;
  }
  return s + " }\n";
}

struct ImportedRecord {
  std::string name, group, expr;
  std::map<std::string, std::string> labels;
};

std::string write(const ImportedRecord& r) {
  std::string s = "record " + source::quote(r.name) + " {\n";
  s += "  expr = " + source::quote(r.expr) + "\n";
  s += labelsLine(r.labels);
  s += "  targets = [" + source::quote(r.group) + "]\n}\n";
  return s;
}

// Adds one recording rule; false (with a warning) when the language would reject it. Labels of
// recording rules are not templates, so they are taken as written.
bool addRecord(const YAML::Node& r, const std::string& group, std::vector<ImportedRecord>& out,
               std::unordered_set<std::string>& seen, std::vector<std::string>& warnings) {
  ImportedRecord rec{scalar(r["record"]), group, scalar(r["expr"]), {}};
  std::string where = "group '" + group + "', recording rule '" + rec.name + "'";
  if (!isMetricName(rec.name)) {
    warnings.push_back(where + ": skipped: not a valid metric name");
    return false;
  }
  if (rec.expr.find_first_not_of(" \t\r\n") == std::string::npos) {
    warnings.push_back(where + ": skipped: no expr");
    return false;
  }
  if (const YAML::Node labels = r["labels"]; labels && labels.IsMap())
    for (const auto& kv : labels) {
      std::string k = kv.first.as<std::string>();
      if (!isLabelName(k)) warnings.push_back(where + ": label '" + k + "' dropped (not a valid label name)");
      else if (k.rfind("__", 0) == 0) warnings.push_back(where + ": label '" + k + "' dropped (names starting with '__' are reserved)");
      else rec.labels[k] = scalar(kv.second);
    }
  // The same name and labels from another expression is legal (one series assembled from several
  // sources); only a repeat of the whole rule is left out.
  std::string key = rec.group + '\0' + rec.name + '\0' + rec.expr;
  for (const auto& [k, v] : rec.labels) key += '\0' + k + '\0' + v;
  if (!seen.insert(std::move(key)).second) {
    warnings.push_back(where + ": skipped: the same recording rule (name, labels and expression) is already in this group");
    return false;
  }
  out.push_back(std::move(rec));
  return true;
}

std::string write(const Imported& m) {
  std::string s = "monitor query " + source::quote(m.name) + " {\n";
  s += "  query = " + source::quote(m.value) + "\n";
  s += "  operator = " + source::quote(m.op) + "\n";
  if (!m.warning.empty()) s += "  warning = " + m.warning + "\n";
  if (!m.critical.empty()) s += "  critical = " + m.critical + "\n";
  if (m.forSeconds) s += "  for_duration = " + source::duration(m.forSeconds) + "\n";
  if (!m.memo.empty()) s += "  memo = " + source::quote(m.memo) + "\n";
  s += labelsLine(m.labels);
  s += "  targets = [" + source::quote(m.group) + "]\n}\n";
  return s;
}

// Monitor names given so far, so that alerts sharing a name cost near-linear time, not a scan of
// every earlier monitor per alert and per candidate suffix.
struct Names {
  std::unordered_set<std::string> used;                         // monitor names taken
  std::unordered_map<std::string, std::vector<size_t>> byAlert;  // alert name -> its monitors
  std::unordered_map<std::string, int> nextSuffix;               // alert name -> next " (N)" to try
};

// Adds one alerting rule; false (with a warning) when it is not expressible.
bool addRule(const YAML::Node& r, const std::string& group, std::vector<Imported>& out, Names& names,
             std::vector<std::string>& warnings) {
  std::string alert = scalar(r["alert"]), expr = scalar(r["expr"]);
  std::string where = "group '" + group + "', alert '" + alert + "'";
  Imported m;
  m.name = alert;
  m.group = group;
  std::string number;
  if (!splitComparison(expr, m.value, m.op, number)) {
    warnings.push_back(where + ": skipped: the expression is not 'VALUE > NUMBER' or 'VALUE < NUMBER' at its top level");
    return false;
  }
  if (r["for"]) {
    m.forSeconds = parseDuration(scalar(r["for"]));
    if (m.forSeconds < 0) {
      warnings.push_back(where + ": skipped: 'for' is not a whole number of seconds");
      return false;
    }
  }
  std::string severity = "critical";
  if (const YAML::Node labels = r["labels"]; labels && labels.IsMap())
    for (const auto& kv : labels) {
      std::string k = kv.first.as<std::string>(), v = unescapeTemplate(scalar(kv.second));
      if (k == "severity") severity = v;
      else if (k == "runbook") warnings.push_back(where + ": label 'runbook' dropped (monitorc writes 'runbook' as the annotation runbook_url)");
      else m.labels[k] = v;
    }
  if (severity != "warning" && severity != "critical") {
    warnings.push_back(where + ": severity '" + severity + "' imported as critical (monitorc writes warning or critical)");
    severity = "critical";
  }
  if (const YAML::Node ann = r["annotations"]; ann && ann.IsMap())
    for (const auto& kv : ann) {
      std::string k = kv.first.as<std::string>(), v = unescapeTemplate(scalar(kv.second));
      if (k == "description") m.memo = v;
      else if (k == "runbook_url") m.labels["runbook"] = v;
      else if (k != "summary" || v != alert)
        warnings.push_back(where + ": annotation '" + k + "' dropped (monitorc writes summary = the alert name, description, runbook_url)");
    }
  if (r["keep_firing_for"]) warnings.push_back(where + ": 'keep_firing_for' dropped");
  // The other half of a warning/critical pair? Only monitors made from this alert name can be.
  auto& sameName = names.byAlert[alert];
  for (size_t i : sameName) {
    Imported& prev = out[i];
    if (prev.name == m.name && prev.group == m.group && prev.value == m.value && prev.op == m.op &&
        prev.forSeconds == m.forSeconds && prev.labels == m.labels && prev.memo == m.memo &&
        (severity == "warning" ? prev.warning : prev.critical).empty()) {
      (severity == "warning" ? prev.warning : prev.critical) = number;
      return true;
    }
  }
  (severity == "warning" ? m.warning : m.critical) = number;
  if (names.used.count(m.name)) {
    int& n = names.nextSuffix[alert];
    if (n < 2) n = 2;
    while (names.used.count(alert + " (" + std::to_string(n) + ")")) ++n;
    m.name = alert + " (" + std::to_string(n) + ")";
    warnings.push_back(where + ": a second monitor with this name is called '" + m.name + "'");
  }
  names.used.insert(m.name);
  sameName.push_back(out.size());
  out.push_back(std::move(m));
  return true;
}

}  // namespace

bool importRules(const std::string& yamlText, std::string& source, std::vector<std::string>& warnings, std::string& error) {
  // Size, nesting and aliases first, in a pass that builds nothing: what passes is safe to load.
  if (YamlInputError bad; !checkYamlInput(yamlText, bad)) {
    error = bad.where();
    return false;
  }
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(yamlText);
  } catch (const YAML::Exception& e) {
    error = std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) + ": not YAML: " + e.msg;
    return false;
  }
  // A rule file (`groups:`), or one or more PrometheusRule objects (`spec.groups`), as
  // kube-prometheus and most Kubernetes users keep their rules.
  std::vector<YAML::Node> groupLists;
  try {
    for (const auto& doc : docs) {
      if (doc.IsNull()) continue;
      if (doc.IsMap() && scalar(doc["kind"]) == "PrometheusRule") {
        if (!doc["spec"] || !doc["spec"].IsMap() || !doc["spec"]["groups"] || !doc["spec"]["groups"].IsSequence()) {
          error = "a PrometheusRule object without a 'spec.groups' list";
          return false;
        }
        groupLists.push_back(doc["spec"]["groups"]);
      } else if (doc.IsMap() && doc["groups"] && doc["groups"].IsSequence()) {
        groupLists.push_back(doc["groups"]);
      } else {
        error = "not a Prometheus rule file (expected a top-level 'groups' list, or PrometheusRule objects)";
        return false;
      }
    }
  } catch (const YAML::Exception& e) {
    error = "unexpected rule file shape: " + e.msg;
    return false;
  }
  if (groupLists.empty()) {
    error = "not a Prometheus rule file (expected a top-level 'groups' list, or PrometheusRule objects)";
    return false;
  }
  std::vector<std::string> groups;
  std::vector<Imported> monitors;
  std::vector<ImportedRecord> records;
  std::unordered_set<std::string> seenRecords;
  Names names;
  try {
    for (const auto& list : groupLists)
    for (const auto& g : list) {
      std::string name = scalar(g["name"]);
      if (name.empty()) {
        warnings.push_back("a group without a name was skipped");
        continue;
      }
      groups.push_back(name);
      if (g["interval"]) warnings.push_back("group '" + name + "': 'interval' dropped (the global evaluation_interval applies)");
      if (!g["rules"] || !g["rules"].IsSequence()) continue;
      bool alertSeen = false, moved = false;
      for (const auto& r : g["rules"]) {
        if (r["record"]) {
          moved = moved || alertSeen;
          addRecord(r, name, records, seenRecords, warnings);
          continue;
        }
        alertSeen = true;
        addRule(r, name, monitors, names, warnings);
      }
      if (moved)
        warnings.push_back("group '" + name + "': recording rules move before the alerting rules (monitorc writes them first)");
    }
  } catch (const YAML::Exception& e) {
    error = "unexpected rule file shape: " + e.msg;
    return false;
  }
  source = "# Imported from a Prometheus rule file by monitorc.\n";
  for (const auto& g : groups) source += "target prometheus " + source::quote(g) + " { group = " + source::quote(g) + " }\n";
  for (const auto& r : records) source += "\n" + write(r);
  for (const auto& m : monitors) source += "\n" + write(m);
  return true;
}

}  // namespace mon::prometheus
