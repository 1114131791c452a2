// Commands whose implementation lands with later work; they say so instead of pretending.
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

Runner setupFmt(CLI::App& sub) { sub.allow_extras(); return notYet("fmt"); }
Runner setupImport(CLI::App& sub) { sub.allow_extras(); return notYet("import"); }
Runner setupPlan(CLI::App& sub) { sub.allow_extras(); return notYet("plan"); }
Runner setupApply(CLI::App& sub) { sub.allow_extras(); return notYet("apply"); }
Runner setupPull(CLI::App& sub) { sub.allow_extras(); return notYet("pull"); }
Runner setupLsp(CLI::App& sub) { sub.allow_extras(); return notYet("lsp"); }

}  // namespace mon::cli
