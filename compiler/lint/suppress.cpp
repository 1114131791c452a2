#include "lint/suppress.h"

#include <string.h>

#include "lint/rules.h"

namespace mon::lint {

namespace {

constexpr std::string_view kMarker = "monitorc-lint:";

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// The line holds only a comment.
bool commentOnly(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && isSpace(line[i])) ++i;
  return line.substr(i, 1) == "#" || line.substr(i, 2) == "//";
}

// Where the directive's comment starts ('#' or '//' right before the marker, spaces between).
size_t commentStart(std::string_view line, size_t marker) {
  size_t i = marker;
  while (i > 0 && isSpace(line[i - 1])) --i;
  if (i >= 1 && line[i - 1] == '#') return i - 1;
  if (i >= 2 && line.substr(i - 2, 2) == "//") return i - 2;
  return std::string_view::npos;
}

}  // namespace

void Suppressions::scan(const SourceManager& sm, FileId skip, DiagEngine& diags) {
  for (FileId f = 0; f < sm.fileCount(); ++f) {
    if (f == skip) continue;
    // memmem: a large file without directives is read at every language-server edit, and
    // string::find stops at every 'm' of it.
    const std::string& text = sm.text(f);
    if (!memmem(text.data(), text.size(), kMarker.data(), kMarker.size())) continue;
    for (uint32_t n = 1; n <= sm.lineCount(f); ++n)
      if (sm.lineText(f, n).find(kMarker) != std::string_view::npos) parseLine(sm, f, n, diags);
  }
}

void Suppressions::parseLine(const SourceManager& sm, FileId f, uint32_t n, DiagEngine& diags) {
  std::string_view line = sm.lineText(f, n);
  size_t marker = line.find(kMarker);
  size_t start = commentStart(line, marker);
  if (start == std::string_view::npos) return;  // the words inside a string, not a comment
  uint32_t base = sm.lineStart(f, n);
  auto at = [&](size_t b, size_t e) { return Range{f, base + static_cast<uint32_t>(b), base + static_cast<uint32_t>(e)}; };
  Directive d;
  d.file = f;
  // At the end of a line with code, it is about the object starting on that line; on a line of
  // its own, about the object after the comment lines that follow it.
  bool trailing = line.substr(0, start).find_first_not_of(" \t") != std::string_view::npos;
  d.targetLine = n;
  if (!trailing) {
    d.targetLine = 0;
    for (uint32_t m = n + 1; m <= sm.lineCount(f); ++m) {
      std::string_view next = sm.lineText(f, m);
      if (commentOnly(next)) continue;
      bool blank = next.find_first_not_of(" \t\r") == std::string_view::npos;
      d.targetLine = blank ? 0 : m;
      break;
    }
  }
  size_t i = marker + kMarker.size();
  while (i < line.size() && isSpace(line[i])) ++i;
  if (line.substr(i, 6) != "ignore") {
    diags.report(at(marker, line.size()), diag::err_lint_config,
                 {"expected 'ignore' after 'monitorc-lint:' (# monitorc-lint: ignore MON004 -- why)"});
    return;
  }
  i += 6;
  size_t dash = line.find("--", i);
  std::string_view list = line.substr(i, dash == std::string_view::npos ? std::string_view::npos : dash - i);
  for (size_t k = 0; k < list.size();) {
    while (k < list.size() && (isSpace(list[k]) || list[k] == ',')) ++k;
    size_t e = k;
    while (e < list.size() && !isSpace(list[e]) && list[e] != ',') ++e;
    if (e > k) {
      std::string code(list.substr(k, e - k));
      Range r = at(i + k, i + e);
      if (const Rule* rule = findRule(code)) {
        d.codes.push_back(rule->code);
        d.codeRanges.push_back(r);
      } else {
        auto b = diags.report(r, diag::err_lint_unknown_rule, {code});
        std::string close = closestRule(code);
        if (!close.empty()) b.note(Range{}, "did you mean '" + close + "'?").fix(r, close);
      }
    }
    k = e;
  }
  if (d.codes.empty() && list.find_first_not_of(" \t,") == std::string_view::npos) {
    diags.report(at(marker, line.size()), diag::err_lint_config, {"'ignore' needs the rules to turn off (e.g. MON004)"});
    return;
  }
  std::string_view reason = dash == std::string_view::npos ? std::string_view{} : line.substr(dash + 2);
  if (reason.find_first_not_of(" \t\r") == std::string_view::npos) {
    if (!d.codes.empty()) diags.report(at(marker, line.size()), diag::err_lint_suppress_no_reason, {d.codes.front()});
    return;  // without a reason nothing is turned off
  }
  d.used.assign(d.codes.size(), false);
  if (!d.codes.empty()) directives_.push_back(std::move(d));
}

bool Suppressions::suppresses(const std::string& code, Range object, const SourceManager& sm) {
  // No directive: nothing to look up (lineCol would index every line of a large file).
  if (!object.valid() || directives_.empty()) return false;
  uint32_t line = sm.lineCol(object.file, object.begin).line;
  bool hit = false;
  for (auto& d : directives_) {
    if (d.file != object.file || d.targetLine != line) continue;
    for (size_t i = 0; i < d.codes.size(); ++i)
      if (d.codes[i] == code) {
        d.used[i] = true;
        hit = true;
      }
  }
  return hit;
}

}  // namespace mon::lint
