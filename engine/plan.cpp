#include "plan.h"

#include "support/hash.h"

namespace mon::engine {

std::vector<OpResult> Remote::writeBatch(const std::vector<Write>& writes) {
  std::vector<OpResult> out;
  for (const auto& w : writes) {
    if (w.what == Write::Create) out.push_back(create(w.kind, w.key, *w.body));
    else if (w.what == Write::Update) out.push_back(update(w.kind, w.id, *w.body));
    else out.push_back(remove(w.kind, w.id));
  }
  return out;
}

const char* kindName(ObjKind k) {
  switch (k) {
    case ObjKind::Monitor: return "monitor";
    case ObjKind::Dashboard: return "dashboard";
    case ObjKind::Channel: return "channel";
    case ObjKind::NotificationGroup: return "notification_group";
    case ObjKind::Downtime: return "downtime";
    case ObjKind::AlertGroupSetting: return "alert_group_setting";
  }
  return "";
}

bool kindFromName(const std::string& name, ObjKind& out) {
  for (ObjKind k : kAllObjKinds)
    if (name == kindName(k)) return (out = k, true);
  return false;
}

// Dashboards show what monitors write (a Zabbix item widget names an item a monitor creates),
// so they go after them too.
bool namesOthers(ObjKind k) {
  return k == ObjKind::NotificationGroup || k == ObjKind::Downtime || k == ObjKind::AlertGroupSetting ||
         k == ObjKind::Dashboard;
}

std::vector<RemoteObject>& RemoteState::of(ObjKind k) {
  switch (k) {
    case ObjKind::Monitor: return monitors;
    case ObjKind::Dashboard: return dashboards;
    case ObjKind::Channel: return channels;
    case ObjKind::NotificationGroup: return notificationGroups;
    case ObjKind::Downtime: return downtimes;
    case ObjKind::AlertGroupSetting: return alertGroupSettings;
  }
  return monitors;
}

const std::vector<RemoteObject>& RemoteState::of(ObjKind k) const { return const_cast<RemoteState*>(this)->of(k); }

std::vector<const std::vector<RemoteObject>*> RemoteState::lists() const {
  std::vector<const std::vector<RemoteObject>*> out;
  for (ObjKind k : kAllObjKinds) out.push_back(&of(k));
  return out;
}

std::string objectKey(ObjKind kind, const Json& body) {
  const char* field = kind == ObjKind::Dashboard ? "urlPath" : "name";
  if (body.contains(field) && body[field].is_string()) return body[field].get<std::string>();
  if (kind == ObjKind::Monitor && body.value("type", "") == "connectivity") return "connectivity";
  return "";
}

const char* actionName(Action a) {
  switch (a) {
    case Action::Create: return "create";
    case Action::Update: return "update";
    case Action::Adopt: return "adopt";
    case Action::Delete: return "delete";
    case Action::Orphan: return "orphan";
    case Action::Ignore: return "ignore";
    case Action::NoChange: return "no-change";
  }
  return "";
}

int Plan::count(Action a) const {
  int n = 0;
  for (const auto& c : changes) n += c.action == a;
  return n;
}

bool Plan::hasChanges() const {
  return count(Action::Create) + count(Action::Update) + count(Action::Adopt) + count(Action::Delete) > 0;
}

namespace {

// Every key and string of `j`, byte for byte, in order.
void rawStrings(const Json& j, std::string& out) {
  if (j.is_string()) out += j.get_ref<const std::string&>() + '\0';
  if (j.is_object())
    for (auto it = j.begin(); it != j.end(); ++it) {
      out += it.key() + '\0';
      rawStrings(it.value(), out);
    }
  if (j.is_array())
    for (const auto& v : j) rawStrings(v, out);
}

// The bytes a fingerprint hashes: the JSON text. A string that is not UTF-8 (a rule file read
// from disk) has no JSON text; then the text with U+FFFD for the bad bytes, a NUL (never in
// JSON text, so this cannot equal the text of a valid value) and the strings as they are, so
// a change to those bytes still changes the fingerprint.
std::string fingerprintText(const Json& body) {
  try {
    return body.dump();
  } catch (const Json::type_error&) {
    std::string out = body.dump(-1, ' ', false, Json::error_handler_t::replace) + '\0';
    rawStrings(body, out);
    return out;
  }
}

}  // namespace

std::string fingerprint(const Json& body) { return hex16(fnv1a(fingerprintText(body))); }

}  // namespace mon::engine
