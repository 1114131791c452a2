#include "prometheus/pull.h"

#include "prometheus/apply.h"
#include "prometheus/mon_source.h"
#include "prometheus/prometheus.h"
#include "support/text.h"

namespace mon::prometheus {

std::string retarget(const std::string& imported, const std::string& target, std::vector<std::string>& groups) {
  std::string out;
  size_t at = 0;
  while (at < imported.size()) {
    size_t end = imported.find('\n', at);
    std::string line = imported.substr(at, end == std::string::npos ? std::string::npos : end - at);
    at = end == std::string::npos ? imported.size() : end + 1;
    if (line.rfind("# Imported from", 0) == 0) continue;
    if (line.rfind("target prometheus ", 0) == 0) {
      // target prometheus "G" { group = "G" }
      size_t g = line.find(" { group = ");
      if (g != std::string::npos && line.size() > g + 13) groups.push_back(line.substr(g + 11, line.size() - g - 13));
      continue;
    }
    if (line.rfind("  targets = [", 0) == 0) line = "  targets = [" + source::quote(target) + "]";
    out += line + "\n";
  }
  while (out.rfind("\n", 0) == 0) out.erase(0, 1);
  return out;
}

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
  std::vector<std::string> groups;
  if (!files->read(path, text)) {
    warnings.push_back("'" + path + "' does not exist: the target has no rules");
  } else if (ownedOnly && !writtenByMonitorc(text)) {
    warnings.push_back("'" + path + "' was not written by monitorc (no generated header); skipped with --owned-only");
  } else {
    std::string imported;
    if (!importRules(text, imported, warnings, err)) return (err = "'" + path + "': " + err, false);
    objects = retarget(imported, spec.name, groups);
    if (groups.size() > 1)
      warnings.push_back("'" + path + "' has " + std::to_string(groups.size()) + " groups; their rules are pulled into the one group of target '" + spec.name + "'");
  }
  out.objects = pulledHeader("prometheus", spec.name) + (objects.empty() ? "" : "\n" + objects);
  out.target = pulledHeader("prometheus", spec.name) + "target prometheus " + quoteSource(spec.name) + " {\n";
  out.target += groups.size() == 1 ? "  group = " + groups[0] + "\n" : group.empty() ? "" : "  group = " + quoteSource(group) + "\n";
  out.target += "  rules_dir = " + quoteSource(spec.dir) + "\n  url = " + quoteSource(spec.where) + "\n}\n";
  return true;
}

}  // namespace mon::prometheus
