#include "plan.h"

#include <cstdio>

namespace mon::engine {

const char* kindName(ObjKind k) { return k == ObjKind::Monitor ? "monitor" : "dashboard"; }

std::string objectKey(ObjKind kind, const Json& body) {
  const char* field = kind == ObjKind::Monitor ? "name" : "urlPath";
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

std::string fingerprint(const Json& body) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : body.dump()) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace mon::engine
