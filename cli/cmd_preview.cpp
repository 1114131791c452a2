// `monitorc preview`: each dashboard's computed layout as an SVG picture (preview/), for
// reviewing a layout without a monitoring system: the grid, every widget at its place with
// its title, kind and size. Reads the IR only, so a picture shows what every backend sends.
#include <filesystem>
#include <iostream>
#include <set>

#include "commands.h"
#include "frontend.h"
#include "preview/board.h"
#include "preview/svg.h"
#include "prometheus/targets.h"
#include "support/files.h"
#include "support/terminal.h"

namespace mon::cli {

namespace {

namespace fs = std::filesystem;

int fail(const std::string& msg) {
  std::cerr << "monitorc: error: " << terminalSafe(msg) << "\n";
  return 1;
}

struct PreviewOpts {
  FrontEndOptions fe;
  std::string dashboard, target, out;
};

// The dashboards to draw: all, or those `--dashboard` names (title or url_path), or those
// `--target` takes. Null target with `err` when it is not declared.
bool select(const ir::Module& m, const PreviewOpts& o, std::vector<const ir::Dashboard*>& out, std::string& err) {
  const ir::Target* target = nullptr;
  if (!o.target.empty()) {
    for (const auto& t : m.targets)
      if (t.name == o.target) target = &t;
    if (!target) return (err = "no target named '" + o.target + "' is declared", false);
  }
  for (const auto& d : m.dashboards) {
    if (!o.dashboard.empty() && d.title != o.dashboard && d.urlPath != o.dashboard) continue;
    if (target && !targets::selects(d.targets, *target)) continue;
    out.push_back(&d);
  }
  if (!out.empty()) return true;
  if (m.dashboards.empty()) err = "the source has no dashboards";
  else if (!o.dashboard.empty()) err = "no dashboard has the title or url_path '" + o.dashboard + "'";
  else err = "target '" + o.target + "' takes no dashboard";
  return false;
}

int runPreview(const PreviewOpts& o) {
  bool ok;
  auto c = compileAndReport(o.fe, ok);
  if (!ok) return 1;
  std::vector<const ir::Dashboard*> chosen;
  std::string err;
  if (!select(c->module, o, chosen, err)) return fail(err);
  std::error_code ec;
  fs::create_directories(o.out, ec);
  if (ec) return fail("cannot create '" + o.out + "': " + ec.message());
  std::set<std::string> used;
  for (const ir::Dashboard* d : chosen) {
    // url_paths are unique, their file forms need not be ("a/b" and "a-b").
    std::string stem = preview::fileStem(d->urlPath), name = stem;
    for (int n = 2; !used.insert(name).second; ++n) name = stem + "-" + std::to_string(n);
    std::string path = (fs::path(o.out) / (name + ".svg")).string();
    if (!writeFileAtomic(path, preview::renderSvg(preview::boardOf(*d)), err)) return fail(err);
    std::cout << path << "\n";
  }
  return 0;
}

}  // namespace

Runner setupPreview(CLI::App& sub) {
  sub.footer(
      "Examples:\n"
      "  monitorc preview -o pictures                       every dashboard, one SVG each\n"
      "  monitorc preview --dashboard web/overview -o pics  one dashboard (title or url_path)\n"
      "  monitorc preview --target grafana -o pics .        the dashboards a target takes\n"
      "Each picture is OUT/<url_path with '/' as '-'>.svg; their paths are printed.\n"
      "Exit status: 0 written; 1 the source has errors, nothing matches, or a file cannot be written.\n");
  auto o = std::make_shared<PreviewOpts>();
  o->fe.add(sub);
  sub.add_option("--dashboard", o->dashboard, "Only the dashboard with this title or url_path");
  sub.add_option("--target", o->target, "Only the dashboards this target takes (by its name)");
  sub.add_option("-o,--out", o->out, "Directory to write the pictures to")->required();
  return [o]() { return runPreview(*o); };
}

}  // namespace mon::cli
