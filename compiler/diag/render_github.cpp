#include "diag/render.h"

namespace mon {

namespace {

// Workflow command escaping: the message may not hold a raw newline or '%'; a property value
// (file, title) may not hold ',' or ':' either.
std::string escapeData(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}

std::string escapeProperty(const std::string& s) {
  std::string out;
  for (char c : escapeData(s)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

const char* command(Severity s) { return s == Severity::Error ? "error" : s == Severity::Warning ? "warning" : "notice"; }

}  // namespace

std::string renderGithub(const SourceManager& sm, const std::vector<Diagnostic>& diags) {
  std::string out;
  for (const Diagnostic& d : diags) {
    out += "::";
    out += command(d.severity);
    std::string props;
    if (d.range.valid()) {
      LineCol b = sm.lineCol(d.range.file, d.range.begin);
      LineCol e = sm.lineCol(d.range.file, std::max(d.range.end, d.range.begin));
      props = "file=" + escapeProperty(sm.path(d.range.file)) + ",line=" + std::to_string(b.line) +
              ",col=" + std::to_string(b.col) + ",endLine=" + std::to_string(e.line) +
              ",endColumn=" + std::to_string(e.col);
    }
    std::string title = d.rule.empty() ? nameOf(d.kind) : d.rule;
    props += (props.empty() ? "" : ",") + ("title=" + escapeProperty(title));
    out += " " + props + "::";
    // Notes follow the message on their own lines, with their place when they have one.
    std::string text = d.message;
    for (const Note& n : d.notes) {
      text += "\n";
      if (n.range.valid()) {
        LineCol lc = sm.lineCol(n.range.file, n.range.begin);
        text += sm.path(n.range.file) + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.col) + ": ";
      }
      text += "note: " + n.message;
    }
    out += escapeData(text) + "\n";
  }
  return out;
}

}  // namespace mon
