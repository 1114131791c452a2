#include "backend.h"
#include "grafana/grafana.h"
#include "mackerel/mackerel.h"
#include "prometheus/prometheus.h"

namespace mon {

const std::vector<Backend>& backends() {
  static const std::vector<Backend> all = {
      {"mackerel", &mackerel::build, nullptr},
      {"prometheus", &prometheus::build, &prometheus::check},
      {"grafana", &grafana::build, &grafana::check},
  };
  return all;
}

void checkBackends(const ir::Module& module, DiagEngine& diags) {
  for (const auto& b : backends())
    if (b.check) b.check(module, diags);
}

}  // namespace mon
