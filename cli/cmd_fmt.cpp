// `monitorc fmt`.
#include <iostream>

#include "commands.h"

namespace mon::cli {

Runner setupFmt(CLI::App& sub) {
  sub.allow_extras();
  return []() {
    std::cerr << "monitorc: error: 'fmt' is not implemented yet\n";
    return 1;
  };
}

}  // namespace mon::cli
