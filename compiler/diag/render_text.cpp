#include <algorithm>

#include "diag/render.h"
#include "support/text.h"

namespace mon {

namespace {

const char* severityWord(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

// Display width of a byte prefix: tabs stay tabs (so the caret lines up in any terminal),
// UTF-8 continuation bytes take no column.
std::string padFor(std::string_view prefix) {
  std::string pad;
  for (unsigned char c : prefix) {
    if (c == '\t') pad += '\t';
    else if ((c & 0xC0) != 0x80) pad += ' ';
  }
  return pad;
}

size_t displayWidth(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// Clang's colours: the place and the message bold, the severity in its colour, the caret green.
struct Style {
  bool on;
  std::string bold() const { return on ? "\x1b[1m" : ""; }
  std::string reset() const { return on ? "\x1b[0m" : ""; }
  std::string caret() const { return on ? "\x1b[1;32m" : ""; }
  std::string severity(Severity s) const {
    if (!on) return "";
    return s == Severity::Error ? "\x1b[1;31m" : s == Severity::Warning ? "\x1b[1;35m" : "\x1b[1;36m";
  }
};

void renderOne(const SourceManager& sm, Severity sev, Range range, const std::string& message, const Style& st,
               std::string& out) {
  std::string word = st.severity(sev) + severityWord(sev) + ":" + st.reset() + st.bold() + " " + message + st.reset() + "\n";
  if (!range.valid()) {
    // A note without a place belongs to the diagnostic above it; an error without one is
    // about the run itself (a missing file, a bad option).
    out += std::string(sev == Severity::Note ? "" : "monitorc: ") + word;
    return;
  }
  LineCol lc = sm.lineCol(range.file, range.begin);
  out += st.bold() + sm.path(range.file) + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.col) + ": " + st.reset() + word;
  if (sm.textLost(range.file)) return;  // changed on disk since it was read
  std::string_view line = sm.lineText(range.file, lc.line);
  if (line.size() > 400) return;  // a minified or binary line helps nobody
  size_t col0 = std::min<size_t>(lc.col - 1, line.size());
  size_t lineEnd = sm.lineStart(range.file, lc.line) + line.size();
  size_t end = std::min<size_t>(std::max(range.end, range.begin + 1), lineEnd);
  size_t len = end > range.begin ? end - range.begin : 1;
  std::string_view marked = line.substr(col0, std::min(len, line.size() - col0));
  // Control bytes in the line (a NUL, an ESC) are shown as <U+001B>: the output stays one line
  // and nothing reaches the terminal raw. The caret is placed on the escaped text.
  out += "  " + escapeControls(line) + "\n";
  out += "  " + padFor(escapeControls(line.substr(0, col0))) + st.caret() + "^";
  size_t w = displayWidth(escapeControls(marked));
  if (w > 1) out += std::string(w - 1, '~');
  out += st.reset() + "\n";
}

}  // namespace

std::string renderText(const SourceManager& sm, const std::vector<Diagnostic>& diags, bool color) {
  std::string out;
  const Style st{color};
  for (const Diagnostic& d : diags) {
    // A lint finding names its rule, as Clang names a warning's flag: "... [MON004]".
    renderOne(sm, d.severity, d.range, d.rule.empty() ? d.message : d.message + " [" + d.rule + "]", st, out);
    for (const Note& n : d.notes) renderOne(sm, Severity::Note, n.range, n.message, st, out);
  }
  return out;
}

std::string renderSummary(size_t errors, size_t warnings) {
  auto plural = [](size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
  };
  if (errors && warnings) return plural(errors, "error") + ", " + plural(warnings, "warning") + " generated.\n";
  if (errors) return plural(errors, "error") + " generated.\n";
  if (warnings) return plural(warnings, "warning") + " generated.\n";
  return "";
}

}  // namespace mon
