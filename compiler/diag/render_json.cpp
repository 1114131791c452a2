#include <nlohmann/json.hpp>

#include "diag/render.h"

namespace mon {

namespace {

nlohmann::json place(const SourceManager& sm, Range r) {
  if (!r.valid()) return nullptr;
  LineCol b = sm.lineCol(r.file, r.begin);
  LineCol e = sm.lineCol(r.file, std::max(r.end, r.begin));
  return {{"file", sm.path(r.file)}, {"line", b.line},   {"column", b.col},
          {"endLine", e.line},       {"endColumn", e.col}, {"offset", r.begin},
          {"length", r.end > r.begin ? r.end - r.begin : 0}};
}

const char* word(Severity s) {
  return s == Severity::Error ? "error" : s == Severity::Warning ? "warning" : "note";
}

}  // namespace

std::string renderJson(const SourceManager& sm, const std::vector<Diagnostic>& diags) {
  nlohmann::json arr = nlohmann::json::array();
  for (const Diagnostic& d : diags) {
    nlohmann::json j = {{"severity", word(d.severity)}, {"code", nameOf(d.kind)}, {"message", d.message},
                        {"location", place(sm, d.range)}};
    if (!d.rule.empty()) j["rule"] = d.rule;
    j["notes"] = nlohmann::json::array();
    for (const Note& n : d.notes) j["notes"].push_back({{"message", n.message}, {"location", place(sm, n.range)}});
    j["fixits"] = nlohmann::json::array();
    for (const FixIt& f : d.fixits) j["fixits"].push_back({{"replacement", f.replacement}, {"location", place(sm, f.range)}});
    arr.push_back(std::move(j));
  }
  return arr.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace mon
