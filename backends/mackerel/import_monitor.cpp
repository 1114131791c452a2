// One API monitor -> one `monitor KIND "name" { ... }` block. Field names, types and units
// come from the schema tables; server defaults and zero values that `monitorc build` fills
// in again are left out.
#include <algorithm>
#include <cstring>

#include "check/schema.h"
#include "mackerel/import_parts.h"
#include "mackerel/import_writer.h"
#include "ownership.h"

namespace mon::mackerel {

namespace {

struct KindInfo {
  const char* api;
  const char* dsl;
  long long defaultAttempts;  // server default of maxCheckAttempts (0: the kind has none)
};

const KindInfo kKinds[] = {
    {"host", "host", 1},           {"connectivity", "connectivity", 0}, {"service", "service", 1},
    {"external", "external", 1},   {"expression", "expression", 0},     {"anomalyDetection", "anomaly_detection", 3},
    {"query", "query", 0},
};

// Common fields written after the kind's own ones; raw comes last of all.
const char* const kTail[] = {"notification_interval", "is_mute", "memo"};
// Schema fields that are not API keys.
const char* const kNotApi[] = {"raw", "labels", "targets"};
// Fields the API writes even when 0 (pointers in mackerel-client-go); other zeros are unset.
const char* const kZeroKept[] = {"warning", "critical", "response_time_warning", "response_time_critical",
                                 "response_time_duration", "certification_expiration_warning",
                                 "certification_expiration_critical", "expected_status_code",
                                 "evaluate_backward_minutes"};

template <size_t N>
bool among(const char* const (&list)[N], const std::string& s) {
  return std::any_of(std::begin(list), std::end(list), [&](const char* x) { return s == x; });
}

// True when `v` is what `monitorc build` writes anyway for an unset field.
bool isDefault(const std::string& field, const ImportJson& v, const KindInfo& kind) {
  if (v.is_null()) return true;
  if (v.is_boolean()) return !v.get<bool>();
  if (v.is_string() && v.get<std::string>().empty()) return true;
  if (v.is_array() && v.empty()) return true;
  if (v.is_number() && v.get<double>() == 0 && !among(kZeroKept, field)) return true;
  if (field == "max_check_attempts" && v.is_number() && v.get<double>() == static_cast<double>(kind.defaultAttempts))
    return true;
  if (field == "alert_status_on_gone" && v == "CRITICAL") return true;
  if (field == "method" && v == "GET") return true;
  return false;
}

// headers [{"name": .., "value": ..}] -> a map literal with quoted names; false when malformed.
bool headerMap(const ImportJson& v, Lit& out) {
  if (!v.is_array()) return false;
  out = Lit::map();
  for (const auto& h : v) {
    if (!h.is_object() || h.size() != 2 || !h.contains("name") || !h["name"].is_string() || !h.contains("value") ||
        !h["value"].is_string())
      return false;
    std::string name = stringLiteral(h["name"].get<std::string>());
    for (const auto& k : out.keys)
      if (k == name) return false;  // a map cannot hold the same name twice
    out.add(name, Lit::of(stringLiteral(h["value"].get<std::string>())));
  }
  return true;
}

std::string label(const ImportJson& m, size_t index) {
  if (m.is_object() && m.contains("name") && m["name"].is_string()) return "monitor '" + m["name"].get<std::string>() + "'";
  return "monitor #" + std::to_string(index + 1);
}

}  // namespace

void importMonitor(const ImportJson& m, size_t index, std::string& out, std::vector<std::string>& warnings,
                   std::set<std::string>& names) {
  const std::string who = label(m, index);
  if (!m.is_object()) {
    warnings.push_back(who + ": not a JSON object; skipped");
    return;
  }
  const KindInfo* kind = nullptr;
  std::string type = m.contains("type") && m["type"].is_string() ? m["type"].get<std::string>() : "";
  for (const auto& k : kKinds)
    if (type == k.api) kind = &k;
  if (!kind) {
    warnings.push_back(who + ": " + (type.empty() ? std::string("has no type") : "type '" + type + "' is not one of the seven types monitorc can express") +
                       " (host, connectivity, service, external, expression, anomalyDetection, query); skipped");
    return;
  }
  const schema::Kind& spec = *schema::findKind(schema::monitorKinds(), kind->dsl);
  std::string name = m.contains("name") && m["name"].is_string() ? m["name"].get<std::string>() : "";
  bool connectivity = std::strcmp(kind->api, "connectivity") == 0;
  if (name.empty() && !connectivity) {
    warnings.push_back(who + ": has no name, which every " + spec.what + " needs; skipped");
    return;
  }
  if (connectivity && name.empty()) name = "connectivity";
  if (!names.insert(name).second)
    warnings.push_back(who + ": another monitor has the same name; monitorc needs unique names, rename one of them");

  ImportJson fields = ImportJson::object(), raw = ImportJson::object();
  for (auto it = m.begin(); it != m.end(); ++it) {
    const std::string& key = it.key();
    if (key == "id" || key == "type" || key == "name") continue;
    std::string snake = snakeCase(key);
    const schema::Field* f = among(kNotApi, snake) ? nullptr : schema::findField(spec, snake);
    if (f && camelCase(f->name) == key) {
      // The ownership marker is monitorc's, not the monitor's: build puts it back.
      ImportJson v = key == "memo" && it.value().is_string() ? ImportJson(engine::stripOwnerMarker(it.value().get<std::string>()))
                                                             : it.value();
      if (!isDefault(f->name, v, *kind)) fields[f->name] = v;
    } else if (among(kNotApi, key)) {
      warnings.push_back(who + ": field '" + key + "' is not known and cannot go in raw ('" + key +
                         "' is a monitorc field); dropped");
    } else {
      warnings.push_back(who + ": field '" + key + "' is not known; kept in raw");
      raw[key] = it.value();
    }
  }

  if (!out.empty()) out += "\n";
  BlockWriter w(out);
  bool unnamed = connectivity && name == "connectivity";
  std::string header = std::string("monitor ") + kind->dsl + (unnamed ? "" : " " + stringLiteral(name));
  if (fields.empty() && raw.empty()) return w.line(header + " {}");
  w.open(header);
  auto emit = [&](const schema::Field& f) {
    if (!fields.contains(f.name)) return;
    const ImportJson& v = fields[f.name];
    Lit lit;
    if (f.type != schema::Type::Headers || !headerMap(v, lit)) lit = fieldLiteral(f, v);
    if (lit.empty()) {
      warnings.push_back(who + ": field '" + camelCase(f.name) + "' has a value monitorc does not accept (" +
                         schema::describeType(f) + " expected); written as is");
      lit = jsonLiteral(v);
    }
    w.attr(f.name, lit);
  };
  for (const auto& f : spec.fields)
    if (!among(kTail, f.name) && !among(kNotApi, f.name)) emit(f);
  for (const char* t : kTail) emit(*schema::findField(spec, t));
  if (!raw.empty()) w.attr("raw", jsonLiteral(raw));
  w.close();
}

}  // namespace mon::mackerel
