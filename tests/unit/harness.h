#pragma once
// Shared by the unit tests: run the front end on in-memory files and look at the result.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "diag/diag_engine.h"
#include "driver/compile.h"
#include "driver/load.h"
#include "expand/expand.h"
#include "lower/lower.h"

namespace montest {

/// Files by path; anything else is "no such file".
class MemReader : public mon::FileReader {
 public:
  explicit MemReader(std::map<std::string, std::string> files) : files_(std::move(files)) {}
  bool read(const std::string& path, std::string& text, std::string& error) override {
    auto it = files_.find(path);
    if (it == files_.end()) {
      error = "no such file";
      return false;
    }
    text = it->second;
    return true;
  }

 private:
  std::map<std::string, std::string> files_;
};

/// Catalog names of the diagnostics, in order ("err_unknown_field", ...).
inline std::vector<std::string> codes(const mon::DiagEngine& d) {
  std::vector<std::string> out;
  for (const auto& x : d.all()) out.push_back(mon::nameOf(x.kind));
  return out;
}

inline bool hasCode(const mon::DiagEngine& d, const std::string& code) {
  for (const auto& x : d.all())
    if (code == mon::nameOf(x.kind)) return true;
  return false;
}

/// load + expand of `main.mon` (plus any other files given), without lowering.
struct Expansion {
  mon::SourceManager sm;
  mon::DiagEngine diags;
  mon::Program program;
  mon::Expanded out;
};

inline std::unique_ptr<Expansion> expandFiles(std::map<std::string, std::string> files,
                                              std::map<std::string, std::string> vars = {}) {
  auto e = std::make_unique<Expansion>();
  MemReader reader(std::move(files));
  e->program = mon::load({"main.mon"}, e->sm, e->diags, reader);
  e->out = mon::expand(e->program, e->sm, mon::ExpandOptions{std::move(vars)}, e->diags);
  return e;
}

inline std::unique_ptr<Expansion> expandText(const std::string& text, std::map<std::string, std::string> vars = {}) {
  return expandFiles({{"main.mon", text}}, std::move(vars));
}

/// The whole front end on one in-memory file.
inline std::unique_ptr<mon::Compilation> compileText(const std::string& text) {
  auto c = std::make_unique<mon::Compilation>();
  MemReader reader({{"main.mon", text}});
  mon::compile({"main.mon"}, mon::CompileOptions{}, reader, *c);
  return c;
}

}  // namespace montest
