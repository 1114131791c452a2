#include "cloudwatch/dashboard_source.h"

#include <algorithm>
#include <regex>

#include "cloudwatch/dashboard.h"
#include "prometheus/mon_source.h"

namespace mon::cloudwatch {

namespace {

using Json = ir::Json;

struct Fields {
  std::string out;
  void add(const std::string& k, const std::string& v) { out += "    " + k + " = " + v + "\n"; }
};

bool isString(const Json& o, const char* k) { return o.is_object() && o.contains(k) && o[k].is_string(); }

// The seconds of "-PT3H" when dashboard.cpp writes exactly that for them, else -1.
long long relativeStart(const Json& v) {
  static const std::regex re("-PT([1-9][0-9]{0,8})([HMS])");
  std::smatch m;
  if (!v.is_string()) return -1;
  const std::string s = v.get<std::string>();
  if (!std::regex_match(s, m, re)) return -1;
  long long n = std::stoll(m[1].str()) * (m[2].str() == "H" ? 3600 : m[2].str() == "M" ? 60 : 1);
  long long unit = n % 3600 == 0 ? 3600 : n % 60 == 0 ? 60 : 1;
  return (m[2].str() == "H" ? 3600 : m[2].str() == "M" ? 60 : 1) == unit ? n : -1;
}

// The expression a metric widget shows as its query: metrics[0] = [{expression, label?, id: "q1"}].
bool leadingExpression(const Json& props) {
  if (!props.contains("metrics") || !props["metrics"].is_array() || props["metrics"].empty()) return false;
  const Json& first = props["metrics"][0];
  if (!first.is_array() || first.size() != 1 || !first[0].is_object()) return false;
  const Json& e = first[0];
  for (auto it = e.begin(); it != e.end(); ++it)
    if (it.key() != "expression" && it.key() != "label" && it.key() != "id") return false;
  return isString(e, "expression") && !e["expression"].get<std::string>().empty() && e.value("id", Json()) == Json("q1") &&
         (!e.contains("label") || e["label"].is_string());
}

void dropEmpty(Json& o, const char* k) {
  if (o.contains(k) && o[k].is_object() && o[k].empty()) o.erase(k);
}

// The axis (min, max and label of the left axis) as value_range and unit.
void axis(Json& props, Fields& f) {
  if (!props.contains("yAxis") || !props["yAxis"].is_object() || !props["yAxis"].contains("left") || !props["yAxis"]["left"].is_object())
    return;
  Json& left = props["yAxis"]["left"];
  std::string range;
  for (const char* k : {"min", "max"})
    if (left.contains(k) && left[k].is_number()) {
      range += (range.empty() ? "" : ", ") + std::string(k) + " = " + source::value(left[k]);
      left.erase(k);
    }
  if (!range.empty()) f.add("value_range", "{ " + range + " }");
  if (isString(left, "label") && !left["label"].get<std::string>().empty() && left["label"].get<std::string>().size() <= 64) {
    f.add("unit", source::quote(left["label"].get<std::string>()));
    left.erase("label");
  }
  dropEmpty(props["yAxis"], "left");
  dropEmpty(props, "yAxis");
}

// Horizontal annotations with a label the language takes (1 to 32 characters) and a value of
// at least 0, and nothing else, as reference_lines.
void referenceLines(Json& props, Fields& f) {
  if (!props.contains("annotations") || !props["annotations"].is_object() || props["annotations"].size() != 1) return;
  const Json& h = props["annotations"].value("horizontal", Json());
  if (!h.is_array() || h.empty()) return;
  std::string list;
  for (const auto& a : h) {
    if (!a.is_object() || a.size() != 2 || !isString(a, "label") || !a.contains("value") || !a["value"].is_number()) return;
    std::string label = a["label"].get<std::string>();
    size_t len = std::count_if(label.begin(), label.end(), [](char c) { return c != ' ' && (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
    if (len < 1 || len > 32 || a["value"].get<double>() < 0) return;
    list += (list.empty() ? "" : ", ") + std::string("{ label = ") + source::quote(label) + ", value = " + source::value(a["value"]) + " }";
  }
  f.add("reference_lines", "[" + list + "]");
  props.erase("annotations");
}

}  // namespace

std::string dashboardSource(const std::string& name, const Json& body, const std::string& target, std::vector<std::string>& warnings) {
  std::string at = "dashboard '" + name + "'";
  if (!body.is_object() || !body.contains("widgets") || !body["widgets"].is_array()) {
    warnings.push_back(at + ": skipped: its body is not a dashboard body with a widgets list");
    return "";
  }
  if (source::depth(body) + 1 > source::kMaxValueDepth) {
    warnings.push_back(at + ": skipped: nested deeper than .mon source takes");
    return "";
  }
  const Json& ws = body["widgets"];
  std::string title = name, memo;
  size_t first = 0;
  int shift = 0;
  if (!ws.empty() && readHeader(ws[0], title, memo)) {
    first = 1;
    shift = headerHeight(memo);
  }
  std::string out = "dashboard " + source::quote(title.empty() ? name : title) + " {\n  url_path = " + source::quote(name) + "\n";
  if (title.empty()) warnings.push_back(at + ": its header has no title; the dashboard is called after its name");
  if (!memo.empty()) out += "  memo = " + source::quote(memo) + "\n";
  Json raw = body;
  raw.erase("widgets");
  if (!raw.empty()) out += "  raw = " + source::value(raw) + "\n";
  if (!target.empty()) out += "  targets = [" + source::quote(target) + "]\n";
  for (size_t i = first; i < ws.size(); ++i) {
    const Json& w = ws[i];
    std::string wat = at + ": widget " + std::to_string(i + 1);
    if (!w.is_object()) {
      warnings.push_back(wat + ": skipped: not an object");
      continue;
    }
    Json props = w.value("properties", Json::object());
    std::string type = w.value("type", "");
    std::string wtitle = isString(props, "title") ? props["title"].get<std::string>() : "";
    Fields f;
    std::string kind = "markdown";
    Json rest;  // the widget's `raw`
    if (type == "metric" && props.is_object() && leadingExpression(props) &&
        (props.value("view", Json()) == Json("timeSeries") || props.value("view", Json()) == Json("singleValue"))) {
      bool graph = props["view"] == "timeSeries";
      kind = graph ? "graph" : "value";
      const Json e = props["metrics"][0][0];
      f.add("query", source::quote(e["expression"].get<std::string>()));
      if (e.contains("label")) f.add("legend", source::quote(e["label"].get<std::string>()));
      props["metrics"].erase(props["metrics"].begin());
      if (props["metrics"].empty()) props.erase("metrics");
      props.erase("view");
      if (!wtitle.empty()) props.erase("title");
      if (graph) {
        axis(props, f);
        referenceLines(props, f);
        if (props.contains("start") && !props.contains("end") && relativeStart(props["start"]) > 0) {
          f.add("range", "{ period = " + source::duration(relativeStart(props["start"])) + " }");
          props.erase("start");
        }
      }
      rest = props;  // the region, the metrics the expression reads, the rest of the properties
    } else if (type == "text" && isString(props, "markdown")) {
      f.add("text", source::quote(props["markdown"].get<std::string>()));
      props.erase("markdown");
      rest = props;
    } else {
      // Kept as CloudWatch has it (alarm, log, explorer widgets, plain metric lists ...).
      Json kept = w;
      for (const char* k : {"x", "y", "width", "height"}) kept.erase(k);
      if (!wtitle.empty()) kept["properties"].erase("title");
      rest = {{"cloudwatch_widget", kept}};
    }
    if (!rest.empty()) f.add("raw", source::value(rest));
    auto grid = [&](const char* k, long long dflt, long long lo, long long hi, long long minus) {
      bool given = w.contains(k) && w[k].is_number_integer();
      long long v = (given ? w[k].get<long long>() : dflt) - minus;
      if (!given) warnings.push_back(wat + ": no " + k + "; placed at " + std::to_string(std::clamp(v, lo, hi)));
      else if (v < lo || v > hi)
        warnings.push_back(wat + ": " + k + " " + std::to_string(v + minus) + " moved into " + std::to_string(lo) + ".." + std::to_string(hi));
      f.add(k, std::to_string(std::clamp(v, lo, hi)));
    };
    grid("x", 0, 0, 23, 0);
    grid("y", shift, 0, 100000, shift);
    grid("width", 6, 1, 24, 0);
    grid("height", 6, 1, 80, 0);
    out += "  " + kind + " " + source::quote(wtitle) + " {\n" + f.out + "  }\n";
  }
  return out + "}\n";
}

}  // namespace mon::cloudwatch
