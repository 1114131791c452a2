// Test driver for Prometheus plan/apply (the library in backends/prometheus/apply.h; the
// `monitorc plan/apply` commands belong to cli/cmd_remote.cpp and engine/):
//   prom_apply_tool plan|apply [--prune] [--no-promtool] BUILD_DIR TARGET RULES_DIR URL
// BUILD_DIR is a `monitorc build -o` directory.
#include <filesystem>
#include <iostream>

#include "net/http.h"
#include "prometheus/apply.h"

namespace fs = std::filesystem;
using namespace mon;

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  bool prune = false, promtool = true;
  std::vector<std::string> pos;
  for (const auto& a : args) {
    if (a == "--prune") prune = true;
    else if (a == "--no-promtool") promtool = false;
    else pos.push_back(a);
  }
  if (pos.size() != 5 || (pos[0] != "plan" && pos[0] != "apply")) {
    std::cerr << "usage: prom_apply_tool plan|apply [--prune] [--no-promtool] BUILD_DIR TARGET RULES_DIR URL\n";
    return 2;
  }
  auto files = prometheus::diskFileOps();
  OutputFiles built;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(pos[1], ec)) {
    if (!e.is_regular_file()) continue;
    std::string text;
    files->read(e.path().string(), text);
    built[fs::relative(e.path(), pos[1]).string()] = text;
  }
  prometheus::Plan plan = prometheus::makePlan(pos[2], prometheus::desiredFiles(built, pos[2]), pos[3], prune, *files);
  std::cout << prometheus::renderPlan(plan);
  if (pos[0] == "plan") return 0;
  std::shared_ptr<net::Client> client = net::makeCurlClient();
  prometheus::RuleChecker check = promtool ? prometheus::promtoolChecker()
                                           : [](const std::vector<std::string>&, std::string&) { return 0; };
  prometheus::ApplyResult res = prometheus::applyPlan(plan, pos[4], *files, *client, check);
  for (const auto& l : res.log) std::cout << l << "\n";
  if (!res.ok) {
    std::cerr << "error: " << res.error << "\n";
    return 1;
  }
  return 0;
}
