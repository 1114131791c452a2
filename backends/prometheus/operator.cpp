#include "prometheus/operator.h"

#include <cctype>
#include <map>

#include "prometheus/prometheus.h"
#include "prometheus/targets.h"
#include "target.h"

namespace mon::prometheus {

namespace {

bool lowerAlnum(char c) { return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)); }
bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Kubernetes' DNS-1123 subdomain (object names) or label (namespaces, with `dots` false).
bool dnsName(const std::string& s, bool dots) {
  if (s.empty() || s.size() > (dots ? 253u : 63u) || !lowerAlnum(s.front()) || !lowerAlnum(s.back())) return false;
  for (char c : s)
    if (!lowerAlnum(c) && c != '-' && !(dots && c == '.')) return false;
  return true;
}

// A label name part or value: at most 63 of [A-Za-z0-9-_.], starting and ending alphanumeric.
bool labelPart(const std::string& s, bool emptyOk) {
  if (s.empty()) return emptyOk;
  if (s.size() > 63 || !alnum(s.front()) || !alnum(s.back())) return false;
  for (char c : s)
    if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

// "prefix/name" (the prefix a DNS subdomain) or "name".
bool labelKey(const std::string& k) {
  size_t slash = k.find('/');
  if (slash == std::string::npos) return labelPart(k, false);
  return dnsName(k.substr(0, slash), true) && labelPart(k.substr(slash + 1), false);
}

std::string indent(const std::string& text, const std::string& by) {
  std::string out;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    if (end > at) out += by;
    out.append(text, at, end - at);
    out += '\n';
    at = end + 1;
  }
  return out;
}

}  // namespace

bool operatorFormat(const ir::Target& t) { return t.kind == "prometheus" && t.props.str("format") == kOperatorFormat; }

void reportOperatorTargets(const ir::Module& m, DiagEngine& diags) {
  auto invalid = [&](const ir::Target& t, const char* field, const std::string& why) {
    diags.report(engine::settingRange(t, field), diag::err_target_setting_invalid, {"prometheus", t.name, why});
  };
  struct Seen {
    const ir::Target* first;
    std::map<std::string, const ir::Target*> groups;
  };
  std::map<std::pair<std::string, std::string>, Seen> objects;
  for (const ir::Target* t : targets::ofKind(m, "prometheus")) {
    std::string format = t->props.str("format", "rules");
    if (format != "rules" && format != kOperatorFormat) {
      invalid(*t, "format", "format: '" + format + "' is not \"rules\" (a rule file) or \"prometheus-operator\" (a PrometheusRule object)");
      continue;
    }
    if (format != kOperatorFormat) {
      for (const char* f : {"namespace", "resource_name", "resource_labels"})
        if (t->props.has(f)) invalid(*t, f, std::string(f) + ": only a format = \"prometheus-operator\" target writes a PrometheusRule object");
      continue;
    }
    std::string name = t->props.str("resource_name"), ns = t->props.str("namespace");
    if (name.empty()) {
      diags.report(t->range, diag::err_target_setting_missing,
                   {"prometheus", t->name, "resource_name", "the PrometheusRule object's metadata.name"});
      continue;
    }
    bool ok = true;
    if (!ns.empty() && !dnsName(ns, false))
      invalid(*t, "namespace", "namespace: '" + ns + "' is not a Kubernetes namespace (lowercase letters, digits and '-', at most 63)"), ok = false;
    if (!dnsName(name, true))
      invalid(*t, "resource_name", "resource_name: '" + name + "' is not a Kubernetes object name (lowercase letters, digits, '-' and '.')"), ok = false;
    if (const ir::Prop* labels = t->props.find("resource_labels"))
      for (auto it = labels->value.begin(); it != labels->value.end(); ++it)
        if (!labelKey(it.key()) || !labelPart(it.value().get<std::string>(), true))
          invalid(*t, "resource_labels", "resource_labels: '" + it.key() + "' = '" + it.value().get<std::string>() +
                                             "' is not a Kubernetes label (at most 63 of letters, digits, '-', '_' and '.')"), ok = false;
    if (!ok) continue;
    auto [it, fresh] = objects.try_emplace({ns, name}, Seen{t, {}});
    Seen& seen = it->second;
    const ir::Prop* mine = t->props.find("resource_labels");
    const ir::Prop* theirs = seen.first->props.find("resource_labels");
    if (!fresh && mine && (!theirs || mine->value != theirs->value))
      diags.report(engine::settingRange(*t, "resource_labels"), diag::err_target_setting_invalid,
                   {"prometheus", t->name, "resource_labels differ from those of target '" + seen.first->name +
                                               "', which writes the same PrometheusRule object"})
          .note(seen.first->range, "that target is declared here");
    auto [g, newGroup] = seen.groups.emplace(groupName(*t), t);
    if (!newGroup)
      diags.report(t->range, diag::err_target_setting_invalid,
                   {"prometheus", t->name, "group '" + groupName(*t) + "' is already in the PrometheusRule object '" + name +
                                               "' (target '" + g->second->name + "'); Prometheus rejects a group twice in one object"})
          .note(g->second->range, "that target is declared here");
  }
}

std::string operatorFile(const OperatorObject& o) {
  std::string out = "# Generated by monitorc; edit the .mon source instead.\n";
  out += "apiVersion: \"monitoring.coreos.com/v1\"\nkind: \"PrometheusRule\"\nmetadata:\n";
  out += "  name: " + yamlQuote(o.name) + "\n";
  if (!o.namespace_.empty()) out += "  namespace: " + yamlQuote(o.namespace_) + "\n";
  if (!o.labels.empty()) {
    out += "  labels:\n";
    for (const auto& [k, v] : o.labels) out += "    " + yamlQuote(k) + ": " + yamlQuote(v) + "\n";
  }
  std::string groups = ruleFile(o.groups);
  groups.erase(0, groups.find('\n') + 1);  // the header line; the rest is `groups:` and below
  return out + "spec:\n" + indent(groups, "  ");
}

std::string operatorPath(const OperatorObject& o) {
  return "prometheus-operator/" + (o.namespace_.empty() ? "" : o.namespace_ + "/") + o.name + ".yaml";
}

}  // namespace mon::prometheus
