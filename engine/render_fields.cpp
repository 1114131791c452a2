#include "render_fields.h"

#include "diff.h"
#include "ownership.h"
#include "support/json_text.h"
#include "support/line_diff.h"

namespace mon::engine {

namespace {

bool multiLine(const Json& v, bool present) {
  return present && v.is_string() && v.get_ref<const std::string&>().find('\n') != std::string::npos;
}

std::string text(const Json& v, bool present) {
  if (!present || v.is_null()) return "";
  return v.is_string() ? v.get<std::string>() : jsonText(v);
}

}  // namespace

std::string fieldName(const FieldChange& f) { return f.words.empty() ? f.path : f.words; }

std::string fieldValue(const FieldChange& f, bool after) {
  const std::string& words = after ? f.afterWords : f.beforeWords;
  bool present = after ? f.hasAfter : f.hasBefore;
  if (!present) return "(none)";
  return words.empty() ? jsonText(after ? f.after : f.before) : words;
}

bool isMultiLine(const FieldChange& f) { return multiLine(f.before, f.hasBefore) || multiLine(f.after, f.hasAfter); }

std::vector<std::string> lineDiff(const FieldChange& f) {
  std::string a = text(f.before, f.hasBefore), b = text(f.after, f.hasAfter);
  // Texts that both lack a final line break get one, so that "\ No newline at end of file"
  // shows only when the final line break is what changed.
  bool aEnds = !a.empty() && a.back() == '\n', bEnds = !b.empty() && b.back() == '\n';
  if (!aEnds && !bEnds) {
    if (!a.empty()) a += '\n';
    if (!b.empty()) b += '\n';
  }
  std::string d = unifiedDiff(a, b, "before", "after");
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t i = 0; i < 2 && start < d.size(); ++i) start = d.find('\n', start) + 1;  // the --- and +++ lines
  while (start < d.size()) {
    size_t end = d.find('\n', start);
    if (end == std::string::npos) end = d.size();
    lines.push_back(d.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::vector<FieldChange> shownFields(const Change& c) {
  if (!c.fields.empty() || c.action != Action::Create || !c.body.is_object()) return c.fields;
  Json body = c.body;
  if (body.contains("memo") && body["memo"].is_string()) body["memo"] = stripOwnerMarker(body["memo"].get<std::string>());
  return listFields(body, true);
}

}  // namespace mon::engine
