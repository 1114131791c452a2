// Test driver for Grafana plan/apply (the library in backends/grafana/apply.h; `monitorc
// plan/apply` belong to cli/cmd_remote.cpp and engine/):
//   grafana_apply_tool plan|apply [--prune] BUILD_DIR TARGET FOLDER URL     (token in $GRAFANA_TOKEN)
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "grafana/apply.h"
#include "net/http.h"

namespace fs = std::filesystem;
using namespace mon;

int main(int argc, char** argv) {
  bool prune = false;
  std::vector<std::string> pos;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--prune") prune = true;
    else pos.push_back(argv[i]);
  }
  if (pos.size() != 5 || (pos[0] != "plan" && pos[0] != "apply")) {
    std::cerr << "usage: grafana_apply_tool plan|apply [--prune] BUILD_DIR TARGET FOLDER URL\n";
    return 2;
  }
  OutputFiles built;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(pos[1], ec)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    built[fs::relative(e.path(), pos[1]).string()] = ss.str();
  }
  grafana::TargetSettings t;
  t.name = pos[2];
  t.folder = pos[3];
  const char* token = std::getenv("GRAFANA_TOKEN");
  std::shared_ptr<net::Client> client = net::makeCurlClient();
  grafana::Connection c{pos[4], token ? token : "", client, 16, nullptr};
  grafana::Plan plan;
  std::string err;
  if (!grafana::makePlan(built, t, c, prune, plan, err)) {
    std::cerr << "error: " << err << "\n";
    return 1;
  }
  std::cout << grafana::renderPlan(plan);
  if (pos[0] == "plan") return 0;
  grafana::ApplyResult res = grafana::applyPlan(plan, c);
  for (const auto& l : res.log) std::cout << "done: " << l << "\n";
  for (const auto& e : res.errors) std::cerr << "error: " << e << "\n";
  return res.ok ? 0 : 1;
}
