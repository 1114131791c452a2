#include "lint/config.h"

#include "lint/rules.h"
#include "support/text.h"

namespace mon::lint {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::optional<std::optional<Severity>> severityWord(std::string_view w) {
  if (w == "off") return std::optional<Severity>{};
  if (w == "note") return std::optional<Severity>{Severity::Note};
  if (w == "warning") return std::optional<Severity>{Severity::Warning};
  if (w == "error") return std::optional<Severity>{Severity::Error};
  return std::nullopt;
}

}  // namespace

Config parseConfig(FileId file, const SourceManager& sm, DiagEngine& diags) {
  Config cfg;
  for (uint32_t n = 1; n <= sm.lineCount(file); ++n) {
    std::string_view line = sm.lineText(file, n);
    uint32_t start = sm.lineStart(file, n);
    size_t hash = line.find('#');
    std::string_view body = trim(line.substr(0, hash));
    if (body.empty()) continue;
    auto at = [&](std::string_view part) {
      uint32_t b = start + static_cast<uint32_t>(part.data() - line.data());
      return Range{file, b, b + static_cast<uint32_t>(part.size())};
    };
    size_t eq = body.find('=');
    if (eq == std::string_view::npos) {
      diags.report(at(body), diag::err_lint_config, {"expected 'RULE = off|note|warning|error'"});
      continue;
    }
    std::string_view key = trim(body.substr(0, eq));
    std::string_view value = trim(body.substr(eq + 1));
    const Rule* rule = findRule(std::string(key));
    if (!rule) {
      auto b = diags.report(at(key.empty() ? body : key), diag::err_lint_unknown_rule, {std::string(key)});
      std::string close = closestRule(std::string(key));
      if (!close.empty()) b.note(Range{}, "did you mean '" + close + "'?");
      continue;
    }
    auto sev = severityWord(value);
    if (!sev) {
      diags.report(at(value.empty() ? body : value), diag::err_lint_config,
                   {"severity must be off, note, warning or error, found '" + std::string(value) + "'"});
      continue;
    }
    cfg.severity[rule->code] = *sev;
  }
  return cfg;
}

}  // namespace mon::lint
