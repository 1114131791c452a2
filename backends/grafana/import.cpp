#include "grafana/grafana.h"
namespace mon::grafana {
bool importDashboard(const std::string&, std::string&, std::vector<std::string>&, std::string& error) {
  error = "not implemented";
  return false;
}
}  // namespace mon::grafana
