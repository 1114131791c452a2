#include "mackerel/plan_words.h"

#include <cstdio>
#include <cstring>

#include "check/schema.h"
#include "mackerel/api_json.h"
#include "mackerel/import_writer.h"

namespace mon::engine::mackerel {

namespace {

using mon::mackerel::flatLiteral;
using mon::mackerel::fieldLiteral;
using mon::mackerel::jsonLiteral;
using mon::mackerel::snakeCase;
using mon::mackerel::stringLiteral;

// "widgets[2].graph.name" -> "widgets", "[2]", "graph", "name".
std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : path) {
    if (c == '.' || c == '[') {
      if (!cur.empty()) out.push_back(cur);
      cur = c == '[' ? "[" : "";
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

size_t indexOf(const std::string& seg) {
  return seg.size() > 2 && seg.front() == '[' ? std::strtoul(seg.c_str() + 1, nullptr, 10) : std::string::npos;
}

// The source spelling of `v` as field `f` takes it (durations, enum words), else as JSON is
// written in source.
std::string literal(const schema::Field* f, const Json& v) {
  if (f && f->type == schema::Type::Scopes && v.is_array()) {  // the API's "svc: role" is written "svc:role"
    Json written = Json::array();
    for (const auto& s : v) {
      std::string text = s.is_string() ? s.get<std::string>() : "";
      if (size_t colon = text.find(": "); s.is_string() && colon != std::string::npos) text.erase(colon + 1, 1);
      written.push_back(s.is_string() ? Json(text) : s);
    }
    return flatLiteral(jsonLiteral(written));
  }
  if (f) {
    mon::mackerel::Lit l = fieldLiteral(*f, v);
    if (!l.empty()) return flatLiteral(l);
  }
  return flatLiteral(jsonLiteral(v));
}

void values(FieldChange& f, const schema::Field* field) {
  if (f.hasBefore) f.beforeWords = literal(field, f.before);
  if (f.hasAfter) f.afterWords = literal(field, f.after);
}

// The element `index` of array `key` on whichever side has it (the new side first).
const Json* element(const Json& before, const Json& after, const char* key, size_t index) {
  for (const Json* side : {&after, &before})
    if (side->is_object() && side->contains(key) && (*side)[key].is_array() && index < (*side)[key].size())
      return &(*side)[key][index];
  return nullptr;
}

// The rest of a path after its first `from` segments, snake_cased: ".range.period" -> "range.period".
std::string rest(const std::vector<std::string>& segs, size_t from) {
  std::string out;
  for (size_t i = from; i < segs.size(); ++i) out += segs[i][0] == '[' ? segs[i] : (out.empty() ? "" : ".") + snakeCase(segs[i]);
  return out;
}

const schema::Kind* monitorKind(const std::string& apiType) {
  for (auto k : {ir::MonitorKind::Host, ir::MonitorKind::Connectivity, ir::MonitorKind::Service, ir::MonitorKind::External,
                 ir::MonitorKind::Expression, ir::MonitorKind::AnomalyDetection, ir::MonitorKind::Query})
    if (apiType == mon::mackerel::apiType(k)) return schema::findKind(schema::monitorKinds(), ir::kindName(k));
  return nullptr;
}

bool monitorWords(const std::string& type, const Json& before, const Json& after, FieldChange& f) {
  std::vector<std::string> segs = segments(f.path);
  if (segs.empty()) return true;
  const std::string& top = segs[0];
  if (top == "name" || top == "type") {  // the plan's title shows both
    f.words = top;
    values(f, nullptr);
    return false;
  }
  if (top == "headers" && segs.size() >= 2) {  // [{name, value}] is written { "Name" = "value" }
    const Json* h = element(before, after, "headers", indexOf(segs[1]));
    std::string name = h && h->is_object() && h->contains("name") && (*h)["name"].is_string() ? (*h)["name"].get<std::string>() : "";
    f.words = "headers[" + stringLiteral(name) + "]";
    if (segs.size() == 3 && segs[2] == "name") return false;  // the key above
    auto value = [](const Json& v) { return v.is_object() && v.contains("value") ? v["value"] : v; };
    if (f.hasBefore) f.beforeWords = literal(nullptr, value(f.before));
    if (f.hasAfter) f.afterWords = literal(nullptr, value(f.after));
    return true;
  }
  const schema::Kind* kind = monitorKind(type);
  const schema::Field* field = kind ? schema::findField(*kind, snakeCase(top)) : nullptr;
  if (field && (camelCase(field->name) != top || field->type == schema::Type::Raw || field->type == schema::Type::Labels))
    field = nullptr;
  // A key the schema does not know came from `raw`.
  f.words = field ? field->name + (segs.size() > 1 ? (segs[1][0] == '[' ? "" : ".") + rest(segs, 1) : "")
                  : "raw." + f.path;
  values(f, segs.size() == 1 ? field : nullptr);
  return true;
}

// Widget API keys whose source name differs; a data source's keys are read inside `graph` or
// `metric` (other keys are snake_cased).
struct Rename {
  const char* api;
  const char* dsl;
};
constexpr Rename kWidgetKeys[] = {{"markdown", "text"}, {"roleFullname", "role"}, {"name", "metric"},
                                  {"serviceName", "service"}, {"hostId", "host_id"}, {"isStacked", "stacked"}};

const char* widgetKind(const std::string& apiType) {
  if (apiType == "alertStatus") return "alert_status";
  for (const char* k : {"graph", "value", "markdown"})
    if (apiType == k) return k;
  return nullptr;
}

// `graph "CPU"`, or `graph #3` when the title is empty or another widget has it too.
std::string widgetLabel(const Json& before, const Json& after, size_t index, const char*& kind) {
  const Json* w = element(before, after, "widgets", index);
  kind = w && w->is_object() ? widgetKind(w->value("type", "")) : nullptr;
  std::string title = w && w->is_object() && (*w).contains("title") && (*w)["title"].is_string() ? (*w)["title"].get<std::string>() : "";
  const Json& side = after.is_object() && after.contains("widgets") ? after : before;
  int same = 0;
  if (side.contains("widgets") && side["widgets"].is_array())
    for (const auto& o : side["widgets"]) same += o.is_object() && o.value("title", "") == title;
  std::string k = kind ? kind : "widget";
  return title.empty() || same > 1 ? k + " #" + std::to_string(index + 1) : k + " " + stringLiteral(title);
}

bool widgetWords(const Json& before, const Json& after, const std::vector<std::string>& segs, FieldChange& f) {
  const char* kind = nullptr;
  std::string label = widgetLabel(before, after, indexOf(segs[1]), kind);
  if (segs.size() == 2) {  // a widget added or removed whole
    f.words = label;
    return true;
  }
  const schema::Kind* spec = kind ? schema::findKind(schema::widgetKinds(), kind) : nullptr;
  size_t at = 2;
  bool source = segs[2] == "graph" || segs[2] == "metric";  // the data source object
  if (source) ++at;
  if (at >= segs.size()) {
    f.words = label + " data source";
    return true;
  }
  std::string key = segs[at];
  if (key == "type") {  // follows from the widget's kind or from the data source's fields
    f.words = label + (source ? " data source" : " kind");
    values(f, nullptr);
    return false;
  }
  if (key == "title" && at + 1 == segs.size()) {  // in the label, unless that numbers the widget
    f.words = label + " title";
    values(f, nullptr);
    return label.find('#') != std::string::npos;
  }
  if (key == "layout" && at + 1 < segs.size()) key = segs[at + 1], ++at;  // x, y, width, height
  std::string dsl = snakeCase(key);
  for (const auto& r : kWidgetKeys)
    if (key == r.api) dsl = r.dsl;
  const schema::Field* field = spec ? schema::findField(*spec, dsl) : nullptr;
  f.words = label + " " + dsl + (at + 1 < segs.size() ? (segs[at + 1][0] == '[' ? "" : ".") + rest(segs, at + 1) : "");
  if (segs[2] == "layout") {
    values(f, field);
    return false;  // computed from rows unless written; a move is still shown
  }
  // A relative range is in seconds: { period = 6h, offset = -1h }.
  if (dsl == "range" && at + 1 < segs.size() && (segs[at + 1] == "period" || segs[at + 1] == "offset")) {
    static const schema::Field seconds = schema::duration("range", 1000, 0, 0, "");
    auto spell = [](const Json& v) {
      if (v.is_number() && v.get<double>() < 0) return "-" + literal(&seconds, Json(-v.get<double>()));
      return literal(&seconds, v);
    };
    if (f.hasBefore) f.beforeWords = spell(f.before);
    if (f.hasAfter) f.afterWords = spell(f.after);
    return true;
  }
  if (dsl == "range" && at + 1 < segs.size() && segs[at + 1] == "type") return false;
  if (dsl == "role") {  // the API's "svc: role" is written "svc:role", as scopes are
    static const schema::Field scopes{"role", schema::Type::Scopes};
    auto spell = [](const Json& v) {
      std::string list = literal(&scopes, Json::array({v}));
      return list.substr(1, list.size() - 2);
    };
    if (f.hasBefore) f.beforeWords = spell(f.before);
    if (f.hasAfter) f.afterWords = spell(f.after);
    return true;
  }
  values(f, at + 1 == segs.size() ? field : nullptr);
  return true;
}

bool dashboardWords(const Json& before, const Json& after, FieldChange& f) {
  std::vector<std::string> segs = segments(f.path);
  if (segs.empty()) return true;
  if (segs[0] == "widgets" && segs.size() >= 2 && segs[1][0] == '[') return widgetWords(before, after, segs, f);
  if (segs[0] == "title" || segs[0] == "urlPath") {  // the plan's title shows the url_path
    f.words = snakeCase(segs[0]);
    values(f, nullptr);
    return segs[0] == "title";
  }
  f.words = segs[0] == "memo" ? "memo" : "raw." + f.path;
  values(f, nullptr);
  return true;
}

// "2026-12-30 14:00 UTC" for a downtime's start (Unix seconds).
std::string instant(const Json& v) {
  if (!v.is_number()) return "";
  int64_t t = v.get<int64_t>();
  int64_t day = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int minute = static_cast<int>((t - day * 86400) / 60);
  // civil_from_days (Howard Hinnant)
  int64_t z = day + 719468, era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld %02d:%02d UTC", static_cast<long long>(y), static_cast<long long>(m),
                static_cast<long long>(d), minute / 60, minute % 60);
  return buf;
}

// Channels, notification groups, downtimes and alert group settings (routing_wire.h form) in the
// source's words.
// False for what the source never writes (defaults monitorc always sends).
bool routingWords(ObjKind kind, const std::string& type, FieldChange& f) {
  std::vector<std::string> segs = segments(f.path);
  if (segs.empty()) return true;
  const std::string& top = segs[0];
  values(f, nullptr);
  if (kind == ObjKind::Channel) {
    if (top == "url" && type == "slack") {
      // A secret: the plan says that it changed, never what it is.
      f.words = "api_url_env";
      if (segs.size() > 1 && segs[1] == "env") return true;  // "$NAME" as written
      if (f.hasBefore) f.beforeWords = "(a secret)";
      if (f.hasAfter) f.afterWords = f.hasBefore ? "(a different secret)" : "(a secret)";
      return f.hasBefore && f.hasAfter;
    }
    if (top == "emails") return (f.words = "to", true);
    f.words = snakeCase(top);
    return top == "url";
  }
  if (kind == ObjKind::NotificationGroup) {
    if (top == "childChannelIds") return (f.words = "channels", true);
    if (top == "monitors") {
      f.words = "monitors";
      return segs.size() < 3 || segs[2] == "id";
    }
    if (top == "notificationLevel") return (f.words = "notification_level", true);
    f.words = snakeCase(top);
    return false;
  }
  if (kind == ObjKind::AlertGroupSetting) {  // a route's `group_by = []`
    if (top == "notificationInterval") return (f.words = "repeat_interval (minutes)", true);
    if (top == "monitorScopes") return (f.words = "monitors", true);
    f.words = snakeCase(top);
    return true;
  }
  if (top == "start") {
    f.words = "start";
    if (f.hasBefore) f.beforeWords = instant(f.before);
    if (f.hasAfter) f.afterWords = instant(f.after);
    return true;
  }
  if (top == "duration") return (f.words = "duration (minutes)", true);
  if (top == "recurrence") {
    f.words = segs.size() > 1 && segs[1] == "weekdays" ? "weekdays" : "recurrence" + (segs.size() > 1 ? "." + segs[1] : "");
    return segs.size() > 1 && segs[1] == "weekdays";
  }
  if (top == "monitorScopes") return (f.words = "monitors", true);
  if (top == "serviceScopes" || top == "roleScopes") return (f.words = "scopes", true);
  f.words = snakeCase(top);
  return true;
}

}  // namespace

bool fieldWords(ObjKind kind, const std::string& type, const Json& before, const Json& after, FieldChange& f) {
  if (kind == ObjKind::Monitor) return monitorWords(type, before, after, f);
  if (kind == ObjKind::Dashboard) return dashboardWords(before, after, f);
  return routingWords(kind, type, f);
}

}  // namespace mon::engine::mackerel
