#include <sstream>

#include "render.h"

namespace mon::engine {

namespace {

// Text safe inside a table cell or inline code.
std::string cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += " ";
    else if (c == '`') out += "'";
    else out += c;
  }
  return out;
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

std::string renderMarkdown(const Plan& p) {
  std::ostringstream o;
  o << "### monitorc plan: " << p.targetKind << " `" << cell(p.targetName) << "`\n\n";
  o << "| create | update | adopt | delete | unchanged | prune candidates | ignored |\n";
  o << "|---:|---:|---:|---:|---:|---:|---:|\n";
  o << "| " << p.count(Action::Create) << " | " << p.count(Action::Update) << " | " << p.count(Action::Adopt) << " | "
    << p.count(Action::Delete) << " | " << p.count(Action::NoChange) << " | " << p.count(Action::Orphan) << " | "
    << p.count(Action::Ignore) << " |\n\n";
  if (!p.hasChanges()) o << "No changes. The target matches the source.\n\n";
  for (const auto& c : p.changes) {
    if (c.action == Action::NoChange) continue;
    o << "<details><summary><code>" << emoji(c.action) << "</code> " << kindName(c.kind) << " <code>" << cell(c.key)
      << "</code>";
    if (!c.source.empty()) o << " (" << cell(c.source) << ")";
    o << "</summary>\n\n";
    if (!c.renamedFrom.empty()) o << "Renamed from `" << cell(c.renamedFrom) << "`.\n\n";
    if (!c.duplicateOf.empty()) o << "A second owned copy of `" << cell(c.duplicateOf) << "`, made by a concurrent run.\n\n";
    if (c.action == Action::Adopt) o << "Exists without the managed-by marker; apply adopts it.\n\n";
    if (c.action == Action::Ignore) o << "Not managed by monitorc (id `" << c.id << "`); never touched.\n\n";
    if (c.action == Action::Orphan) o << "Owned, no longer in source (id `" << c.id << "`); deleted only with `--prune`.\n\n";
    if (c.action == Action::Delete) o << "Deleted (id `" << c.id << "`).\n\n";
    if (!c.fields.empty()) {
      o << "| field | before | after |\n|---|---|---|\n";
      for (const auto& f : c.fields)
        o << "| `" << cell(f.path) << "` | `" << cell(showValue(f.before, f.hasBefore)) << "` | `"
          << cell(showValue(f.after, f.hasAfter)) << "` |\n";
      o << "\n";
    }
    if (c.action == Action::Create) o << "```json\n" << c.body.dump(2) << "\n```\n\n";
    o << "</details>\n\n";
  }
  o << summaryLine(p) << "\n";
  return o.str();
}

}  // namespace mon::engine
