// `monitorc lsp`.
#include <iostream>

#include "commands.h"

namespace mon::cli {

Runner setupLsp(CLI::App& sub) {
  sub.allow_extras();
  return []() {
    std::cerr << "monitorc: error: 'lsp' is not implemented yet\n";
    return 1;
  };
}

}  // namespace mon::cli
