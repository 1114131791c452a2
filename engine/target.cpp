#include "target.h"

#include <cstdlib>

namespace mon::engine {

namespace {

std::string quotedNames(const std::vector<const ir::Target*>& ts) {
  std::string names;
  for (const auto* t : ts) names += (names.empty() ? "'" : ", '") + t->name + "'";
  return names;
}

// "a, b or c"
std::string orList(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) out += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + words[i];
  return out;
}

}  // namespace

std::shared_ptr<net::Client> RemoteOptions::clientOrDefault() const {
  return client ? client : std::shared_ptr<net::Client>(net::makeCurlClient(http));
}

const TargetKind* findTargetKind(const std::vector<TargetKind>& kinds, const std::string& name) {
  for (const auto& k : kinds)
    if (name == k.name) return &k;
  return nullptr;
}

const ir::Target* chooseTarget(const ir::Module& m, const std::vector<TargetKind>& kinds, const std::string& name,
                               std::string& err) {
  std::vector<const ir::Target*> primary, other;
  std::vector<std::string> primaryKinds, otherKinds;
  for (const auto& k : kinds) (k.primary ? primaryKinds : otherKinds).push_back(k.name);
  for (const auto& t : m.targets)
    if (const TargetKind* k = findTargetKind(kinds, t.kind)) (k->primary ? primary : other).push_back(&t);
  std::vector<const ir::Target*> all = primary;
  all.insert(all.end(), other.begin(), other.end());
  if (!name.empty()) {
    for (const auto* t : all)
      if (t->name == name) return t;
    std::vector<std::string> every = primaryKinds;
    every.insert(every.end(), otherKinds.begin(), otherKinds.end());
    err = all.empty() ? "no target named '" + name + "': the source declares no " + orList(every) + " target"
                      : "no " + orList(primaryKinds) + " target named '" + name + "', nor a " + orList(otherKinds) +
                            " one (targets: " + quotedNames(all) + ")";
    return nullptr;
  }
  if (primary.size() == 1) return primary[0];
  if (primary.empty() && other.size() == 1) return other[0];
  err = all.empty() ? "the source declares no target; add e.g. target local \"demo\" { dir = \".monitorc/demo\" }"
                    : "several targets (" + quotedNames(primary.empty() ? other : primary) + "); choose one with --target NAME";
  return nullptr;
}

Range settingRange(const ir::Target& declared, const char* name) {
  const ir::Prop* p = declared.props.find(name);
  return p && p->range.valid() ? p->range : declared.range;
}

void recordSettings(const TargetKind& kind, const ir::Target& declared, Plan& plan) {
  plan.targetKind = kind.name;
  plan.targetName = declared.name;
  plan.settings = Json::object();
  for (const auto& s : kind.settings(declared)) {
    if (s.key == "where") plan.where = s.value;
    else if (!s.value.empty()) plan.settings[s.key] = s.value;
  }
}

std::vector<std::string> settingMismatches(const Plan& plan, const TargetKind& kind, const ir::Target& declared) {
  std::vector<std::string> out;
  if (plan.targetKind != kind.name) {
    out.push_back("kind: the plan says '" + plan.targetKind + "', the source declares '" + kind.name + "'");
    return out;
  }
  for (const auto& s : kind.settings(declared)) {
    std::string inPlan = s.key == "where" ? plan.where : plan.settings.value(s.key, "");
    if (inPlan != s.value)
      out.push_back(s.label + ": the plan says '" + inPlan + "', the source declares '" + s.value + "'");
  }
  return out;
}

bool secretFromEnv(const RemoteOptions& opts, const std::string& name, const std::string& what, std::string& value,
                   std::string& err) {
  const char* raw = opts.getenv ? opts.getenv(name.c_str()) : std::getenv(name.c_str());
  std::string v = raw ? raw : "";
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!v.empty() && blank(v.back())) v.pop_back();
  size_t first = 0;
  while (first < v.size() && blank(v[first])) ++first;
  v.erase(0, first);
  if (v.empty())
    return (err = "the environment variable " + name + " (" + what + ") is " + (raw && *raw ? "blank" : "not set"), false);
  for (unsigned char c : v)
    if (c < 0x20 || c == 0x7f)
      return (err = "the environment variable " + name + " (" + what +
                    ") contains a control character (a line break inside the value?); it is not sent",
              false);
  value = std::move(v);
  return true;
}

}  // namespace mon::engine
