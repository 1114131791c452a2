#include "render.h"

#include <limits>

namespace mon::engine {

namespace {

bool actionFromName(const std::string& s, Action& a) {
  for (Action x : {Action::Create, Action::Update, Action::Adopt, Action::Delete, Action::Orphan, Action::Ignore,
                   Action::NoChange})
    if (s == actionName(x)) {
      a = x;
      return true;
    }
  return false;
}

}  // namespace

Json planToJson(const Plan& p) {
  Json j = Json::object();
  j["format_version"] = 1;
  j["target"] = p.settings.is_object() ? p.settings : Json::object();
  j["target"]["kind"] = p.targetKind;
  j["target"]["name"] = p.targetName;
  j["target"]["where"] = p.where;
  j["prune"] = p.prune;
  if (!p.sources.empty()) j["sources"] = p.sources;
  j["summary"] = {{"create", p.count(Action::Create)},   {"update", p.count(Action::Update)},
                  {"adopt", p.count(Action::Adopt)},     {"delete", p.count(Action::Delete)},
                  {"no_change", p.count(Action::NoChange)}, {"orphan", p.count(Action::Orphan)},
                  {"ignore", p.count(Action::Ignore)}};
  j["has_changes"] = p.hasChanges();
  j["changes"] = Json::array();
  for (const auto& c : p.changes) {
    Json e = {{"action", actionName(c.action)}, {"kind", kindName(c.kind)}, {"key", c.key}};
    if (!c.id.empty()) e["id"] = c.id;
    if (!c.type.empty()) e["type"] = c.type;
    if (!c.source.empty()) e["source"] = c.source;
    if (!c.renamedFrom.empty()) e["renamed_from"] = c.renamedFrom;
    if (!c.duplicateOf.empty()) e["duplicate_of"] = c.duplicateOf;
    if (!c.templateSource.empty()) e["template"] = {{"name", c.templateName}, {"source", c.templateSource}};
    if (!c.fields.empty()) {
      e["fields"] = Json::array();
      for (const auto& f : c.fields) {
        Json fj = {{"path", f.path}};
        if (f.hasBefore) fj["before"] = f.before;
        if (f.hasAfter) fj["after"] = f.after;
        if (!f.words.empty()) fj["source_path"] = f.words;
        if (!f.beforeWords.empty()) fj["source_before"] = f.beforeWords;
        if (!f.afterWords.empty()) fj["source_after"] = f.afterWords;
        e["fields"].push_back(fj);
      }
    }
    if (!c.body.is_null()) e["body"] = c.body;
    if (c.op >= 0) e["operation"] = c.op;
    j["changes"].push_back(e);
  }
  j["operations"] = p.operations;
  j["fingerprints"] = Json::object();
  for (const auto& [k, v] : p.fingerprints) j["fingerprints"][k] = v;
  return j;
}

bool planFromJson(const Json& j, Plan& p, std::string& err) {
  // format_version exactly the integer 1: value<int>() would throw on an object and convert
  // 1.5 or 1e300 (undefined behaviour) to an int.
  auto version = j.is_object() ? j.find("format_version") : j.end();
  if (!j.is_object() || version == j.end() || !version->is_number_integer() || *version != 1 || !j.contains("changes") ||
      !j["changes"].is_array() || !j.contains("target") || !j["target"].is_object())
    return (err = "not a monitorc plan file (format_version 1)", false);
  try {
    p.targetKind = j["target"].at("kind").get<std::string>();
    p.targetName = j["target"].at("name").get<std::string>();
    p.where = j["target"].value("where", "");
    p.settings = j["target"];
    for (const char* k : {"kind", "name", "where"}) p.settings.erase(k);
    for (const auto& [k, v] : p.settings.items())
      if (!v.is_string()) return (err = "plan file: target." + k + " is not a string", false);
    // When a plan has operations, they are its writes and a change's body is for review;
    // otherwise each create, update and adoption sends its body.
    if (!j.contains("operations") || !j["operations"].is_array()) return (err = "plan file: no operations", false);
    p.operations = j["operations"];
    for (const auto& op : p.operations)
      if (!op.is_object() || !op.contains("action") || !op["action"].is_string())
        return (err = "plan file: malformed operation", false);
    const bool byOperations = !p.operations.empty();
    p.prune = j.value("prune", false);
    if (j.contains("sources")) p.sources = j["sources"].get<std::vector<std::string>>();
    for (const auto& e : j["changes"]) {
      Change c{};
      if (!actionFromName(e.at("action").get<std::string>(), c.action)) return (err = "unknown action in plan file", false);
      std::string kind = e.at("kind").get<std::string>();
      if (!kindFromName(kind, c.kind)) return (err = "unknown kind '" + kind + "' in plan file", false);
      c.key = e.at("key").get<std::string>();
      c.id = e.value("id", "");
      c.type = e.value("type", "");
      c.source = e.value("source", "");
      c.renamedFrom = e.value("renamed_from", "");
      c.duplicateOf = e.value("duplicate_of", "");
      if (e.contains("template") && e["template"].is_object()) {
        c.templateName = e["template"].value("name", "");
        c.templateSource = e["template"].value("source", "");
      }
      c.body = e.contains("body") ? e["body"] : Json(nullptr);
      if (e.contains("fields"))
        for (const auto& f : e["fields"]) {
          FieldChange fc{f.at("path").get<std::string>(), f.value("before", Json(nullptr)), f.value("after", Json(nullptr)),
                         f.contains("before"), f.contains("after")};
          fc.words = f.value("source_path", "");
          fc.beforeWords = f.value("source_before", "");
          fc.afterWords = f.value("source_after", "");
          c.fields.push_back(std::move(fc));
        }
      // An integer within int's range (get<int>() of 1e300 would be undefined behaviour); its
      // range in operations is checked below.
      c.op = -1;
      if (e.contains("operation")) {
        const Json& op = e["operation"];
        if (!op.is_number_integer() || op < std::numeric_limits<int>::min() || op > std::numeric_limits<int>::max())
          return (err = "plan file: change for '" + c.key + "' has no valid operation", false);
        c.op = op.get<int>();
      }
      bool writes = c.action == Action::Create || c.action == Action::Update || c.action == Action::Adopt;
      if (!byOperations && writes && !c.body.is_object())
        return (err = "plan file: change for '" + c.key + "' has no body", false);
      if (c.op < -1 || c.op >= int(p.operations.size()) || (byOperations && (writes || c.action == Action::Delete) && c.op < 0))
        return (err = "plan file: change for '" + c.key + "' has no valid operation", false);
      p.changes.push_back(std::move(c));
    }
    if (j.contains("fingerprints"))
      for (auto it = j["fingerprints"].begin(); it != j["fingerprints"].end(); ++it)
        p.fingerprints[it.key()] = it.value().get<std::string>();
  } catch (const Json::exception& e) {
    return (err = std::string("malformed plan file: ") + e.what(), false);
  }
  return true;
}

}  // namespace mon::engine
