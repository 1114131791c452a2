#include "check/convert.h"

#include <algorithm>
#include <cmath>
#include <strings.h>

#include "support/text.h"

namespace mon {

namespace {

using Json = nlohmann::ordered_json;
using schema::Type;

bool wrongType(const schema::Field& f, const Value& v, DiagEngine& diags) {
  if (v.kind == ValueKind::Word) {
    auto b = diags.report(v.range, diag::err_undefined_name, {v.str});
    if (!v.suggestion.empty()) b.note(Range{}, "did you mean '" + v.suggestion + "'?").fix(v.range, v.suggestion);
    else if (f.type == Type::String) b.note(Range{}, "write text in quotes: \"" + v.str + "\"").fix(v.range, "\"" + v.str + "\"");
    return false;
  }
  diags.report(v.range, diag::err_wrong_type, {f.name, schema::describeType(f), describe(v.kind)});
  return false;
}

std::string rangeText(double lo, double hi) {
  if (hi >= 1e9) return "at least " + formatNumber(lo);
  return "between " + formatNumber(lo) + " and " + formatNumber(hi);
}

bool inRange(const schema::Field& f, double n, const Value& v, DiagEngine& diags, const std::string& shown) {
  if (f.min < f.max && (n < f.min || n > f.max)) {
    diags.report(v.range, diag::err_out_of_range, {f.name, rangeText(f.min, f.max), shown});
    return false;
  }
  return true;
}

bool durationUnits(const schema::Field& f, const Value& v, Json& out, DiagEngine& diags) {
  const char* unitName = schema::unitName(f);
  double units;
  std::string shown;
  if (v.kind == ValueKind::Duration) {
    if (v.durationMs % f.unitMs != 0) {
      diags.report(v.range, diag::err_inexact_duration, {f.name, unitName, formatDurationMs(v.durationMs)});
      return false;
    }
    units = static_cast<double>(v.durationMs / f.unitMs);
    shown = formatDurationMs(v.durationMs);
  } else if (v.kind == ValueKind::Number) {
    if (v.number != std::floor(v.number)) {
      diags.report(v.range, diag::err_not_integer, {f.name, formatNumber(v.number)});
      return false;
    }
    units = v.number;
    shown = formatNumber(v.number);
  } else {
    return wrongType(f, v, diags);
  }
  auto unitText = [&](double u) { return formatDurationMs(static_cast<int64_t>(u) * f.unitMs); };
  if (f.min < f.max && (units < f.min || units > f.max)) {
    std::string allowed = f.max >= 1e9 ? "at least " + unitText(f.min) : "between " + unitText(f.min) + " and " + unitText(f.max);
    diags.report(v.range, diag::err_out_of_range, {f.name, allowed, shown});
    return false;
  }
  if (f.multipleOf && static_cast<long long>(units) % f.multipleOf != 0) {
    diags.report(v.range, diag::err_out_of_range, {f.name, "a multiple of " + unitText(static_cast<double>(f.multipleOf)), shown});
    return false;
  }
  out = static_cast<long long>(units);
  return true;
}

bool stringOf(const schema::Field& f, const Value& v, std::string& out, DiagEngine& diags) {
  if (v.kind != ValueKind::String) return wrongType(f, v, diags);
  out = v.str;
  return true;
}

// Checks a map value's keys against an allowed set and returns false on unknown ones.
bool checkKeys(const schema::Field& f, const Value& v, const std::vector<std::string>& allowed, DiagEngine& diags) {
  bool ok = true;
  for (size_t i = 0; i < v.entries.size(); ++i) {
    const std::string& k = v.entries[i].first;
    if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
    Range r = i < v.keyRanges.size() ? v.keyRanges[i] : v.range;
    auto b = diags.report(r, diag::err_unknown_field, {k, std::string("'").append(f.name).append("'")});
    std::string close = closestMatch(k, allowed);
    if (!close.empty()) b.note(Range{}, "did you mean '" + close + "'?").fix(r, close);
    else b.note(Range{}, "allowed: " + quotedList(allowed));
    ok = false;
  }
  return ok;
}

bool numberOf(const Value& v, const char* name, double& out, DiagEngine& diags) {
  if (v.kind != ValueKind::Number) {
    diags.report(v.range, diag::err_wrong_type, {name, "a number", describe(v.kind)});
    return false;
  }
  out = v.number;
  return true;
}

// `most`: how many items the language takes (0: any number; a system's own limit, such as
// Mackerel's one reference line, is its backend's check).
bool listOfMaps(const schema::Field& f, const Value& v, const std::vector<std::string>& keys, Json& out, DiagEngine& diags,
                bool (*one)(const Value&, Json&, DiagEngine&), size_t most) {
  if (v.kind != ValueKind::List) return wrongType(f, v, diags);
  if (most && v.items.size() > most) {
    diags.report(v.items[1].range, diag::err_too_many_items, {f.name, "1"});
    return false;
  }
  out = Json::array();
  for (const Value& item : v.items) {
    if (item.kind != ValueKind::Map) return wrongType(f, item, diags);
    if (!checkKeys(f, item, keys, diags)) return false;
    Json j;
    if (!one(item, j, diags)) return false;
    out.push_back(std::move(j));
  }
  return true;
}

bool refLine(const Value& m, Json& out, DiagEngine& diags) {
  const Value* label = m.find("label");
  const Value* value = m.find("value");
  if (!label || !value) {
    diags.report(m.range, diag::err_missing_field, {"a reference line", !label ? "label" : "value"});
    return false;
  }
  if (label->kind != ValueKind::String) {
    diags.report(label->range, diag::err_wrong_type, {"label", "a string", describe(label->kind)});
    return false;
  }
  std::string compact;
  for (char c : label->str)
    if (c != ' ') compact += c;
  size_t len = utf8Length(compact);
  if (len < 1 || len > 32) {
    diags.report(label->range, diag::err_out_of_range, {"label", "1 to 32 characters long (spaces not counted)", std::to_string(len)});
    return false;
  }
  double n;
  if (!numberOf(*value, "value", n, diags)) return false;
  if (n < 0) {
    diags.report(value->range, diag::err_out_of_range, {"value", "at least 0", formatNumber(n)});
    return false;
  }
  out = {{"label", label->str}, {"value", n}};
  return true;
}

bool formatRule(const Value& m, Json& out, DiagEngine& diags) {
  const Value* name = m.find("name");
  const Value* threshold = m.find("threshold");
  const Value* op = m.find("operator");
  if (!threshold || !op) {
    diags.report(m.range, diag::err_missing_field, {"a format rule", !threshold ? "threshold" : "operator"});
    return false;
  }
  out = Json::object();
  if (name) {
    if (name->kind != ValueKind::String) {
      diags.report(name->range, diag::err_wrong_type, {"name", "a string", describe(name->kind)});
      return false;
    }
    if (utf8Length(name->str) > 32) {
      diags.report(name->range, diag::err_too_long, {"name", std::to_string(utf8Length(name->str)), "32"});
      return false;
    }
    out["name"] = name->str;
  }
  double n;
  if (!numberOf(*threshold, "threshold", n, diags)) return false;
  if (op->kind != ValueKind::String || (op->str != ">" && op->str != "<")) {
    diags.report(op->range, diag::err_bad_enum, {"operator", "'>' or '<'", op->kind == ValueKind::String ? op->str : show(*op)});
    return false;
  }
  out["threshold"] = n;
  out["operator"] = op->str;
  return true;
}

}  // namespace

bool normalizeScope(const std::string& in, std::string& out) {
  auto valid = [](std::string_view s) {
    if (s.size() < 1) return false;
    for (char c : s)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
    return true;
  };
  size_t colon = in.find(':');
  if (colon == std::string::npos) {
    if (!valid(in)) return false;
    out = in;
    return true;
  }
  std::string svc = in.substr(0, colon);
  std::string role = in.substr(colon + 1);
  while (!role.empty() && role[0] == ' ') role.erase(0, 1);
  if (!valid(svc) || !valid(role)) return false;
  out = svc + ": " + role;
  return true;
}

bool valueToJson(const Value& v, Json& out, DiagEngine& diags) {
  switch (v.kind) {
    case ValueKind::Null: out = nullptr; return true;
    case ValueKind::Bool: out = v.boolean; return true;
    case ValueKind::Number:
      if (v.number == std::floor(v.number) && std::fabs(v.number) < 9e15) out = static_cast<long long>(v.number);
      else out = v.number;
      return true;
    case ValueKind::Duration: out = v.durationMs; return true;
    case ValueKind::String: out = v.str; return true;
    case ValueKind::Word: {
      auto b = diags.report(v.range, diag::err_undefined_name, {v.str});
      if (!v.suggestion.empty()) b.note(Range{}, "did you mean '" + v.suggestion + "'?");
      return false;
    }
    case ValueKind::List:
      out = Json::array();
      for (const auto& item : v.items) {
        Json j;
        if (!valueToJson(item, j, diags)) return false;
        out.push_back(std::move(j));
      }
      return true;
    case ValueKind::Map:
      out = Json::object();
      for (const auto& [k, item] : v.entries) {
        Json j;
        if (!valueToJson(item, j, diags)) return false;
        out[k] = std::move(j);
      }
      return true;
  }
  return false;
}

bool convertField(const schema::Field& f, const Value& v, Json& out, DiagEngine& diags) {
  switch (f.type) {
    case Type::String: {
      std::string s;
      if (!stringOf(f, v, s, diags)) return false;
      if (f.max > 0 && utf8Length(s) > f.max) {
        diags.report(v.range, diag::err_too_long, {f.name, std::to_string(utf8Length(s)), formatNumber(f.max)});
        return false;
      }
      out = std::move(s);
      return true;
    }
    case Type::Bool:
      if (v.kind != ValueKind::Bool) return wrongType(f, v, diags);
      out = v.boolean;
      return true;
    case Type::Int:
    case Type::Count:
      if (v.kind == ValueKind::Duration && f.type == Type::Count) {
        diags.report(v.range, diag::err_duration_not_allowed, {f.name, "points"});
        return false;
      }
      if (v.kind != ValueKind::Number) return wrongType(f, v, diags);
      if (v.number != std::floor(v.number)) {
        diags.report(v.range, diag::err_not_integer, {f.name, formatNumber(v.number)});
        return false;
      }
      if (!inRange(f, v.number, v, diags, formatNumber(v.number))) return false;
      out = static_cast<long long>(v.number);
      return true;
    case Type::Threshold:
      if (v.kind == ValueKind::Null) {
        out = nullptr;
        return true;
      }
      [[fallthrough]];
    case Type::Number:
      if (v.kind != ValueKind::Number) return wrongType(f, v, diags);
      if (!inRange(f, v.number, v, diags, formatNumber(v.number))) return false;
      out = v.number;
      return true;
    case Type::Duration:
      if (v.kind == ValueKind::Number && f.unitMs != 1 && false) return false;
      return durationUnits(f, v, out, diags);
    case Type::Enum: {
      if (v.kind != ValueKind::Word && v.kind != ValueKind::String) return wrongType(f, v, diags);
      for (const auto& e : f.values)
        if (strcasecmp(e.word, v.str.c_str()) == 0 || v.str == e.api) {
          out = e.api;
          return true;
        }
      std::vector<std::string> words;
      for (const auto& e : f.values) words.push_back(e.word);
      auto b = diags.report(v.range, diag::err_bad_enum, {f.name, quotedList(words), v.str});
      std::string close = closestMatch(v.str, words);
      if (!close.empty()) b.note(Range{}, "did you mean '" + close + "'?").fix(v.range, close);
      return false;
    }
    case Type::Operator:
      if (v.kind != ValueKind::String || (v.str != ">" && v.str != "<")) {
        auto b = diags.report(v.range, diag::err_bad_enum, {f.name, "'>' or '<'", v.kind == ValueKind::String ? v.str : show(v)});
        if (v.kind == ValueKind::String && (v.str == ">=" || v.str == "<="))
          b.note(Range{}, "Mackerel compares strictly; use '" + v.str.substr(0, 1) + "' and adjust the threshold");
        return false;
      }
      out = v.str;
      return true;
    case Type::StringList:
    case Type::Scopes: {
      if (v.kind != ValueKind::List) return wrongType(f, v, diags);
      out = Json::array();
      for (const auto& item : v.items) {
        std::string s;
        if (!stringOf(f, item, s, diags)) return false;
        if (f.type == Type::Scopes) {
          std::string norm;
          if (!normalizeScope(s, norm)) {
            diags.report(item.range, diag::err_bad_scope, {s});
            return false;
          }
          s = norm;
        }
        out.push_back(std::move(s));
      }
      return true;
    }
    case Type::Headers:
    case Type::Labels: {
      if (v.kind != ValueKind::Map) return wrongType(f, v, diags);
      out = Json::object();
      for (const auto& [k, item] : v.entries) {
        std::string s;
        if (item.kind == ValueKind::Number && f.type == Type::Labels) s = formatNumber(item.number);
        else if (!stringOf(f, item, s, diags)) return false;
        out[k] = s;
      }
      return true;
    }
    case Type::Raw:
      if (v.kind != ValueKind::Map) return wrongType(f, v, diags);
      return valueToJson(v, out, diags);
    case Type::TimeRange: {
      if (v.kind != ValueKind::Map) return wrongType(f, v, diags);
      if (!checkKeys(f, v, {"period", "offset", "start", "end"}, diags)) return false;
      auto seconds = [&](const char* key, long long& s) {
        const Value* x = v.find(key);
        if (!x) return true;
        if (x->kind == ValueKind::Duration) {
          if (x->durationMs % 1000) {
            diags.report(x->range, diag::err_inexact_duration, {key, "seconds", formatDurationMs(x->durationMs)});
            return false;
          }
          s = x->durationMs / 1000;
          return true;
        }
        if (x->kind == ValueKind::Number && x->number == std::floor(x->number)) {
          if (std::fabs(x->number) > 1e15) {  // far beyond any epoch or period, and the cast must fit
            diags.report(x->range, diag::err_out_of_range, {key, "between -10^15 and 10^15 seconds", formatNumber(x->number)});
            return false;
          }
          s = static_cast<long long>(x->number);
          return true;
        }
        diags.report(x->range, diag::err_wrong_type, {key, "a duration or whole seconds", describe(x->kind)});
        return false;
      };
      long long a = 0, b = 0;
      if (v.find("period")) {
        if (v.find("start") || v.find("end")) {
          diags.report(v.range, diag::err_wrong_type, {f.name, "either { period, offset } or { start, end }", "both"});
          return false;
        }
        if (!seconds("period", a) || !seconds("offset", b)) return false;
        if (a <= 0) {
          diags.report(v.find("period")->range, diag::err_out_of_range, {"period", "positive", std::to_string(a)});
          return false;
        }
        out = {{"type", "relative"}, {"period", a}, {"offset", b}};
        return true;
      }
      if (!v.find("start") || !v.find("end")) {
        diags.report(v.range, diag::err_missing_field, {"'range'", v.find("start") ? "end" : v.find("end") ? "start" : "period"});
        return false;
      }
      if (!seconds("start", a) || !seconds("end", b)) return false;
      if (b <= a) {
        diags.report(v.find("end")->range, diag::err_out_of_range, {"end", "after start", std::to_string(b)});
        return false;
      }
      out = {{"type", "absolute"}, {"start", a}, {"end", b}};
      return true;
    }
    case Type::ValueRange: {
      if (v.kind != ValueKind::Map) return wrongType(f, v, diags);
      if (!checkKeys(f, v, {"min", "max"}, diags)) return false;
      out = Json::object();
      double lo = 0, hi = 0;
      if (const Value* m = v.find("min")) {
        if (!numberOf(*m, "min", lo, diags)) return false;
        out["min"] = lo;
      }
      if (const Value* m = v.find("max")) {
        if (!numberOf(*m, "max", hi, diags)) return false;
        out["max"] = hi;
      }
      if (out.contains("min") && out.contains("max") && hi <= lo) {
        diags.report(v.find("max")->range, diag::err_out_of_range, {"max", "greater than min", formatNumber(hi)});
        return false;
      }
      return true;
    }
    case Type::RefLines: return listOfMaps(f, v, {"label", "value"}, out, diags, refLine, 0);
    case Type::FormatRules: return listOfMaps(f, v, {"name", "threshold", "operator"}, out, diags, formatRule, 1);
  }
  return false;
}

}  // namespace mon
