#include "prometheus/prometheus.h"
namespace mon::prometheus {
bool importRules(const std::string&, std::string&, std::vector<std::string>&, std::string& error) {
  error = "not implemented";
  return false;
}
}  // namespace mon::prometheus
