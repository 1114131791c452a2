// `monitorc build` and `monitorc check`.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "backend.h"
#include "diag/render.h"
#include "frontend.h"

namespace mon::cli {

namespace {

namespace fs = std::filesystem;

bool writeFile(const fs::path& path, const std::string& content) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out || !(out << content) || !out.flush()) {
      std::cerr << "monitorc: error: cannot write '" << path.string() << "'\n";
      return false;
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    std::cerr << "monitorc: error: cannot write '" << path.string() << "': " << ec.message() << "\n";
    return false;
  }
  return true;
}

}  // namespace

Runner setupBuild(CLI::App& sub) {
  struct Opts {
    FrontEndOptions fe;
    std::string out = "build";
    std::string emit = "all";
  };
  auto o = std::make_shared<Opts>();
  o->fe.add(sub);
  sub.add_option("-o,--out", o->out, "Output directory (default: build)");
  sub.add_option("--emit", o->emit, "What to write: all (every backend), a backend name, or ir (IR as JSON to stdout)");
  return [o]() {
    bool ok;
    auto c = compileAndReport(o->fe, ok);
    if (!ok) return 1;
    if (o->emit == "ir") {
      std::cout << ir::toJson(c->module, c->sources).dump(2) << "\n";
      return 0;
    }
    bool known = o->emit == "all";
    // Backends report what they cannot express; print those and write nothing on an error.
    size_t mark = c->diags.all().size(), errorsBefore = c->diags.errorCount();
    OutputFiles all;
    for (const auto& b : backends()) {
      if (o->emit != "all" && o->emit != b.name) continue;
      known = true;
      OutputFiles files = b.build(c->module, c->diags);
      all.insert(files.begin(), files.end());
    }
    if (c->diags.all().size() > mark) {
      std::vector<Diagnostic> fresh(c->diags.all().begin() + mark, c->diags.all().end());
      std::cerr << (o->fe.diagnosticsFormat == "json" ? renderJson(c->sources, fresh) : renderText(c->sources, fresh));
      if (o->fe.diagnosticsFormat != "json")
        std::cerr << renderSummary(c->diags.errorCount() - errorsBefore, size_t(std::count_if(fresh.begin(), fresh.end(), [](const Diagnostic& d) {
                                     return d.severity == Severity::Warning;
                                   })));
    }
    if (c->diags.errorCount() > errorsBefore) return 1;
    for (const auto& [rel, content] : all)
      if (!writeFile(fs::path(o->out) / rel, content)) return 1;
    if (!known) {
      std::cerr << "monitorc: error: unknown --emit '" << o->emit << "' (use all, ir or a backend name)\n";
      return 1;
    }
    return 0;
  };
}

Runner setupCheck(CLI::App& sub) {
  auto fe = std::make_shared<FrontEndOptions>();
  fe->add(*&sub);
  return [fe]() {
    bool ok;
    // The backends' checks too (monitors a target cannot express), in the same report.
    compileAndReport(*fe, ok, [](Compilation& c) { checkBackends(c.module, c.diags); });
    return ok ? 0 : 1;
  };
}

}  // namespace mon::cli
