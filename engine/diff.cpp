#include "diff.h"

#include <algorithm>
#include <unordered_map>

#include "ownership.h"

namespace mon::engine {

namespace {

bool ofObjects(const Json& v);

void walk(const std::string& path, const Json& a, const Json& b, std::vector<FieldChange>& out) {
  if (a == b) return;
  auto child = [&](const std::string& k) { return path.empty() ? k : path + "." + k; };
  if (a.is_object() && b.is_object()) {
    for (auto it = b.begin(); it != b.end(); ++it) {
      if (a.contains(it.key())) walk(child(it.key()), a[it.key()], it.value(), out);
      else out.push_back({child(it.key()), nullptr, it.value(), false, true});
    }
    for (auto it = a.begin(); it != a.end(); ++it)
      if (!b.contains(it.key())) out.push_back({child(it.key()), it.value(), nullptr, true, false});
    return;
  }
  // Arrays of objects (widgets, headers, rules) are compared element by element.
  if (ofObjects(a) && ofObjects(b)) {
    size_t n = std::max(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
      std::string p = path + "[" + std::to_string(i) + "]";
      if (i >= a.size()) out.push_back({p, nullptr, b[i], false, true});
      else if (i >= b.size()) out.push_back({p, a[i], nullptr, true, false});
      else walk(p, a[i], b[i], out);
    }
    return;
  }
  out.push_back({path, a, b, true, true});
}

bool saysNothing(const Json& v) {
  return v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty()) || (v.is_array() && v.empty()) ||
         (v.is_object() && v.empty());
}

bool ofObjects(const Json& v) {
  return v.is_array() && !v.empty() && std::all_of(v.begin(), v.end(), [](const Json& e) { return e.is_object(); });
}

void leaves(const std::string& path, const Json& v, bool created, std::vector<FieldChange>& out) {
  if (saysNothing(v)) return;
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) leaves(path.empty() ? it.key() : path + "." + it.key(), it.value(), created, out);
    return;
  }
  if (ofObjects(v)) {
    for (size_t i = 0; i < v.size(); ++i) leaves(path + "[" + std::to_string(i) + "]", v[i], created, out);
    return;
  }
  if (created) out.push_back({path, nullptr, v, false, true});
  else out.push_back({path, v, nullptr, true, false});
}

const Json& memoOf(const Json& body) {
  static const Json empty = "";
  return body.contains("memo") && body["memo"].is_string() ? body["memo"] : empty;
}

bool owned(const RemoteObject& r) { return hasOwnerMarker(memoOf(r.body).get<std::string>()); }

std::string remoteType(const RemoteObject& r) { return matchedByType(r.kind) ? r.body.value("type", "") : ""; }

Json withMarker(const Json& body) {
  Json j = body;
  j["memo"] = addOwnerMarker(memoOf(body).get<std::string>());
  return j;
}

// Remote objects of one kind indexed by key; a key may be shared (remote names need not be
// unique), so each key lists its objects.
struct Index {
  std::unordered_map<std::string, std::vector<const RemoteObject*>> byKey;
  std::unordered_map<const RemoteObject*, bool> used;

  explicit Index(const std::vector<RemoteObject>& objs) {
    for (const auto& r : objs) byKey[objectKey(r.kind, r.body)].push_back(&r);
  }
  // Prefers an owned object of the same type (of several, the smallest id, so that two runs
  // that raced and created one each agree on which to keep), then an unowned one.
  const RemoteObject* take(const std::string& key, const std::string& type) {
    auto it = byKey.find(key);
    if (it == byKey.end()) return nullptr;
    const RemoteObject* best = nullptr;
    for (const RemoteObject* r : it->second) {
      if (used[r] || remoteType(*r) != type) continue;
      bool better = !best || (owned(*r) && (!owned(*best) || r->id < best->id));
      if (better) best = r;
    }
    if (best) used[best] = true;
    return best;
  }
  // Owned objects with the key and type of `kept` that nothing else took: made by a race.
  std::vector<const RemoteObject*> duplicatesOf(const RemoteObject& kept) {
    std::vector<const RemoteObject*> out;
    for (const RemoteObject* r : byKey[objectKey(kept.kind, kept.body)])
      if (r != &kept && !used[r] && owned(*r) && remoteType(*r) == remoteType(kept)) out.push_back(r);
    return out;
  }
};


// Fields in the backend's words; with `listing`, without those the source never writes.
void name(const DiffOptions& opts, Change& c, const Json& before, const Json& after, bool listing = false) {
  if (!opts.words) return;
  std::vector<FieldChange> kept;
  for (auto& f : c.fields)
    if (opts.words(c.kind, c.type, before, after, f) || !listing) kept.push_back(std::move(f));
  c.fields = std::move(kept);
}

