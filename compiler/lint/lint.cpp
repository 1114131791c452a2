#include "lint/lint.h"

#include <algorithm>

#include "lint/reporter.h"
#include "lint/rules.h"
#include "support/text.h"

namespace mon::lint {

bool Reporter::enabled(const std::string& code) const {
  auto it = cfg_.severity.find(code);
  return it == cfg_.severity.end() || it->second.has_value();
}

std::optional<DiagBuilder> Reporter::report(const char* code, const Subject& object, Range at, diag::Kind kind,
                                            std::vector<std::string> args) {
  const Rule* rule = findRule(code);
  auto it = cfg_.severity.find(code);
  std::optional<Severity> sev = it == cfg_.severity.end() ? std::optional<Severity>(rule->severity) : it->second;
  if (!sev || sup_.suppresses(code, object.range, sm_)) return std::nullopt;
  size_t index = diags_.all().size();
  DiagBuilder b = diags_.reportRule(at.valid() ? at : object.range, kind, std::move(args), *sev, code);
  // The step notes go last, after the rule's own notes (added by the caller): mergeLoopRepeats
  // then folds identical findings of several steps into one.
  if (object.steps && !object.steps->empty() && index < diags_.all().size()) pending_.push_back({index, object.steps});
  return b;
}

void Reporter::finish() {
  auto& all = diags_.mutableAll();
  for (const auto& [index, steps] : pending_)
    for (const ir::LoopStep& s : *steps) all[index].notes.push_back(Note{s.at, s.note});
  pending_.clear();
}

std::string showSeconds(double seconds) { return formatDurationMs(static_cast<long long>(seconds * 1000)); }

std::string lowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool targetsOverlap(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() || b.empty()) return true;
  for (const auto& x : a)
    for (const auto& y : b)
      if (x == y) return true;
  return false;
}

void lint(const ir::Module& m, const SourceManager& sm, const Config& config, FileId configFile, DiagEngine& diags) {
  size_t mark = diags.all().size();
  Suppressions sup;
  sup.scan(sm, configFile, diags);
  Reporter r(sm, config, sup, diags);
  checkMonitors(m, r);
  checkDuplicates(m, r);
  checkPrometheusRules(m, r);
  checkDashboards(m, r);
  r.finish();
  sup.reportUnused(diags, [&](const std::string& code) { return r.enabled(code); });
  // The rules run area by area; people read the findings file by file, top to bottom.
  auto& all = diags.mutableAll();
  std::stable_sort(all.begin() + static_cast<std::ptrdiff_t>(mark), all.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.range.file != b.range.file ? a.range.file < b.range.file : a.range.begin < b.range.begin;
  });
  diags.mergeLoopRepeats();
}

}  // namespace mon::lint
