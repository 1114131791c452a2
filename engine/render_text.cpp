#include <sstream>

#include "render.h"
#include "render_fields.h"
#include "support/json_text.h"
#include "support/terminal.h"

namespace mon::engine {

namespace {

const char* symbol(Action a) {
  switch (a) {
    case Action::Create: return "+";
    case Action::Update:
    case Action::Adopt: return "~";
    case Action::Delete: return "-";
    case Action::Orphan:
    case Action::Ignore: return " ";
    case Action::NoChange: return " ";
  }
  return " ";
}

const char* colorOf(Action a) {
  switch (a) {
    case Action::Create: return "\x1b[32m";
    case Action::Update:
    case Action::Adopt: return "\x1b[33m";
    case Action::Delete: return "\x1b[31m";
    default: return "";
  }
}

// Names, ids and values come from the source, the server or a saved plan: shown on one line,
// with any control character escaped (an ESC from a server could rewrite the terminal).
std::string safe(const std::string& s) { return terminalSafe(s, false); }

std::string title(const Change& c) {
  std::string s = std::string(kindName(c.kind)) + " ";
  s += safe(jsonText(Json(c.key)));
  if (!c.type.empty()) s += " (" + safe(c.type) + ")";
  return s;
}

// One field: "name: before -> after" for an update, "name = value" for what a create or a
// delete lists, and text of several lines as a line diff under the name.
void field(std::ostringstream& o, const Change& c, const FieldChange& f, const char* indent) {
  if (isMultiLine(f)) {
    o << indent << safe(fieldName(f)) << ":\n";
    for (const auto& l : lineDiff(f)) o << indent << "  " << safe(l) << "\n";
    return;
  }
  bool listing = c.action == Action::Create || c.action == Action::Delete;
  if (listing) o << indent << safe(fieldName(f)) << " = " << safe(fieldValue(f, f.hasAfter)) << "\n";
  else o << indent << safe(fieldName(f)) << ": " << safe(fieldValue(f, false)) << " -> " << safe(fieldValue(f, true)) << "\n";
}

}  // namespace

std::string showValue(const Json& v, bool present) { return present ? jsonText(v) : "(none)"; }

std::string summaryLine(const Plan& p) {
  std::ostringstream o;
  o << "Plan: " << p.count(Action::Create) << " to create, " << p.count(Action::Update) << " to update, "
    << p.count(Action::Adopt) << " to adopt, " << p.count(Action::Delete) << " to delete.";
  return o.str();
}

std::string renderText(const Plan& p, bool color) {
  std::ostringstream o;
  const char* reset = color ? "\x1b[0m" : "";
  o << "Target " << safe(p.targetKind) << " \"" << safe(p.targetName) << "\" (" << safe(p.where) << ")\n\n";
  for (const auto& c : p.changes) {
    if (c.action == Action::NoChange || c.action == Action::Ignore || c.action == Action::Orphan) continue;
    o << "  " << (color ? colorOf(c.action) : "") << symbol(c.action) << " " << title(c) << reset;
    if (!c.source.empty()) o << "  " << safe(c.source);
    if (c.action == Action::Delete) o << "  id " << safe(c.id) << (c.duplicateOf.empty() ? " (owned, no longer in source; --prune)" : "");
    if (!c.templateSource.empty())
      o << "\n      (from template '" << safe(c.templateName) << "' at " << safe(c.templateSource) << ")";
    if (c.action == Action::Adopt) o << "\n      (exists without the managed-by marker: apply adopts it)";
    if (!c.renamedFrom.empty()) o << "\n      (renamed from " << safe(jsonText(Json(c.renamedFrom))) << ")";
    if (!c.duplicateOf.empty()) o << "\n      (a second owned copy of " << safe(c.duplicateOf) << ", made by a concurrent run)";
    o << "\n";
    for (const auto& f : shownFields(c)) field(o, c, f, "      ");
  }
  int orphans = p.count(Action::Orphan), ignored = p.count(Action::Ignore);
  if (orphans) {
    o << "\nOwned but no longer in source (deleted only with --prune):\n";
    for (const auto& c : p.changes)
      if (c.action == Action::Orphan) o << "    " << title(c) << "  id " << safe(c.id) << "\n";
  }
  if (ignored) {
    o << "\nIgnored (not managed by monitorc, never touched):\n";
    for (const auto& c : p.changes)
      if (c.action == Action::Ignore) o << "    " << title(c) << "  id " << safe(c.id) << "\n";
  }
  if (p.hasChanges() || orphans || ignored) o << "\n";
  o << summaryLine(p) << " " << p.count(Action::NoChange) << " unchanged";
  if (orphans) o << ", " << orphans << " prune candidate" << (orphans == 1 ? "" : "s");
  if (ignored) o << ", " << ignored << " ignored";
  o << ".\n";
  if (!p.hasChanges()) o << "No changes. The target matches the source.\n";
  return o.str();
}

}  // namespace mon::engine
