// Entry points of the Mackerel importer: JSON text -> documents, documents -> .mon source.
#include "mackerel/import.h"

#include <algorithm>
#include <set>

#include "support/json_input.h"
#include "mackerel/import_parts.h"

namespace mon::mackerel {

namespace {

constexpr size_t kMaxDepth = 64;  // a monitor or dashboard is about 5 levels deep

const ImportJson* monitorList(const ImportJson& doc) {
  if (doc.is_array()) return &doc;
  if (doc.is_object() && doc.contains("monitors") && doc["monitors"].is_array()) return &doc["monitors"];
  return nullptr;
}

// Nesting depth, without recursion (inputs may be nested deeper than the stack allows).
size_t depth(const ImportJson& root) {
  size_t deepest = 0;
  std::vector<std::pair<const ImportJson*, size_t>> todo{{&root, 1}};
  while (!todo.empty()) {
    auto [v, d] = todo.back();
    todo.pop_back();
    deepest = std::max(deepest, d);
    if (v->is_structured())
      for (const auto& child : *v) todo.emplace_back(&child, d + 1);
  }
  return deepest;
}

// The importer and the compiler recurse over values: refuse what they could not take.
bool shallowEnough(const ImportJson& v, const std::string& who, std::vector<std::string>& warnings) {
  if (depth(v) <= kMaxDepth) return true;
  warnings.push_back(who + ": nested more than " + std::to_string(kMaxDepth) + " levels deep; skipped");
  return false;
}

}  // namespace

bool parseImportJson(std::string_view text, ImportJson& out, std::string& error, size_t& offset) {
  JsonInputError e;
  if (readJsonInput(text, out, e)) return true;
  error = e.message;  // the caller prints the location from `offset`
  offset = e.offset;
  return false;
}

std::string checkMonitorsDoc(const ImportJson& doc) {
  if (doc.is_null() || monitorList(doc)) return "";
  if (doc.is_object() && doc.contains("monitor") && doc["monitor"].is_object()) return "";
  if (doc.is_object() && doc.contains("monitors")) return "'monitors' is not a list";
  return "expected {\"monitors\": [...]} (an mkr monitors pull file or a GET /api/v0/monitors response)";
}

std::string checkDashboardDoc(const ImportJson& doc) {
  if (doc.is_object() && doc.contains("dashboards")) {
    if (!doc["dashboards"].is_array()) return "'dashboards' is not a list";
    return "";
  }
  if (doc.is_object() && (doc.contains("title") || doc.contains("widgets"))) return "";
  return "expected a dashboard object with title, urlPath and widgets (GET /api/v0/dashboards/<id>)";
}

std::string importMackerelSource(const ImportJson& monitorsDoc, const std::vector<ImportJson>& dashboards,
                                 std::vector<std::string>& warnings, const RoutingInput* routing) {
  std::string out;
  std::set<std::string> names;
  if (const ImportJson* list = monitorList(monitorsDoc)) {
    for (size_t i = 0; i < list->size(); ++i)
      if (shallowEnough((*list)[i], "monitor #" + std::to_string(i + 1), warnings))
        importMonitor((*list)[i], i, out, warnings, names);
  } else if (monitorsDoc.is_object() && monitorsDoc.contains("monitor")) {
    if (shallowEnough(monitorsDoc["monitor"], "monitor #1", warnings))
      importMonitor(monitorsDoc["monitor"], 0, out, warnings, names);  // GET /api/v0/monitors/<id>
  } else if (!monitorsDoc.is_null()) {
    warnings.push_back("monitors: " + checkMonitorsDoc(monitorsDoc) + "; skipped");
  }
  size_t index = 0;
  for (const ImportJson& doc : dashboards) {
    if (doc.is_object() && doc.contains("dashboards") && doc["dashboards"].is_array()) {
      for (const auto& d : doc["dashboards"]) {
        if (shallowEnough(d, "dashboard #" + std::to_string(index + 1), warnings)) importDashboard(d, index, out, warnings);
        ++index;
      }
    } else {
      if (shallowEnough(doc, "dashboard #" + std::to_string(index + 1), warnings)) importDashboard(doc, index, out, warnings);
      ++index;
    }
  }
  if (routing) importRouting(*routing, names, out, warnings);
  return out;
}

bool importFile(const std::string& text, std::string& source, std::vector<std::string>& warnings, std::string& error) {
  ImportJson doc;
  size_t offset = std::string::npos;
  if (!parseImportJson(text, doc, error, offset)) {
    if (offset != std::string::npos) {
      size_t line = 1 + size_t(std::count(text.begin(), text.begin() + std::min(offset, text.size()), '\n'));
      size_t lineStart = text.rfind('\n', offset == 0 ? 0 : offset - 1);
      size_t col = offset == 0 || lineStart == std::string::npos ? offset + 1 : offset - lineStart;
      error = std::to_string(line) + ":" + std::to_string(col) + ": invalid JSON: " + error;
    } else {
      error = "invalid JSON: " + error;
    }
    return false;
  }
  std::string notMonitors = checkMonitorsDoc(doc);
  if (notMonitors.empty()) {
    source = importMackerelSource(doc, {}, warnings);
    return true;
  }
  std::string notDashboard = checkDashboardDoc(doc);
  if (notDashboard.empty()) {
    source = importMackerelSource(nullptr, {doc}, warnings);
    return true;
  }
  error = "neither a monitor list (" + notMonitors + ") nor a dashboard (" + notDashboard + ")";
  return false;
}

}  // namespace mon::mackerel
