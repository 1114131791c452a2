// `monitorc import`.
#include <iostream>

#include "commands.h"

namespace mon::cli {

Runner setupImport(CLI::App& sub) {
  sub.allow_extras();
  return []() {
    std::cerr << "monitorc: error: 'import' is not implemented yet\n";
    return 1;
  };
}

}  // namespace mon::cli