// A created object lists what the source sends (so no server default it does not write); a
// deleted one what it held, in canonical form (without the server's ids and dates).
void listed(const DiffOptions& opts, Change& c, const Json& body) {
  bool created = c.action == Action::Create;
  Json j = !created && opts.normalize ? opts.normalize(c.kind, body) : body;
  if (j.contains("memo") && j["memo"].is_string()) j["memo"] = stripOwnerMarker(j["memo"].get<std::string>());
  c.fields = listFields(j, created);
  name(opts, c, created ? Json(nullptr) : j, created ? j : Json(nullptr), true);
}

void plan(const std::vector<Desired>& desired, ObjKind kind, const std::vector<RemoteObject>& remote,
          const DiffOptions& opts, SourceSide* made, Plan& out) {
  Index index(remote);
  for (size_t i = 0; i < desired.size(); ++i) {
    const Desired& d = desired[i];
    if (d.kind != kind) continue;
    Change c{Action::Create, kind, d.key, "", d.type, d.source, "", made ? std::move(made->sent[i]) : withMarker(d.body), {}};
    c.templateSource = d.templateSource;
    c.templateName = d.templateName;
    const RemoteObject* r = index.take(d.key, d.type);
    for (size_t k = 0; !r && k < d.previousKeys.size(); ++k)
      if ((r = index.take(d.previousKeys[k], d.type))) c.renamedFrom = d.previousKeys[k];
    if (r && owned(*r))
      for (const RemoteObject* dup : index.duplicatesOf(*r)) {
        // Deleted without --prune: it is owned and repeats a key the source manages.
        index.used[dup] = true;
        Change del{Action::Delete, kind, d.key, dup->id, remoteType(*dup), d.source, "", nullptr, {}};
        del.duplicateOf = r->id;
        listed(opts, del, dup->body);
        out.changes.push_back(std::move(del));
      }
    if (r) {
      c.id = r->id;
      Json madeBefore;
      if (r->canonical.is_null()) madeBefore = opts.normalize ? opts.normalize(kind, r->body) : r->body;
      const Json& before = r->canonical.is_null() ? madeBefore : r->canonical;
      Json madeAfter;
      if (!made) madeAfter = opts.normalize ? opts.normalize(kind, d.body) : d.body;
      const Json& after = made ? made->canonical[i] : madeAfter;
      c.fields = diffFields(before, after);
      name(opts, c, before, after);
      if (!owned(*r)) c.action = Action::Adopt;
      else c.action = c.fields.empty() ? Action::NoChange : Action::Update;
    } else {
      listed(opts, c, d.body);
    }
    out.changes.push_back(std::move(c));
  }
  for (const auto& r : remote) {
    if (index.used[&r]) continue;
    Change c{Action::Ignore, kind, objectKey(kind, r.body), r.id, remoteType(r), "", "", nullptr, {}};
    if (owned(r)) c.action = opts.prune ? Action::Delete : Action::Orphan;
    if (c.action == Action::Delete) listed(opts, c, r.body);
    out.changes.push_back(std::move(c));
  }
}

}  // namespace

std::vector<FieldChange> listFields(const Json& body, bool created) {
  std::vector<FieldChange> out;
  leaves("", body, created, out);
  return out;
}

std::vector<FieldChange> diffFields(const Json& before, const Json& after) {
  std::vector<FieldChange> out;
  walk("", before, after, out);
  return out;
}

SourceSide sourceSide(const std::vector<Desired>& desired, const DiffOptions& opts) {
  SourceSide out;
  out.canonical.reserve(desired.size());
  out.sent.reserve(desired.size());
  for (const auto& d : desired) {
    out.canonical.push_back(opts.normalize ? opts.normalize(d.kind, d.body) : d.body);
    out.sent.push_back(withMarker(d.body));
  }
  return out;
}

Plan diff(const std::vector<Desired>& desired, const RemoteState& remote, const DiffOptions& opts, SourceSide* made) {
  Plan p;
  p.prune = opts.prune;
  for (ObjKind k : kAllObjKinds) plan(desired, k, remote.of(k), opts, made, p);
  std::stable_sort(p.changes.begin(), p.changes.end(), [](const Change& a, const Change& b) {
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.key < b.key;
  });
  for (const auto* list : remote.lists())
    for (const auto& r : *list)
      p.fingerprints[std::string(kindName(r.kind)) + "/" + r.id] = r.fingerprint.empty() ? fingerprint(r.body) : r.fingerprint;
  return p;
}

}  // namespace mon::engine
