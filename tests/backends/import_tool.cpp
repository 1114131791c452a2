// Test driver for the Prometheus and Grafana importers (library functions; the `monitorc import`
// command belongs to cli/cmd_import.cpp):  import_tool prometheus|grafana FILE  -> source on stdout.
#include <fstream>
#include <iostream>
#include <sstream>

#include "fmt/format.h"
#include "grafana/grafana.h"
#include "prometheus/prometheus.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: import_tool prometheus|grafana FILE\n";
    return 2;
  }
  std::ifstream in(argv[2], std::ios::binary);
  if (!in) {
    std::cerr << "import_tool: error: cannot read '" << argv[2] << "'\n";
    return 1;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string source, error, kind = argv[1];
  std::vector<std::string> warnings;
  bool ok = kind == "prometheus" ? mon::prometheus::importRules(text.str(), source, warnings, error)
            : kind == "grafana"  ? mon::grafana::importDashboard(text.str(), source, warnings, error)
                                 : (error = "unknown kind '" + kind + "'", false);
  for (const auto& w : warnings) std::cerr << argv[2] << ": warning: " << w << "\n";
  if (!ok) {
    std::cerr << argv[2] << ": error: " << error << "\n";
    return 1;
  }
  std::cout << mon::formatGenerated(source);  // as `monitorc import` writes it
  return 0;
}
