#pragma once
// diff(desired, remote) -> Plan for targets that hold monitors and dashboards as objects
// (remote.h). Matching is by key (monitor name + type, dashboard urlPath), ownership by the
// memo marker (ownership.h); both sides are brought to the backend's canonical form before
// comparing.
#include <functional>

#include "plan.h"

namespace mon::engine {

/// One object the source wants on the target, as the API takes it (without the marker).
struct Desired {
  ObjKind kind;
  std::string key;
  std::string type;  // monitor API type; "" for dashboards
  Json body;
  std::string source;                      // "file:line" of what made it (Change::source)
  std::vector<std::string> previousKeys;   // earlier names: matched when the key is not found
  std::string templateSource;              // Change::templateSource
  std::string templateName;
  std::string where;  // "file:line:col" of what made it, for reports that point at it
};

struct DiffOptions {
  bool prune = false;
  /// The backend's canonical form of an object (as sent or as read), so that what the server
  /// adds or respells is not a change. Null: bodies are compared as they are.
  std::function<Json(ObjKind, const Json&)> normalize;
  /// The backend's words for fields (plan.h). Null: fields keep the API's words.
  FieldWords words;
};

/// The source's side of a diff, which needs nothing from the remote, in `desired` order: a
/// target makes it while the remote is still being read.
struct SourceSide {
  std::vector<Json> canonical;  // each desired body in canonical form (DiffOptions::normalize)
  std::vector<Json> sent;       // each desired body with the ownership marker (Change::body)
};
SourceSide sourceSide(const std::vector<Desired>& desired, const DiffOptions& opts);

/// The plan for making `remote` match `desired`. Desired keys must be unique per kind.
/// `made`, when given, is sourceSide(desired, opts); its bodies are moved into the plan.
Plan diff(const std::vector<Desired>& desired, const RemoteState& remote, const DiffOptions& opts,
          SourceSide* made = nullptr);

/// Changed fields between two normalised objects, in `after`'s key order then removed keys.
std::vector<FieldChange> diffFields(const Json& before, const Json& after);

/// Every field of one object, as the fields of a created (`created`: no before) or deleted (no
/// after) object: nested objects and arrays of objects down to their values, without the
/// values that say nothing (null, "", [] and {}).
std::vector<FieldChange> listFields(const Json& body, bool created);

}  // namespace mon::engine
