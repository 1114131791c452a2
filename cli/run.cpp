#include <cstdio>
#include <iostream>
#include <string_view>

#include "backend.h"
#include "commands.h"
#include "monitorc_version.h"
#include "support/text.h"

namespace mon::cli {

namespace {

const Command kCommands[] = {
    {"build", "Compile .mon sources to each backend's files", setupBuild},
    {"check", "Run every check on .mon sources; write nothing", setupCheck},
    {"lint", "Find alerts and dashboards that will page badly (docs/lint.md)", setupLint},
    {"test", "Run the test blocks: series in, expected alerts out (docs/testing.md)", setupTest},
    {"fmt", "Rewrite .mon files in the canonical layout", setupFmt},
    {"import", "Turn existing monitoring JSON into .mon source", setupImport},
    {"plan", "Show what apply would change on a target", setupPlan},
    {"apply", "Make a target match the source", setupApply},
    {"pull", "Write source for what a target has now", setupPull},
    {"alerts", "Rank a target's monitors by how noisy their alerts were", setupAlerts},
    {"show", "Render a plan saved as JSON, reading no target", setupShow},
    {"preview", "Draw each dashboard's layout as an SVG picture", setupPreview},
    {"lsp", "Run the language server on stdin/stdout", setupLsp},
};

}  // namespace

void FrontEndOptions::add(CLI::App& sub, bool pathsRequired, bool formatFlag) {
  auto* p = sub.add_option("paths", paths, ".mon files or directories of them (default: the current directory)");
  // As terraform and promtool users expect: run in the project's directory without naming it.
  if (pathsRequired) p->default_val(".");
  sub.add_option("--var", vars, "Set a declared variable: --var env=prod (repeatable)")
      ->allow_extra_args(false);  // one NAME=VALUE per --var: the next word is a path
  // SARIF and GitHub annotations go to stdout, which is the product of the other commands.
  if (formatFlag)
    sub.add_option("--format,--diagnostics-format", diagnosticsFormat,
                   "How to print problems: text or json (stderr), sarif or github (stdout)")
        ->check(CLI::IsMember({"text", "json", "sarif", "github"}));
  else
    sub.add_option("--diagnostics-format", diagnosticsFormat, "How to print problems: text or json")
        ->check(CLI::IsMember({"text", "json"}));
  sub.add_flag("--werror", werror, "Treat warnings as errors");
}

bool FrontEndOptions::varMap(std::map<std::string, std::string>& out) const {
  for (const auto& v : vars) {
    size_t eq = v.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "monitorc: error: --var expects NAME=VALUE, got '" << v << "'\n";
      return false;
    }
    out[v.substr(0, eq)] = v.substr(eq + 1);
  }
  return true;
}

int run(int argc, char** argv) {
  // `monitorc --version` alone is answered before anything is set up: CLI11 reports a version
  // flag by throwing, and the first throw of a process reads the unwind tables of a 15 MB
  // binary; with the target kinds and the command table that was 20 of its 179 page faults
  // and about 1 ms (perf stat -r 30). The text is the one set_version_flag below prints.
  if (argc == 2 && std::string_view(argv[1]) == "--version") {
    std::fputs("monitorc " MONITORC_VERSION "\n", stdout);
    return std::fflush(stdout) == 0 ? 0 : 1;
  }
  installTargetKinds();  // the checker learns the backends' target kinds and their settings
  CLI::App app{"monitorc: monitors and dashboards as code, for Mackerel, Prometheus and Grafana"};
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  monitorc check                          every check on the .mon files here\n"
      "  monitorc plan --target prod             what apply would change on target prod\n"
      "  monitorc apply --target prod            make it so, after a confirmation\n"
      "  monitorc COMMAND --help                 one command's options, examples and exit status\n"
      "Exit status: 0 success; 1 an error (the message says which); plan --detailed-exitcode exits 2\n"
      "when there are changes.\n");
  app.set_version_flag("--version", "monitorc " MONITORC_VERSION);
  Runner chosen;
  std::vector<std::pair<CLI::App*, Runner>> runners;
  // Only the command on the command line gets its options: setting up all of them (hundreds
  // of options, validators and help strings) was most of the user-space work of a start. The
  // others are registered by name and summary, all that `monitorc --help` and the error for an
  // unknown command show. A command is always the first argument (the app has no options of
  // its own besides --help and --version).
  const std::string_view named = argc > 1 ? argv[1] : "";
  for (const auto& c : kCommands) {
    CLI::App* sub = app.add_subcommand(c.name, c.summary);
    if (named == c.name) runners.emplace_back(sub, c.setup(*sub));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // An unknown command gets a suggestion from the table.
    if (argc > 1 && argv[1][0] != '-' && !app.get_subcommands().size()) {
      std::vector<std::string> names;
      for (const auto& c : kCommands) names.push_back(c.name);
      bool known = false;
      for (const auto& n : names) known |= n == argv[1];
      if (!known) {
        std::string close = closestMatch(argv[1], names);
        std::cerr << "monitorc: error: unknown command '" << argv[1] << "'";
        if (!close.empty()) std::cerr << ", did you mean '" << close << "'?";
        std::cerr << "\nRun 'monitorc --help' for the list of commands.\n";
        return 1;
      }
    }
    int code = app.exit(e);
    return code == 0 ? 0 : 1;
  }
  for (auto& [sub, runner] : runners)
    if (sub->parsed()) {
      try {
        return runner();
      } catch (const std::exception& e) {
        std::cerr << "monitorc: error: " << e.what() << "\n";
        return 1;
      }
    }
  return 1;
}

}  // namespace mon::cli
