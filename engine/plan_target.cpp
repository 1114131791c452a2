#include "plan_target.h"

#include "grafana/grafana.h"
#include "net/http.h"
#include "target.h"

namespace mon::engine {

namespace {

void compare(std::vector<std::string>& out, const char* what, const std::string& inPlan, const std::string& declared) {
  if (inPlan != declared) out.push_back(std::string(what) + ": the plan says '" + inPlan + "', the source declares '" + declared + "'");
}

}  // namespace

std::vector<std::string> planTargetMismatches(const Plan& plan, const ir::Module& m) {
  std::vector<std::string> out;
  TargetSpec spec;
  std::string err;
  const ir::Target* declared = nullptr;
  for (const auto& t : m.targets)
    if (t.name == plan.targetName) declared = &t;
  if (!declared || !chooseTarget(m, plan.targetName, spec, err)) {
    out.push_back("the source declares no target named '" + plan.targetName + "'");
    return out;
  }
  compare(out, "kind", plan.targetKind, spec.kind);
  if (!out.empty()) return out;
  if (spec.kind == "mackerel" || spec.kind == "local") {
    compare(out, spec.kind == "local" ? "dir" : "base URL", plan.where, spec.where);
    compare(out, "api_key_env", plan.keyEnv, spec.keyEnv);
    return out;
  }
  std::string url = net::withoutTrailingSlash(spec.where);
  compare(out, "url", plan.url, url);
  if (spec.kind == "prometheus") {
    compare(out, "rules_dir", plan.rulesDir, spec.dir);
    compare(out, "where", plan.where, url + ", rules_dir " + spec.dir);
  } else {
    std::string folder = grafana::settingsOf(*declared).folder;
    compare(out, "token_env", plan.keyEnv, spec.keyEnv);
    compare(out, "folder", plan.folder, folder);
    compare(out, "where", plan.where, url + ", folder " + folder);
  }
  return out;
}

}  // namespace mon::engine
