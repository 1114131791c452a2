// `import prometheus RULES.yml`: a rule file, or PrometheusRule objects, as source that builds
// back to the same rules. One `target prometheus` per group keeps its name and settings
// (interval, limit, query_offset); recording rules become `record` blocks; an alerting rule
// becomes a query monitor (the portable form) when building that monitor gives back exactly the
// same rule, and an `alert` block (expression, labels and annotations as written) otherwise.
// The rules keep their order in the group. The warning and critical rules of one alert that
// differ only in severity and threshold, one after the other, merge back into one monitor.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <unordered_set>

#include "prometheus/mon_source.h"
#include "prometheus/prometheus.h"
#include "prometheus/promql.h"
#include "prometheus/rules.h"
#include "prometheus/yaml_input.h"
#include "support/prometheus_names.h"

namespace mon::prometheus {

long long parseDurationMs(const std::string& s) {
  static const std::pair<const char*, long long> units[] = {{"ms", 1},         {"y", 31536000000}, {"w", 604800000},
                                                            {"d", 86400000},   {"h", 3600000},     {"m", 60000},
                                                            {"s", 1000}};
  long long total = 0;
  size_t i = 0;
  if (s.empty()) return -1;
  while (i < s.size()) {
    size_t j = i;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
    if (j == i || j - i > 12) return -1;
    long long n = std::atoll(s.substr(i, j - i).c_str());
    bool matched = false;
    for (auto [u, mult] : units)
      if (s.compare(j, std::char_traits<char>::length(u), u) == 0) {
        total += n * mult;
        j += std::char_traits<char>::length(u);
        matched = true;
        break;
      }
    if (!matched || total > 1000LL * 1000000000LL * 1000) return -1;
    i = j;
  }
  return total;
}

namespace {

struct Imported {
  std::string name, group, value, op, memo;
  long long forSeconds = 0;
  std::map<std::string, std::string> labels;
  std::string warning, critical;  // threshold text, empty when unset
};

// The same in whole seconds; -1 when malformed or not a whole number of seconds.
long long parseDuration(const std::string& s) {
  long long ms = parseDurationMs(s);
  return ms < 0 || ms % 1000 ? -1 : ms / 1000;
}

// Splits `VALUE op NUMBER` at its last top-level '>' or '<' (not >=, <=, or inside a string,
// parentheses, braces or brackets). Strips one pair of parentheses around VALUE. PromQL binds
// comparisons tighter than `and`, `or` and `unless`, so an expression with one of those at the
// top level is no threshold on one value (`A > 1 and B > 0` is not `(A > 1 and B) > 0`); nor is
// a `bool` comparison. The number comes back canonical (".80" -> "0.8").
bool splitComparison(const std::string& expr, std::string& value, std::string& op, std::string& number) {
  size_t at = std::string::npos;
  promql::Scan scan = promql::scanOutsideStrings(expr, [&](size_t i, int depth) {
    if (depth != 0) return true;
    if (promql::looseOperatorAt(expr, i)) return false;
    if ((expr[i] == '>' || expr[i] == '<') && (i + 1 >= expr.size() || expr[i + 1] != '=')) at = i;
    return true;
  });
  if (scan.stopped || at == std::string::npos) return false;
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

std::string withoutSpace(const std::string& s) {
  std::string out;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
  return out;
}

// The text a monitor would have to hold for monitorc to write `v`: monitorc escapes "{{" in a
// monitor's text, so `v` must have every "{{" escaped (a literal, not a template).
bool monitorText(const std::string& v, std::string& text) {
  text = unescapeTemplate(v);
  return escapeTemplate(text) == v;
}

// The half of a query monitor that gives back exactly this alerting rule when built (the same
// expression whitespace aside, `for`, labels and annotations; monitorc writes summary = the
// alert name, description = memo, runbook_url = the runbook label, and escapes templates in
// them): false when there is none, and the rule is imported as an alert block instead.
bool asMonitor(const YAML::Node& r, const std::string& group, Imported& m, std::string& severity, std::string& number) {
  std::string alert = scalar(r["alert"]), expr = scalar(r["expr"]);
  if (alert.empty() || r["keep_firing_for"]) return false;
  m = Imported{};
  m.name = alert;
  m.group = group;
  if (!splitComparison(expr, m.value, m.op, number)) return false;
  promql::Condition c{"", m.value, m.op, std::strtod(number.c_str(), nullptr), 0, ""};
  if (withoutSpace(promql::comparison(c)) != withoutSpace(expr)) return false;  // parentheses or number spelled otherwise
  if (r["for"] && (m.forSeconds = parseDuration(scalar(r["for"]))) < 0) return false;
  severity.clear();
  std::string text;
  if (const YAML::Node labels = r["labels"]; labels) {
    if (!labels.IsMap()) return false;
    for (const auto& kv : labels) {
      std::string k = kv.first.as<std::string>(), v = scalar(kv.second);
      if (k == "runbook" || !isLabelName(k) || k.rfind("__", 0) == 0) return false;
      if (k == "severity") severity = v;
      else if (monitorText(v, text)) m.labels[k] = text;
      else return false;
    }
  }
  if (severity != "warning" && severity != "critical") return false;
  bool summary = false;
  if (const YAML::Node ann = r["annotations"]; ann) {
    if (!ann.IsMap()) return false;
    for (const auto& kv : ann) {
      std::string k = kv.first.as<std::string>(), v = scalar(kv.second);
      if (!monitorText(v, text)) return false;
      if (k == "summary" && text == alert) summary = true;
      else if (k == "description" && text.size() <= 2048 && !text.empty()) m.memo = text;
      else if (k == "runbook_url" && !text.empty()) m.labels["runbook"] = text;
      else return false;
    }
  }
  return summary;
}

// `  NAME = { k = "v", ... }` of a rule's labels or annotations, as written; names the language
// rejects are dropped with a warning.
std::string namesLine(const char* field, const YAML::Node& map, const std::string& where, std::vector<std::string>& warnings) {
  std::map<std::string, std::string> kept;
  if (map && map.IsMap())
    for (const auto& kv : map) {
      std::string k = kv.first.as<std::string>();
      if (!isLabelName(k)) warnings.push_back(where + ": " + field + " '" + k + "' dropped (not a valid label name)");
      else if (k.rfind("__", 0) == 0) warnings.push_back(where + ": " + field + " '" + k + "' dropped (names starting with '__' are reserved)");
      else kept[k] = scalar(kv.second);
    }
  else if (map)
    warnings.push_back(where + ": '" + field + "' dropped (not a map)");
  std::string s = labelsLine(kept);
  if (!s.empty() && std::string(field) != "labels") s.replace(2, 6, field);
  return s;
}

// A duration setting as the source writes it (whole seconds); "" (with a warning) when it is
// malformed. `roundUp`: a sub-second value is written as the next whole second, for `for` and
// `keep_firing_for`, which Prometheus checks only at evaluations (a second apart at the least),
// so 500ms and 1s behave alike; elsewhere (a group's interval) it is dropped.
std::string durationField(const YAML::Node& n, const char* field, const char* sourceField, bool roundUp,
                          const std::string& where, std::vector<std::string>& warnings) {
  if (!n) return "";
  long long ms = parseDurationMs(scalar(n));
  if (ms < 0 || (ms % 1000 && !roundUp)) {
    warnings.push_back(where + ": '" + field + "' dropped: '" + scalar(n) + "' is " +
                       (ms < 0 ? "not a Prometheus duration" : "not a whole number of seconds"));
    return "";
  }
  long long seconds = (ms + 999) / 1000;
  if (ms % 1000)
    warnings.push_back(where + ": '" + field + "' " + scalar(n) + " written as " + source::duration(seconds) +
                       " (checked at each evaluation, so it behaves the same)");
  return std::string(sourceField) + " = " + source::duration(seconds);
}

// The target settings that write a group back into the PrometheusRule object it came from:
// format, namespace, resource_name and resource_labels (metadata.annotations are not kept: a
// warning).
std::string objectSettings(const YAML::Node& object, const std::string& where, std::vector<std::string>& warnings) {
  const YAML::Node meta = object["metadata"];
  std::string s = "  format = \"prometheus-operator\"\n";
  if (!meta || !meta.IsMap()) {
    warnings.push_back(where + ": the PrometheusRule object has no metadata; give the target a resource_name");
    return s;
  }
  if (!scalar(meta["namespace"]).empty()) s += "  namespace = " + source::quote(scalar(meta["namespace"])) + "\n";
  if (!scalar(meta["name"]).empty()) s += "  resource_name = " + source::quote(scalar(meta["name"])) + "\n";
  if (const YAML::Node labels = meta["labels"]; labels && labels.IsMap() && labels.size()) {
    s += "  resource_labels = {";
    bool first = true;
    for (const auto& kv : labels) {
      s += (first ? " " : ", ") + source::key(kv.first.as<std::string>()) + " = " + source::quote(scalar(kv.second));
      first = false;
    }
    s += " }\n";
  }
  if (meta["annotations"]) warnings.push_back(where + ": the PrometheusRule object's metadata.annotations are not kept");
  return s;
}

// An alerting rule as an `alert` block: the expression, labels and annotations exactly as
// written (Go templates keep working); "" (with a warning) when Prometheus would reject it.
std::string writeAlert(const YAML::Node& r, const std::string& group, std::vector<std::string>& warnings) {
  std::string alert = scalar(r["alert"]), expr = scalar(r["expr"]);
  std::string where = "group '" + group + "', alert '" + alert + "'";
  if (alert.empty() || expr.find_first_not_of(" \t\r\n") == std::string::npos) {
    warnings.push_back(where + ": skipped: " + (alert.empty() ? "no alert name" : "no expr"));
    return "";
  }
  std::string s = "alert " + source::quote(alert) + " {\n  expr = " + source::quote(expr) + "\n";
  for (const char* f : {"for", "keep_firing_for"})
    if (std::string line = durationField(r[f], f, f == std::string("for") ? "for_duration" : f, true, where, warnings);
        !line.empty())
      s += "  " + line + "\n";
  s += namesLine("labels", r["labels"], where, warnings);
  s += namesLine("annotations", r["annotations"], where, warnings);
  return s + "  targets = [" + source::quote(group) + "]\n}\n";
}

// One group's rules in order: record blocks, alert blocks and (where a rule is exactly one)
// query monitors. Monitors are built after a target's record and alert blocks, so only a run
// of them at the end of the group keeps the group's order; earlier ones become alert blocks.
struct GroupItem {
  std::string text;                 // a record or alert block
  std::vector<YAML::Node> rules;    // a monitor: its rules (two for a warning/critical pair)
  Imported monitor;
  bool isMonitor() const { return !rules.empty(); }
};

void importGroup(const YAML::Node& rules, const std::string& target, bool monitorsOnly, std::vector<GroupItem>& items, std::unordered_set<std::string>& monitorNames,
                 std::unordered_set<std::string>& seenRecords, std::vector<std::string>& warnings) {
  for (const auto& r : rules) {
    if (r["record"]) {
      std::vector<ImportedRecord> one;
      if (addRecord(r, target, one, seenRecords, warnings)) items.push_back({write(one[0]), {}, {}});
      continue;
    }
    Imported half;
    std::string severity, number;
    if (asMonitor(r, target, half, severity, number)) {
      (severity == "warning" ? half.warning : half.critical) = number;
      // The critical half of the warning rule just before it (monitorc writes warning, then critical).
      if (!items.empty() && items.back().isMonitor() && severity == "critical" && items.back().rules.size() == 1) {
        Imported& prev = items.back().monitor;
        if (prev.name == half.name && prev.value == half.value && prev.op == half.op && prev.forSeconds == half.forSeconds &&
            prev.labels == half.labels && prev.memo == half.memo && !prev.warning.empty()) {
          prev.critical = half.critical;
          items.back().rules.push_back(r);
          continue;
        }
      }
      items.push_back({"", {r}, std::move(half)});
      continue;
    }
    if (monitorsOnly)
      warnings.push_back("group '" + target + "', alert '" + scalar(r["alert"]) +
                         "': skipped: not what a monitor builds (the target takes monitors only)");
    else if (std::string text = writeAlert(r, target, warnings); !text.empty())
      items.push_back({text, {}, {}});
  }
  // From the end: monitors keep their place while only monitors follow them, and while their
  // name is free (a monitor name is unique; alert blocks may share one).
  bool trailing = true;
  for (size_t i = items.size(); i-- > 0;) {
    GroupItem& item = items[i];
    if (item.isMonitor() && (monitorsOnly || trailing) && monitorNames.insert(item.monitor.name).second) continue;
    if (monitorsOnly) {
      warnings.push_back("group '" + target + "', alert '" + item.monitor.name + "': skipped: a second monitor of this name");
      item.rules.clear();
      item.monitor.name.clear();
      continue;
    }
    trailing = false;
    if (!item.isMonitor()) continue;
    for (const auto& r : item.rules) {
      if (!item.text.empty()) item.text.append("\n");
      item.text.append(writeAlert(r, target, warnings));
    }
    item.rules.clear();
  }
}

}  // namespace

namespace {

bool importInto(const std::string& yamlText, IntoTarget* into, std::string& source, std::vector<std::string>& warnings,
                std::string& error) {
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
  // Each list of groups, with the PrometheusRule object it came from (null for a rule file).
  std::vector<std::pair<YAML::Node, YAML::Node>> groupLists;
  try {
    for (const auto& doc : docs) {
      if (doc.IsNull()) continue;
      if (doc.IsMap() && scalar(doc["kind"]) == "PrometheusRule") {
        if (!doc["spec"] || !doc["spec"].IsMap() || !doc["spec"]["groups"] || !doc["spec"]["groups"].IsSequence()) {
          error = "a PrometheusRule object without a 'spec.groups' list";
          return false;
        }
        groupLists.emplace_back(doc["spec"]["groups"], doc);
      } else if (doc.IsMap() && doc["groups"] && doc["groups"].IsSequence()) {
        groupLists.emplace_back(doc["groups"], YAML::Node());
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
  std::string targets, blocks;
  std::unordered_set<std::string> seenRecords, targetNames;
  std::unordered_set<std::string> monitorNames;
  try {
    for (const auto& [list, object] : groupLists)
      for (const auto& g : list) {
        std::string name = scalar(g["name"]);
        if (name.empty()) {
          warnings.push_back("a group without a name was skipped");
          continue;
        }
        // One target per group, named after it; a group name seen before (another PrometheusRule
        // object may reuse one) gets a target of its own, writing its own file.
        std::string target = into ? into->name : name;
        for (int n = 2; !into && !targetNames.insert(target).second; ++n) target = name + " (" + std::to_string(n) + ")";
        std::string where = "group '" + name + "'";
        std::string settings = "  group = " + source::quote(name) + "\n";
        for (const char* f : {"interval", "query_offset"})
          if (std::string line = durationField(g[f], f, f, false, where, warnings); !line.empty()) settings += "  " + line + "\n";
        if (g["limit"]) {
          char* end = nullptr;
          std::string text = scalar(g["limit"]);
          long long limit = std::strtoll(text.c_str(), &end, 10);
          if (text.empty() || *end || limit < 0 || limit > 1000000000) warnings.push_back(where + ": 'limit' dropped: '" + text + "' is not a count");
          else if (limit > 0) settings += "  limit = " + text + "\n";
        }
        if (object.IsMap() && !into) settings += objectSettings(object, where, warnings);
        if (into) into->groupSettings.push_back(settings);
        else targets += "target prometheus " + source::quote(target) + " {\n" + settings + "}\n";
        if (!g["rules"] || !g["rules"].IsSequence()) continue;
        std::vector<GroupItem> items;
        importGroup(g["rules"], target, into && into->monitorsOnly, items, monitorNames, seenRecords, warnings);
        for (const auto& item : items)
          if (item.isMonitor() || !item.text.empty()) blocks += "\n" + (item.isMonitor() ? write(item.monitor) : item.text);
      }
  } catch (const YAML::Exception& e) {
    error = "unexpected rule file shape: " + e.msg;
    return false;
  }
  source = into ? blocks.substr(blocks.empty() ? 0 : 1) : "# Imported from a Prometheus rule file by monitorc.\n" + targets + blocks;
  return true;
}

}  // namespace

bool importRules(const std::string& yamlText, std::string& source, std::vector<std::string>& warnings, std::string& error) {
  return importInto(yamlText, nullptr, source, warnings, error);
}

bool importRulesInto(const std::string& yamlText, IntoTarget& into, std::string& source, std::vector<std::string>& warnings,
                     std::string& error) {
  return importInto(yamlText, &into, source, warnings, error);
}

}  // namespace mon::prometheus
