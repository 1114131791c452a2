// Lowering of the routing blocks: `channel KIND "name"`, `route "name"`, `maintenance "name"`
// and `route_test "name"`. Each block is checked on its own here; what needs the whole program
// (unknown channel names, unreachable monitors, shadowed routes, overlapping windows) is
// routing_check.cpp's.
#include <sys/stat.h>

#include <cctype>
#include <cstdio>

#include "check/schema.h"
#include "lower/fields.h"
#include "lower/lower_parts.h"
#include "support/text.h"

namespace mon {

namespace {

// The block's one quoted name, reported when missing or empty; `kindWords` labels come first.
bool takeName(const Object& obj, size_t kindWords, const char* what, const char* example, std::string& name,
              Range& at, DiagEngine& diags) {
  if (obj.labels.size() <= kindWords || obj.labels[kindWords].kind != ValueKind::String) {
    diags.report(obj.labels.size() > kindWords ? obj.labels[kindWords].range : obj.typeRange, diag::err_missing_label,
                 {what, std::string("a quoted name, e.g. ") + example});
    return false;
  }
  name = obj.labels[kindWords].str;
  at = obj.labels[kindWords].range;
  bool ok = true;
  if (name.empty()) {
    diags.report(at, diag::err_empty_name, {what});
    ok = false;
  }
  if (obj.labels.size() > kindWords + 1) {
    diags.report(obj.labels[kindWords + 1].range, diag::err_extra_label, {std::string("a ") + obj.type});
    ok = false;
  }
  return ok;
}

std::vector<std::string> strings(const ir::Props& props, const char* name) {
  std::vector<std::string> out;
  if (const ir::Prop* p = props.find(name))
    for (const auto& v : p->value) out.push_back(v.get<std::string>());
  return out;
}

// Where item i of list field `name` is written, else the whole value.
Range itemRange(const Object& obj, const char* name, size_t i, Range whole) {
  const Field* f = obj.field(name);
  return f && i < f->value.items.size() ? f->value.items[i].range : whole;
}

// "Service: role" as the checker normalises scopes, back to "Service:role".
std::vector<std::string> scopesOf(const ir::Props& props) {
  std::vector<std::string> out;
  for (std::string s : strings(props, "scopes")) {
    if (auto at = s.find(": "); at != std::string::npos) s.erase(at + 1, 1);
    out.push_back(s);
  }
  return out;
}

// "ops slack_api_url" -> "OPS_SLACK_API_URL": a variable name to suggest.
std::string envSuggestion(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : '_';
  return out;
}

bool isEnvName(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

// Field names that hold a secret when written literally. A channel kind whose schema has
// `NAME_env` names its own; these are the ones people reach for in any channel.
bool looksSecret(const std::string& name) {
  for (const char* word : {"password", "token", "secret", "api_key", "routing_key", "service_key", "api_url"})
    if (name.find(word) != std::string::npos) return true;
  return false;
}

// Reports literal secrets (`routing_key = "..."`) and returns the object without them, so the
// schema check does not add an unknown-field error for the same mistake.
Object withoutLiteralSecrets(const Object& obj, const schema::Kind& kind, bool& ok, DiagEngine& diags) {
  Object rest = obj;
  rest.fields.clear();
  for (const Field& f : obj.fields) {
    const bool isEnvField = f.name.size() > 4 && f.name.compare(f.name.size() - 4, 4, "_env") == 0;
    std::string envField = f.name + "_env";
    if (!isEnvField && !schema::findField(kind, f.name) && (schema::findField(kind, envField) || looksSecret(f.name))) {
      if (!schema::findField(kind, envField))  // this kind keeps its secret under another name
        for (const auto& spec : kind.fields)
          if (std::string n = spec.name; n.size() > 4 && n.compare(n.size() - 4, 4, "_env") == 0) {
            envField = n;
            break;
          }
      auto b = diags.report(f.value.range, diag::err_literal_secret, {f.name, envField});
      b.note(Range{}, "set the environment variable where monitorc or the monitoring system runs, e.g. " + envField +
                          " = \"" + envSuggestion(obj.labels.size() > 1 ? obj.labels[1].str + "_" + f.name : f.name) + "\"");
      ok = false;
      continue;
    }
    rest.fields.push_back(f);
  }
  return rest;
}

std::optional<int> weekday(std::string w) {
  for (char& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const char* days[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
  for (int i = 0; i < 7; ++i)
    if (w == days[i] || w == std::string(days[i]).substr(0, 3)) return i;
  return std::nullopt;
}

// "HH:MM" -> minutes of the day (24:00 allowed as the end of a day).
bool parseClock(const std::string& s, int& minute) {
  int h = 0, m = 0;
  char tail = 0;
  if (s.size() != 5 || std::sscanf(s.c_str(), "%2d:%2d%c", &h, &m, &tail) != 2 || s[2] != ':') return false;
  if (h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0)) return false;
  minute = h * 60 + m;
  return true;
}

int daysInMonth(int y, int m) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

// "YYYY-MM-DD HH:MM" (or with a 'T') -> civil date and minute of the day.
bool parseDateTime(const std::string& s, ir::LocalTime& t) {
  if (s.size() != 16 || (s[10] != ' ' && s[10] != 'T') || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  t.year = std::stoi(s.substr(0, 4));
  t.month = std::stoi(s.substr(5, 2));
  t.day = std::stoi(s.substr(8, 2));
  if (t.year < 1970 || t.month < 1 || t.month > 12 || t.day < 1 || t.day > daysInMonth(t.year, t.month)) return false;
  return parseClock(s.substr(11), t.minute) && t.minute < 24 * 60;
}

bool knownTimeZone(const std::string& tz) {
  if (tz == "UTC" || tz == "Local") return true;
  if (tz.empty() || tz[0] == '/' || tz.find("..") != std::string::npos) return false;
  for (char c : tz)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+')) return false;
  struct stat st{};
  // Without a zone database here nothing better can be said; the monitoring system checks again.
  if (stat("/usr/share/zoneinfo", &st) != 0) return true;
  return stat(("/usr/share/zoneinfo/" + tz).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

// Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil).
long daysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::optional<ir::Channel> lowerChannel(const Object& obj, DiagEngine& diags) {
  const auto& kinds = schema::channelKinds();
  if (obj.labels.empty() || obj.labels[0].kind != ValueKind::Word) {
    diags.report(obj.typeRange, diag::err_missing_label, {"channel", "a kind and a quoted name, e.g. channel slack \"ops\""})
        .note(Range{}, "kinds: " + quotedList(schema::kindNames(kinds)));
    return std::nullopt;
  }
  const schema::Kind* kind = schema::findKind(kinds, obj.labels[0].str);
  if (!kind) {
    auto b = diags.report(obj.labels[0].range, diag::err_unknown_kind, {"channel", obj.labels[0].str});
    std::string close = closestMatch(obj.labels[0].str, schema::kindNames(kinds));
    if (!close.empty()) b.note(Range{}, "did you mean '" + close + "'?").fix(obj.labels[0].range, close);
    else b.note(Range{}, "kinds: " + quotedList(schema::kindNames(kinds)));
    return std::nullopt;
  }
  ir::Channel c;
  c.kind = kind->name;
  c.range = obj.range;
  bool ok = takeName(obj, 1, kind->what, "channel slack \"ops\"", c.name, c.nameRange, diags);
  ok = checkFieldsOnly(obj, "a channel", diags) && ok;
  Object rest = withoutLiteralSecrets(obj, *kind, ok, diags);
  ok = lowerFields(rest, *kind, c.props, diags) && ok;
  // A required secret written literally was reported as such; not again as missing.
  for (const auto& spec : kind->fields) {
    if (!spec.required || c.props.has(spec.name) || obj.field(spec.name)) continue;
    std::string n = spec.name;
    if (n.size() > 4 && n.compare(n.size() - 4, 4, "_env") == 0 && obj.field(n.substr(0, n.size() - 4))) continue;
    diags.report(nameRangeOf(obj), diag::err_missing_field, {kind->what, spec.name});
    ok = false;
  }
  for (const auto& p : c.props.list)
    if (p.name.size() > 4 && p.name.compare(p.name.size() - 4, 4, "_env") == 0 && !isEnvName(p.value.get<std::string>())) {
      diags.report(p.range, diag::err_bad_env_name, {std::string(p.name), p.value.get<std::string>()});
      ok = false;
    }
  if (!ok) return std::nullopt;
  return c;
}

std::optional<ir::Route> lowerRoute(const Object& obj, DiagEngine& diags) {
  const schema::Kind& kind = schema::routeKind();
  ir::Route r;
  r.range = obj.range;
  bool ok = takeName(obj, 0, "route", "route \"pages\"", r.name, r.nameRange, diags);
  ok = checkFieldsOnly(obj, "a route", diags) && ok;
  ok = lowerFields(obj, kind, r.props, diags) && ok;
  ok = checkRequired(obj, kind, r.props, diags) && ok;
  r.channels = strings(r.props, "channels");
  if (const ir::Prop* p = r.props.find("channels"))
    for (size_t i = 0; i < r.channels.size(); ++i) r.channelRanges.push_back(itemRange(obj, "channels", i, p->range));
  r.severities = strings(r.props, "severity");
  if (const ir::Prop* p = r.props.find("severity"))
    for (size_t i = 0; i < r.severities.size(); ++i)
      if (r.severities[i] != "critical" && r.severities[i] != "warning" && r.severities[i] != "info") {
        diags.report(itemRange(obj, "severity", i, p->range), diag::err_bad_severity, {r.severities[i]});
        ok = false;
      }
  if (const ir::Prop* p = r.props.find("match"))
    for (auto it = p->value.begin(); it != p->value.end(); ++it) r.match[it.key()] = it.value().get<std::string>();
  r.scopes = scopesOf(r.props);
  r.monitors = strings(r.props, "monitors");
  r.groupBy = strings(r.props, "group_by");
  if (const ir::Prop* p = r.props.find("continue")) r.continues = p->value.get<bool>();
  if (!ok) return std::nullopt;
  return r;
}

std::optional<ir::Maintenance> lowerMaintenance(const Object& obj, DiagEngine& diags) {
  const schema::Kind& kind = schema::maintenanceKind();
  ir::Maintenance w;
  w.range = obj.range;
  bool ok = takeName(obj, 0, "maintenance window", "maintenance \"db upgrade\"", w.name, w.nameRange, diags);
  ok = checkFieldsOnly(obj, "a maintenance window", diags) && ok;
  ok = lowerFields(obj, kind, w.props, diags) && ok;
  ok = checkRequired(obj, kind, w.props, diags) && ok;
  if (const ir::Prop* p = w.props.find("weekdays")) {
    w.weekly = true;
    auto days = strings(w.props, "weekdays");
    for (size_t i = 0; i < days.size(); ++i) {
      if (auto d = weekday(days[i])) w.weekdays.push_back(*d);
      else {
        diags.report(itemRange(obj, "weekdays", i, p->range), diag::err_bad_weekday, {days[i]});
        ok = false;
      }
    }
    if (days.empty()) {
      diags.report(p->range, diag::err_empty_value, {"weekdays"});
      ok = false;
    }
  }
  bool timesOk = true;
  for (const char* field : {"start", "end"}) {
    const ir::Prop* p = w.props.find(field);
    if (!p) continue;
    std::string text = p->value.get<std::string>();
    ir::LocalTime& t = std::string(field) == "start" ? w.start : w.end;
    bool good = w.weekly ? parseClock(text, t.minute) : parseDateTime(text, t);
    if (!good) {
      diags.report(p->range, diag::err_bad_time,
                   {field, w.weekly ? "a time of day \"HH:MM\" (the window has 'weekdays')" : "a date and time \"YYYY-MM-DD HH:MM\"",
                    text});
      ok = timesOk = false;
    }
  }
  if (const ir::Prop* p = w.props.find("time_zone")) {
    w.timeZone = p->value.get<std::string>();
    if (!knownTimeZone(w.timeZone)) {
      diags.report(p->range, diag::err_bad_time_zone, {w.timeZone});
      ok = false;
    }
  }
  if (timesOk && w.props.has("start") && w.props.has("end")) {
    long startMin = (w.weekly ? 0 : daysFromCivil(w.start.year, w.start.month, w.start.day) * 1440) + w.start.minute;
    long endMin = (w.weekly ? 0 : daysFromCivil(w.end.year, w.end.month, w.end.day) * 1440) + w.end.minute;
    if (endMin <= startMin) {
      diags.report(w.props.find("end")->range, diag::err_window_empty,
                   {w.name, w.props.str("start"), w.props.str("end")})
          .note(Range{}, w.weekly ? "a weekly window ends on the day it starts; for one across midnight write two windows"
                                  : "the end must come after the start");
      ok = false;
    } else if (!w.weekly && endMin - startMin > 366L * 1440) {
      diags.report(w.props.find("end")->range, diag::err_window_too_long, {w.name, "366"});
      ok = false;
    }
  }
  w.scopes = scopesOf(w.props);
  w.monitors = strings(w.props, "monitors");
  if (!ok) return std::nullopt;
  return w;
}

std::optional<ir::RouteTest> lowerRouteTest(const Object& obj, DiagEngine& diags) {
  const schema::Kind& kind = schema::routeTestKind();
  ir::RouteTest t;
  t.range = obj.range;
  bool ok = takeName(obj, 0, "route test", "route_test \"critical pages\"", t.name, t.nameRange, diags);
  ok = checkFieldsOnly(obj, "a route test", diags) && ok;
  ir::Props props;
  ok = lowerFields(obj, kind, props, diags) && ok;
  ok = checkRequired(obj, kind, props, diags) && ok;
  if (const ir::Prop* p = props.find("labels"))
    for (auto it = p->value.begin(); it != p->value.end(); ++it) t.labels[it.key()] = it.value().get<std::string>();
  t.expect = strings(props, "expect");
  if (const ir::Prop* p = props.find("expect"))
    for (size_t i = 0; i < t.expect.size(); ++i) t.expectRanges.push_back(itemRange(obj, "expect", i, p->range));
  if (!ok) return std::nullopt;
  return t;
}

}  // namespace mon
