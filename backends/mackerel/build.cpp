// `monitorc build` for Mackerel: monitors.json as `mkr monitors pull` writes it (without
// ids), and one dashboard body per file, named after its url_path.
#include "backend.h"
#include "mackerel/api_json.h"
#include "mackerel/gojson.h"
#include "mackerel/mackerel.h"

namespace mon::mackerel {

std::string monitorsFile(const std::vector<const ir::Monitor*>& monitors) {
  ir::Json list = ir::Json::array();
  for (const ir::Monitor* m : monitors) list.push_back(monitorToApi(*m));
  ir::Json root = {{"monitors", list}};
  return goIndent(root) + "\n";
}

OutputFiles build(const ir::Module& module, DiagEngine& diags) {
  OutputFiles out;
  std::vector<const ir::Monitor*> monitors;
  for (const auto& m : module.monitors) monitors.push_back(&m);
  out["mackerel/monitors.json"] = monitorsFile(monitors);
  for (const auto& d : module.dashboards)
    out["mackerel/dashboards/" + d.urlPath + ".json"] = goIndent(dashboardToApi(d)) + "\n";
  return out;
}

}  // namespace mon::mackerel
