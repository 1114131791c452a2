#include "grafana/zabbix_query.h"

#include <cmath>
#include <regex>

#include "grafana/grafana.h"
#include "support/text.h"

namespace mon::grafana::zabbix_query {

namespace {

struct Param {
  const char* name;
  const char* type;  // "string", "int" or "float", as the plugin declares it
  std::vector<Json> options;
};
struct FuncDef {
  const char* name;
  const char* category;
  std::vector<Param> params;
  std::vector<Json> defaultParams;
};

// The plugin's function definitions (its metricFunctions.ts), which it stores in each query's
// `functions[].def`: writing the same def makes a built query look as the editor saves it.
const std::vector<FuncDef>& defs() {
  static const std::vector<Json> aggs = {"avg", "min", "max", "sum", "count", "median", "first", "last"};
  static const std::vector<Json> trendAggs = {"avg", "min", "max", "sum", "count"};
  static const std::vector<Json> percents = {25, 50, 75, 90, 95, 99, 99.9};
  static const std::vector<FuncDef> all = {
      {"groupBy", "Transform", {{"interval", "string", {}}, {"function", "string", aggs}}, {"1m", "avg"}},
      {"scale", "Transform", {{"factor", "float", {100, 0.01, 10, -1}}}, {100}},
      {"offset", "Transform", {{"delta", "float", {-100, 100}}}, {100}},
      {"delta", "Transform", {}, {}},
      {"rate", "Transform", {}, {}},
      {"movingAverage", "Transform", {{"factor", "int", {6, 10, 60, 100, 600}}}, {10}},
      {"exponentialMovingAverage", "Transform", {{"smoothing", "float", {6, 10, 60, 100, 600}}}, {0.2}},
      {"percentile", "Transform", {{"interval", "string", {}}, {"percent", "float", percents}}, {"1m", 95}},
      {"removeAboveValue", "Transform", {{"number", "float", {}}}, {0}},
      {"removeBelowValue", "Transform", {{"number", "float", {}}}, {0}},
      {"transformNull", "Transform", {{"number", "float", {}}}, {0}},
      {"aggregateBy", "Aggregate", {{"interval", "string", {}}, {"function", "string", aggs}}, {"1m", "avg"}},
      {"sumSeries", "Aggregate", {}, {}},
      {"percentileAgg", "Aggregate", {{"interval", "string", {}}, {"percent", "float", percents}}, {"1m", 95}},
      {"top", "Filter", {{"number", "int", {}}, {"value", "string", aggs}}, {5, "avg"}},
      {"bottom", "Filter", {{"number", "int", {}}, {"value", "string", aggs}}, {5, "avg"}},
      {"sortSeries", "Filter", {{"direction", "string", {"asc", "desc"}}}, {"asc"}},
      {"trendValue", "Trends", {{"type", "string", trendAggs}}, {"avg"}},
      {"timeShift", "Time", {{"interval", "string", {"24h", "7d", "1M", "+24h", "-24h"}}}, {"24h"}},
      {"setAlias", "Alias", {{"alias", "string", {}}}, {}},
      {"setAliasByRegex", "Alias", {{"aliasByRegex", "string", {}}}, {}},
      {"replaceAlias", "Alias", {{"regexp", "string", {}}, {"newAlias", "string", {}}}, {"/(.*)/", "$1"}},
      {"consolidateBy", "Special", {{"type", "string", trendAggs}}, {"avg"}},
  };
  return all;
}

const FuncDef* findDef(const std::string& name) {
  for (const auto& d : defs())
    if (name == d.name) return &d;
  return nullptr;
}

Json defJson(const FuncDef& d) {
  Json params = Json::array();
  for (const auto& p : d.params) {
    Json pj = {{"name", p.name}, {"type", p.type}};
    if (!p.options.empty()) pj["options"] = p.options;
    params.push_back(std::move(pj));
  }
  return {{"name", d.name}, {"category", d.category}, {"params", params}, {"defaultParams", d.defaultParams}};
}

// A number as JavaScript's String() writes it (the plugin's `text` joins params that way).
std::string jsNumber(const Json& v) {
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  return formatNumber(v.get<double>());
}

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(' '), b = s.find_last_not_of(' ');
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

std::optional<Json> number(const std::string& s, bool whole) {
  static const std::regex re(R"(^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$)");
  if (!std::regex_match(s, re)) return std::nullopt;
  double v = std::strtod(s.c_str(), nullptr);
  if (!std::isfinite(v)) return std::nullopt;
  if (v == std::floor(v) && std::fabs(v) < 9e15) return Json(static_cast<long long>(v));
  if (whole) return std::nullopt;
  return Json(v);
}

Json filterObject(const std::string& filter) { return {{"filter", filter}}; }

bool isRegex(const std::string& s) { return s.size() >= 2 && s.front() == '/' && s.rfind('/') > 0; }

}  // namespace

std::optional<Json> functionFromText(const std::string& text, std::string& why) {
  size_t open = text.find('(');
  if (open == std::string::npos || text.empty() || text.back() != ')') {
    why = "'" + text + "' is not a function call such as \"groupBy(1m, avg)\"";
    return std::nullopt;
  }
  std::string name = trim(text.substr(0, open));
  const FuncDef* d = findDef(name);
  if (!d) {
    why = "unknown Zabbix data source function '" + name + "' (docs/backends.md lists the " + std::to_string(defs().size()) +
          " the plugin has)";
    return std::nullopt;
  }
  std::string inner = text.substr(open + 1, text.size() - open - 2);
  // Parameters are separated by commas; the last one takes the rest, so an alias may hold commas.
  std::vector<std::string> parts;
  if (!trim(inner).empty()) {
    size_t at = 0;
    while (parts.size() + 1 < d->params.size()) {
      size_t comma = inner.find(',', at);
      if (comma == std::string::npos) break;
      parts.push_back(trim(inner.substr(at, comma - at)));
      at = comma + 1;
    }
    parts.push_back(trim(inner.substr(at)));
  }
  if (parts.size() != d->params.size()) {
    why = std::string("'") + d->name + "' takes " + std::to_string(d->params.size()) + " parameter(s), '" + text + "' gives " +
          std::to_string(parts.size());
    return std::nullopt;
  }
  Json params = Json::array();
  std::string shown;
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string type = d->params[i].type;
    if (type == "string") {
      params.push_back(parts[i]);
      shown += (i ? ", " : "") + parts[i];
      continue;
    }
    std::optional<Json> n = number(parts[i], type == "int");
    if (!n) {
      why = std::string("parameter '") + d->params[i].name + "' of '" + d->name + "' takes " +
            (type == "int" ? "a whole number" : "a number") + ", not '" + parts[i] + "'";
      return std::nullopt;
    }
    shown += (i ? ", " : "") + jsNumber(*n);
    params.push_back(std::move(*n));
  }
  return Json{{"def", defJson(*d)}, {"params", params}, {"text", std::string(d->name) + "(" + shown + ")"}};
}

