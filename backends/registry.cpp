#include "backend.h"
#include "grafana/grafana.h"
#include "mackerel/mackerel.h"
#include "prometheus/prometheus.h"

namespace mon {

const std::vector<Backend>& backends() {
  static const std::vector<Backend> all = {
      {"mackerel", &mackerel::build},
      {"prometheus", &prometheus::build},
      {"grafana", &grafana::build},
  };
  return all;
}

}  // namespace mon
