// `monitorc lsp`: the language server on stdin/stdout (see docs/lsp.md).
#include <csignal>
#include <unistd.h>

#include "allocator.h"
#include "commands.h"
#include "server.h"

namespace mon::cli {

Runner setupLsp(CLI::App& sub) {
  sub.footer(
      "Started by an editor, on standard input and output (docs/lsp.md has the set-ups).\n"
      "Examples:\n"
      "  monitorc lsp                                   what an editor's client runs\n"
      "  monitorc lsp --stdio                           the same; VS Code's client adds --stdio\n"
      "Exit status: 0 after shutdown and exit; 1 when the client exits without shutdown.\n");
  // Editors pass --stdio (VS Code's client does); stdio is the only transport.
  static bool stdio = true;
  sub.add_flag("--stdio", stdio, "Talk LSP over stdin/stdout (the default and only transport)");
  static bool fullReparse = false;
  sub.add_flag("--full-reparse", fullReparse, "Parse whole documents after each edit (for measurements)");
  return []() {
    disableHugePages();
    std::signal(SIGPIPE, SIG_IGN);  // a client that goes away ends the loop at end of input
    lsp::FdTransport transport(STDIN_FILENO, STDOUT_FILENO);
    DiskFileReader disk;
    lsp::Server server(transport, disk);
    server.setFullReparse(fullReparse);
    return server.run();
  };
}

}  // namespace mon::cli
