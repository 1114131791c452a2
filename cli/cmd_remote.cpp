// `monitorc plan`, `monitorc apply` and `monitorc pull`.
#include <iostream>

#include "commands.h"

namespace mon::cli {

namespace {
Runner notYet(const char* what) {
  return [what]() {
    std::cerr << "monitorc: error: '" << what << "' is not implemented yet\n";
    return 1;
  };
}
}  // namespace

Runner setupPlan(CLI::App& sub) { sub.allow_extras(); return notYet("plan"); }
Runner setupApply(CLI::App& sub) { sub.allow_extras(); return notYet("apply"); }
Runner setupPull(CLI::App& sub) { sub.allow_extras(); return notYet("pull"); }

}  // namespace mon::cli
