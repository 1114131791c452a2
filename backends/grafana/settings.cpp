#include <string>
#include <utility>

#include "grafana/grafana.h"
#include "grafana/routing.h"
#include "prometheus/targets.h"

namespace mon::grafana {

TargetSettings settingsOf(const ir::Target& t) {
  TargetSettings s;
  s.name = t.name;
  s.folder = t.props.str("folder", s.folder);
  s.datasource = t.props.str("datasource", s.datasource);
  s.datasourceType = t.props.str("datasource_type", s.datasourceType);
  if (const ir::Prop* v = t.props.find("take_over"); v && v->value.is_boolean()) s.takeOver = v->value.get<bool>();
  if (const ir::Prop* v = t.props.find("schema_version"); v && v->value.is_number()) s.schemaVersion = v->value.get<int>();
  return s;
}

namespace {

bool uidChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace

bool validUid(const std::string& s) {
  if (s.empty() || s.size() > 40) return false;
  for (unsigned char c : s)
    if (!uidChar(c)) return false;
  return true;
}

std::string pathSegment(const std::string& s) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (uidChar(c)) {
      out += char(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string dashboardUid(const std::string& urlPath) {
  if (validUid(urlPath)) return urlPath;
  std::string prefix;
  for (unsigned char c : urlPath) prefix += (std::isalnum(c) || c == '-' || c == '_') ? char(c) : '-';
  if (prefix.size() > 23) prefix.resize(23);
  return prefix + "-" + targets::hashHex(urlPath);
}

bool reportMonitorsOnZabbix(const ir::Module& module, const TargetSettings& t, const ir::Target& target, DiagEngine& diags) {
  if (!t.zabbix()) return false;
  for (const auto& m : module.monitors)
    if (targets::selects(m.targets, target))
      targets::reportCannotExpress(m, target,
                                   "Grafana alert rules are written for a Prometheus data source and this target's is "
                                   "Zabbix (alert with a zabbix target)",
                                   diags);
  return true;
}

OutputFiles build(const ir::Module& module, DiagEngine& diags) {
  OutputFiles out;
  targets::reportFileNameClashes(module, "grafana", diags);
  for (const ir::Target* t : targets::ofKind(module, "grafana")) {
    TargetSettings s = settingsOf(*t);
    std::string base = "grafana/" + targets::fileSafe(t->name) + "/";
    for (const auto& d : module.dashboards) {
      if (!targets::selects(d.targets, *t)) continue;
      ir::Json j = dashboardJson(d, s, *t, diags);
      if (j.is_null()) continue;
      std::string text = j.dump(2);
      text += '\n';
      out[base + "dashboards/" + j["uid"].get<std::string>() + ".json"] = std::move(text);
    }
    ir::Json g = reportMonitorsOnZabbix(module, s, *t, diags)
                     ? ir::Json{{"title", s.name}, {"folderUid", s.folder}, {"interval", 60}, {"rules", ir::Json::array()}}
                     : ruleGroupJson(module, s, *t, diags);
    out[base + "alert-rules/" + targets::fileSafe(g["title"].get<std::string>()) + ".json"] = g.dump(2) + "\n";
    buildRouting(module, *t, diags, out);
  }
  return out;
}

}  // namespace mon::grafana
