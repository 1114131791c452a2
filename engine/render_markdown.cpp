#include <algorithm>
#include <sstream>

#include "render.h"
#include "render_fields.h"
#include "support/json_text.h"
#include "support/terminal.h"

namespace mon::engine {

namespace {

// Names and values come from the source, the server and rule files: anything may be in them.
// Every one goes through one of these, so a control character never reaches the reader's
// terminal and a value never ends a code span, a table cell or the <details> HTML early.

// Raw HTML text (inside <details>/<summary>, where markdown is not parsed): one line, controls
// and bytes that are not UTF-8 as escapes (terminalSafe), & < > " as entities.
std::string html(const std::string& s) {
  std::string out;
  for (char c : terminalSafe(s, false)) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

size_t longestBacktickRun(const std::string& s) {
  size_t longest = 0, run = 0;
  for (char c : s) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return longest;
}

// A markdown code span showing `s` exactly (one line, controls escaped): delimited by more
// backticks than any run in it, padded with a space when it starts or ends with a backtick or a
// space (CommonMark strips one space from each side). In a table cell `|` is escaped too (GFM
// splits cells before it finds code spans; "\|" shows as "|" there). GFM reads backslashes in
// pairs there, so after an odd run of them (not in JSON text, whose backslashes come in pairs)
// one more is added, or the pipe would end the cell and the rest would be markdown.
std::string code(const std::string& s, bool inTable = false) {
  std::string text;
  size_t backslashes = 0;
  for (char c : terminalSafe(s, false)) {
    if (inTable && c == '|') text += backslashes % 2 ? "\\\\|" : "\\|";
    else text += c;
    backslashes = c == '\\' ? backslashes + 1 : 0;
  }
  if (text.empty()) return "` `";
  std::string fence(longestBacktickRun(text) + 1, '`');
  bool pad = text.front() == '`' || text.back() == '`' || text.front() == ' ' || text.back() == ' ';
  return fence + (pad ? " " : "") + text + (pad ? " " : "") + fence;
}

// A fenced block showing `text` (JSON, one value per line): longer than any backtick run in it,
// so no line of it can close the fence.
std::string fenced(const std::string& lang, const std::string& text) {
  std::string fence(std::max<size_t>(3, longestBacktickRun(text) + 1), '`');
  return fence + lang + "\n" + terminalSafe(text) + "\n" + fence + "\n";
}

const char* emoji(Action a) {
  switch (a) {
    case Action::Create: return "+ create";
    case Action::Update: return "~ update";
    case Action::Adopt: return "~ adopt";
    case Action::Delete: return "- delete";
    case Action::Orphan: return "prune candidate";
    case Action::Ignore: return "ignored";
    case Action::NoChange: return "no change";
  }
  return "";
}

}  // namespace

std::string markdownCode(const std::string& s, bool inTable) { return code(s, inTable); }

namespace {

// The fields of one change: a table of the one-line ones (before/after for an update, the value
// for what a create or a delete lists), then each text of several lines as a diff block.
void fields(std::ostringstream& o, const Change& c) {
  std::vector<FieldChange> all = shownFields(c);
  bool listing = c.action == Action::Create || c.action == Action::Delete;
  bool table = false;
  for (const auto& f : all) {
    if (isMultiLine(f)) continue;
    if (!table) o << (listing ? "| field | value |\n|---|---|\n" : "| field | before | after |\n|---|---|---|\n");
    table = true;
    o << "| " << code(fieldName(f), true) << " | ";
    if (listing) o << code(fieldValue(f, f.hasAfter), true) << " |\n";
    else o << code(fieldValue(f, false), true) << " | " << code(fieldValue(f, true), true) << " |\n";
  }
  if (table) o << "\n";
  for (const auto& f : all) {
    if (!isMultiLine(f)) continue;
    std::string diff;
    for (const auto& l : lineDiff(f)) diff += (diff.empty() ? "" : "\n") + l;
    o << code(fieldName(f)) << ":\n\n" << fenced("diff", diff) << "\n";
  }
}

// One change: a collapsed block whose summary line names it; the details inside.
std::string details(const Change& c) {
  std::ostringstream o;
  o << "<details><summary><code>" << emoji(c.action) << "</code> " << kindName(c.kind) << " <code>" << html(c.key)
    << "</code>";
  if (!c.source.empty()) o << " (" << html(c.source) << ")";
  o << "</summary>\n\n";
  if (!c.templateSource.empty())
    o << "Made by template " << code(c.templateName) << " (" << code(c.templateSource) << ").\n\n";
  if (!c.renamedFrom.empty()) o << "Renamed from " << code(c.renamedFrom) << ".\n\n";
  if (!c.duplicateOf.empty()) o << "A second owned copy of " << code(c.duplicateOf) << ", made by a concurrent run.\n\n";
  if (c.action == Action::Adopt) o << "Exists without the managed-by marker; apply adopts it.\n\n";
  if (c.action == Action::Ignore) o << "Not managed by monitorc (id " << code(c.id) << "); never touched.\n\n";
  if (c.action == Action::Orphan) o << "Owned, no longer in source (id " << code(c.id) << "); deleted only with `--prune`.\n\n";
  if (c.action == Action::Delete) o << "Deleted (id " << code(c.id) << ").\n\n";
  fields(o, c);
  o << "</details>\n\n";
  return o.str();
}

// The same change in one line, for when its details do not fit.
std::string line(const Change& c) {
  std::string s = "- <code>" + std::string(emoji(c.action)) + "</code> " + kindName(c.kind) + " <code>" + html(c.key) + "</code>";
  if (!c.source.empty()) s += " (" + html(c.source) + ")";
  return s + "\n";
}

}  // namespace

std::string renderMarkdown(const Plan& p, size_t maxBytes) {
  if (maxBytes != 0) {
    std::string whole = renderMarkdown(p, 0);
    if (whole.size() <= maxBytes) return whole;
  }
  std::ostringstream head;
  head << "### monitorc plan: " << html(p.targetKind) << " " << code(p.targetName) << "\n\n";
  head << "| create | update | adopt | delete | unchanged | prune candidates | ignored |\n";
  head << "|---:|---:|---:|---:|---:|---:|---:|\n";
  head << "| " << p.count(Action::Create) << " | " << p.count(Action::Update) << " | " << p.count(Action::Adopt) << " | "
       << p.count(Action::Delete) << " | " << p.count(Action::NoChange) << " | " << p.count(Action::Orphan) << " | "
       << p.count(Action::Ignore) << " |\n\n";
  if (!p.hasChanges()) head << "No changes. The target matches the source.\n\n";
  std::string out = head.str();
  const std::string tail = summaryLine(p) + "\n";
  // What the note takes at most, kept free until the end so it always fits.
  constexpr size_t kNoteRoom = 400;
  size_t budget = maxBytes == 0 ? std::string::npos : maxBytes > out.size() + tail.size() + kNoteRoom
                                                          ? maxBytes - out.size() - tail.size() - kNoteRoom
                                                          : 0;
  // Details take at most three quarters, so the changes after them are still listed by name.
  size_t detailBudget = budget == std::string::npos ? budget : budget / 4 * 3;
  size_t shownInDetail = 0, listed = 0, left = 0;
  bool detailed = true;  // details until one does not fit, then one line each, then a count
  for (const auto& c : p.changes) {
    if (c.action == Action::NoChange) continue;
    std::string part = detailed ? details(c) : "";
    if (detailed && part.size() <= detailBudget) {
      detailBudget -= part.size();
      out += part;
      budget -= part.size();
      ++shownInDetail;
      continue;
    }
    detailed = false;
    part = line(c);
    if (left == 0 && part.size() <= budget) {
      out += part;
      budget -= part.size();
      ++listed;
    } else {
      ++left;
    }
  }
  if (listed || left) {
    out += listed ? "\n" : "";
    out += "> **Shortened to fit " + std::to_string(maxBytes) + " bytes** (a pull-request comment holds 65,536 characters): " +
           std::to_string(shownInDetail) + " change(s) in detail, " + std::to_string(listed) + " listed" +
           (left ? ", " + std::to_string(left) + " more not shown" : std::string()) +
           ". The whole plan: `monitorc plan --format markdown --max-bytes 0`, or `--out plan.json` kept as an artifact.\n\n";
  }
  return out + tail;
}

}  // namespace mon::engine