std::optional<std::string> functionText(const Json& f) {
  if (!f.is_object() || !f.contains("def") || !f["def"].is_object() || !f.contains("text") || !f["text"].is_string())
    return std::nullopt;
  std::string text = f["text"].get<std::string>();
  std::string why;
  std::optional<Json> back = functionFromText(text, why);
  if (!back) return std::nullopt;
  for (const char* k : {"def", "params", "text"})
    if (!f.contains(k) || f[k] != (*back)[k]) return std::nullopt;
  return text;
}

std::string filterOf(const std::string& field) {
  if (isRegex(field) || field.find('*') == std::string::npos) return field;
  std::string re = "/^";
  for (char c : field) {
    if (c == '*') re += ".*";
    else if (std::string("\\^$.|?+()[]{}/").find(c) != std::string::npos) re += std::string("\\") + c;
    else re += c;
  }
  return re + "$/";
}

std::optional<Json> functions(const ir::Widget& w, std::string& why) {
  Json list = Json::array();
  if (const ir::Prop* p = w.props.find("functions"); p && p->value.is_array())
    for (const auto& t : p->value) {
      std::optional<Json> f = functionFromText(t.get<std::string>(), why);
      if (!f) return std::nullopt;
      list.push_back(std::move(*f));
    }
  if (w.props.has("legend")) {
    std::optional<Json> alias = functionFromText("setAlias(" + w.props.str("legend") + ")", why);
    if (!alias) return std::nullopt;
    list.push_back(std::move(*alias));
  }
  return list;
}

std::optional<Json> metricsTarget(const ir::Widget& w, const Json& datasource, std::string& why) {
  std::optional<Json> fns = functions(w, why);
  if (!fns) return std::nullopt;
  auto filter = [&](const char* field) {
    std::string v = w.props.str(field);
    return filterObject(v.empty() ? "/.*/" : filterOf(v));
  };
  // The plugin's default query with the widget's filters; every group and host when unnamed.
  return Json{{"refId", "A"},
              {"datasource", datasource},
              {"queryType", "0"},
              {"schema", 12},
              {"group", filter("host_group")},
              {"host", filter("host")},
              {"application", filterObject("")},
              {"itemTag", filterObject(w.props.str("item_tag"))},
              {"item", filterObject(filterOf(w.props.str("query")))},
              {"functions", *fns},
              {"options",
               {{"showDisabledItems", false},
                {"skipEmptyValues", false},
                {"disableDataAlignment", false},
                {"useZabbixValueMapping", false},
                {"useTrends", "default"}}}};
}

