#include "prometheus/pull.h"

#include "prometheus/apply.h"
#include "prometheus/mon_source.h"
#include "prometheus/prometheus.h"
#include "support/text.h"

namespace mon::prometheus {

std::string pulledHeader(const std::string& kind, const std::string& name) {
  return "# Written by `monitorc pull` from " + kind + " target " + quoteSource(name) + ".\n";
}

bool pullRules(const std::string& name, const std::string& url, const std::string& rulesDir, const std::string& group,
               bool ownedOnly, engine::PulledSource& out, std::vector<std::string>& warnings, std::string& err) {
  const struct {
    std::string name, dir, where;
  } spec{name, rulesDir, url};
  if (spec.dir.empty()) return (err = "prometheus target '" + spec.name + "' has no rules_dir", false);
  std::string path = spec.dir + "/" + ownedFileName(spec.name), text;
  auto files = diskFileOps();
  if (std::string why = files->unreadable(spec.dir, ownedFileName(spec.name)); !why.empty())
    return (err = "prometheus target '" + spec.name + "': rules_dir: " + why, false);
  std::string objects;
  IntoTarget into{spec.name, false, {}};
  if (!files->read(path, text)) {
    warnings.push_back("'" + path + "' does not exist: the target has no rules");
  } else if (ownedOnly && !writtenByMonitorc(text)) {
    warnings.push_back("'" + path + "' was not written by monitorc (no generated header); skipped with --owned-only");
  } else {
    if (!importRulesInto(text, into, objects, warnings, err)) return (err = "'" + path + "': " + err, false);
    if (into.groupSettings.size() > 1)
      warnings.push_back("'" + path + "' has " + std::to_string(into.groupSettings.size()) + " groups; their rules are pulled into the one group of target '" + spec.name + "'");
  }
  out.objects = pulledHeader("prometheus", spec.name) + (objects.empty() ? "" : "\n" + objects);
  out.ordered = true;  // a group's rules run in order (a record before the alerts that read it)
  out.target = pulledHeader("prometheus", spec.name) + "target prometheus " + quoteSource(spec.name) + " {\n";
  out.target += into.groupSettings.size() == 1 ? into.groupSettings[0] : group.empty() ? "" : "  group = " + quoteSource(group) + "\n";
  out.target += "  rules_dir = " + quoteSource(spec.dir) + "\n  url = " + quoteSource(spec.where) + "\n}\n";
  return true;
}

}  // namespace mon::prometheus