bool isMetricsQuery(const Json& target) {
  if (!target.is_object() || target.contains("expr") || !target.contains("item") || !target["item"].is_object()) return false;
  const Json& q = target.contains("queryType") ? target["queryType"] : target.value("mode", Json(0));
  return q == "0" || q == 0;
}

bool writeInto(Json& target, const ir::Widget& w, std::string& why) {
  target["item"]["filter"] = filterOf(w.props.str("query"));
  const std::pair<const char*, const char*> filters[] = {{"host_group", "group"}, {"host", "host"}, {"item_tag", "itemTag"}};
  for (const auto& [field, key] : filters)
    if (w.props.has(field)) {
      if (!target.contains(key) || !target[key].is_object()) target[key] = Json::object();
      target[key]["filter"] = field == std::string("item_tag") ? w.props.str(field) : filterOf(w.props.str(field));
    }
  if (!w.props.has("functions") && !w.props.has("legend")) return true;
  const Json kept = target.value("functions", Json::array());
  bool keptWhole = kept.is_array() && !kept.empty();
  for (const auto& f : kept) keptWhole = keptWhole && f.is_object() && f.contains("def");
  if (!w.props.has("functions") && keptWhole) {
    // The panel kept its functions whole (not all had a text form): the legend is the last
    // setAlias, replaced or added.
    std::optional<Json> alias = functionFromText("setAlias(" + w.props.str("legend") + ")", why);
    if (!alias) return false;
    Json& list = target["functions"];
    Json& last = list.back();
    if (last["def"].value("name", "") == "setAlias") {
      last["params"] = (*alias)["params"];
      last["text"] = (*alias)["text"];
    } else {
      list.push_back(std::move(*alias));
    }
    return true;
  }
  std::optional<Json> fns = functions(w, why);
  if (!fns) return false;
  for (size_t i = 0; i < fns->size(); ++i)
    if (kept.is_array() && kept.size() == fns->size() && kept[i].is_object()) {
      Json f = kept[i];
      for (auto it = (*fns)[i].begin(); it != (*fns)[i].end(); ++it) f[it.key()] = it.value();
      (*fns)[i] = std::move(f);
    }
  target["functions"] = std::move(*fns);
  return true;
}

std::optional<Fields> extract(Json& target) {
  if (!isMetricsQuery(target)) return std::nullopt;
  // A filter taken into a field must build back as it was: not a name with '*' (which the
  // field reads as Zabbix's wildcard; the plugin, as the character).
  auto modeled = [](const Json& o) {
    if (!o.is_object() || !o.contains("filter") || !o["filter"].is_string()) return false;
    const std::string s = o["filter"].get<std::string>();
    return !s.empty() && filterOf(s) == s;
  };
  if (!modeled(target["item"])) return std::nullopt;
  const Json& item = target["item"];
  Fields f;
  f.item = item["filter"].get<std::string>();
  target["item"].erase("filter");
  // A filter object keeps its other keys (a legacy `name`); an empty filter stays as it is.
  auto take = [&](const char* key, std::string& into) {
    if (!target.contains(key) || !modeled(target[key])) return;
    into = target[key]["filter"].get<std::string>();
    target[key].erase("filter");
  };
  take("group", f.hostGroup);
  take("host", f.host);
  take("itemTag", f.itemTag);
  if (!target.contains("functions") || !target["functions"].is_array() || target["functions"].empty()) return f;
  // Functions become text only all together (their order is the processing order), and a last
  // setAlias becomes the legend; each object keeps what its text does not give back.
  Json& list = target["functions"];
  std::vector<std::string> texts;
  for (const auto& fn : list) {
    std::optional<std::string> t = functionText(fn);
    if (!t) return f;
    texts.push_back(*t);
  }
  const Json& last = list.back();
  if (last["def"]["name"] == "setAlias" && last["params"][0].is_string()) {
    f.legend = last["params"][0].get<std::string>();
    texts.pop_back();
  }
  f.functions = texts;
  bool rest = false;
  for (auto& fn : list) {
    for (const char* k : {"def", "params", "text"}) fn.erase(k);
    rest = rest || !fn.empty();
  }
  if (!rest) target.erase("functions");
  return f;
}

}  // namespace mon::grafana::zabbix_query
