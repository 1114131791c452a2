// Unit tests of Grafana's Zabbix data source queries (backends/grafana/zabbix_query.cpp): the
// functions' text form both ways, item filters, and taking a stored query apart and back.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "grafana/zabbix_query.h"

using namespace mon;
using namespace mon::grafana;
using Json = ir::Json;

namespace {

ir::Widget widget(const Json& props) {
  ir::Widget w;
  w.kind = ir::WidgetKind::Graph;
  w.title = "t";
  for (auto it = props.begin(); it != props.end(); ++it) w.props.set(it.key(), it.value(), Range{});
  return w;
}

}  // namespace

TEST_CASE("zabbix functions: text form to the stored object") {
  std::string why;
  auto g = zabbix_query::functionFromText("groupBy(5m, max)", why);
  REQUIRE(g);
  CHECK((*g)["text"] == "groupBy(5m, max)");
  CHECK((*g)["params"] == Json::array({"5m", "max"}));
  CHECK((*g)["def"]["name"] == "groupBy");
  CHECK((*g)["def"]["category"] == "Transform");
  CHECK((*g)["def"]["defaultParams"] == Json::array({"1m", "avg"}));
  CHECK((*g)["def"]["params"][1]["options"].size() == 8);
  // Numbers for int/float parameters; integral values as integers, as JavaScript writes them.
  auto s = zabbix_query::functionFromText("scale(0.001)", why);
  REQUIRE(s);
  CHECK((*s)["params"][0] == 0.001);
  CHECK((*s)["text"] == "scale(0.001)");
  auto m = zabbix_query::functionFromText("movingAverage( 10 )", why);
  REQUIRE(m);
  CHECK((*m)["params"][0].is_number_integer());
  CHECK((*m)["text"] == "movingAverage(10)");
  // The last parameter takes the rest: an alias may hold commas.
  auto a = zabbix_query::functionFromText("setAlias($__zbx_host_name, $__zbx_item)", why);
  REQUIRE(a);
  CHECK((*a)["params"] == Json::array({"$__zbx_host_name, $__zbx_item"}));
  auto r = zabbix_query::functionFromText("rate()", why);
  REQUIRE(r);
  CHECK((*r)["params"].empty());
  CHECK((*r)["text"] == "rate()");
}

TEST_CASE("zabbix functions: what the plugin would not take is refused with a reason") {
  std::string why;
  CHECK_FALSE(zabbix_query::functionFromText("smooth(3)", why));
  CHECK(why.find("unknown Zabbix data source function 'smooth'") != std::string::npos);
  CHECK_FALSE(zabbix_query::functionFromText("movingAverage(2.5)", why));
  CHECK(why.find("a whole number") != std::string::npos);
  CHECK_FALSE(zabbix_query::functionFromText("scale(ten)", why));
  CHECK_FALSE(zabbix_query::functionFromText("groupBy(1m)", why));
  CHECK(why.find("takes 2 parameter(s)") != std::string::npos);
  CHECK_FALSE(zabbix_query::functionFromText("rate(1)", why));
  CHECK_FALSE(zabbix_query::functionFromText("groupBy", why));
}

TEST_CASE("zabbix functions: the text form of a stored object only when it builds back the same") {
  std::string why;
  auto g = zabbix_query::functionFromText("percentile(1h, 99.9)", why);
  REQUIRE(g);
  CHECK(zabbix_query::functionText(*g) == std::optional<std::string>("percentile(1h, 99.9)"));
  Json edited = *g;
  edited["params"][1] = "99.9";  // the editor stores what was typed: a string
  CHECK_FALSE(zabbix_query::functionText(edited));
  Json oldDef = *g;
  oldDef["def"].erase("category");
  CHECK_FALSE(zabbix_query::functionText(oldDef));
  Json extra = *g;
  extra["added"] = true;  // keys beside def, params and text are the caller's to keep
  CHECK(zabbix_query::functionText(extra));
}

TEST_CASE("zabbix item filters: names, regexes and Zabbix wildcards") {
  CHECK(zabbix_query::filterOf("CPU utilization") == "CPU utilization");
  CHECK(zabbix_query::filterOf("/CPU (user|system)/") == "/CPU (user|system)/");
  CHECK(zabbix_query::filterOf("mysql.*") == "/^mysql\\..*$/");
  CHECK(zabbix_query::filterOf("Bits received on eth[0]*") == "/^Bits received on eth\\[0\\].*$/");
}

TEST_CASE("zabbix metrics query of a widget") {
  std::string why;
  Json ds = {{"type", "alexanderzobnin-zabbix-datasource"}, {"uid", "z"}};
  auto t = zabbix_query::metricsTarget(widget({{"query", "CPU utilization"}, {"host", "web-01"}, {"legend", "$__zbx_host_name"},
                                               {"functions", {"groupBy(1m, avg)"}}}),
                                       ds, why);
  REQUIRE(t);
  CHECK((*t)["queryType"] == "0");
  CHECK((*t)["datasource"] == ds);
  CHECK((*t)["group"]["filter"] == "/.*/");
  CHECK((*t)["host"]["filter"] == "web-01");
  CHECK((*t)["item"]["filter"] == "CPU utilization");
  CHECK((*t)["itemTag"]["filter"] == "");
  REQUIRE((*t)["functions"].size() == 2);
  CHECK((*t)["functions"][1]["text"] == "setAlias($__zbx_host_name)");
  CHECK_FALSE(zabbix_query::metricsTarget(widget({{"query", "x"}, {"functions", {"nope()"}}}), ds, why));
}

TEST_CASE("zabbix metrics query: extract and write back give the query as it was") {
  std::string why;
  auto f1 = zabbix_query::functionFromText("groupBy(5m, avg)", why);
  auto f2 = zabbix_query::functionFromText("setAlias(in, out)", why);
  (*f1)["added"] = true;
  Json original = {{"refId", "A"},
                   {"queryType", "0"},
                   {"group", {{"filter", "Linux servers"}, {"name", "Linux servers"}}},
                   {"host", {{"filter", "$host"}}},
                   {"application", {{"filter", ""}}},
                   {"itemTag", {{"filter", "component: cpu"}}},
                   {"item", {{"filter", "/CPU/"}}},
                   {"functions", {*f1, *f2}},
                   {"options", {{"showDisabledItems", true}}}};
  Json kept = original;
  auto f = zabbix_query::extract(kept);
  REQUIRE(f);
  CHECK(f->item == "/CPU/");
  CHECK(f->hostGroup == "Linux servers");
  CHECK(f->host == "$host");
  CHECK(f->itemTag == "component: cpu");
  CHECK(f->functions == std::vector<std::string>{"groupBy(5m, avg)"});
  CHECK(f->legend == "in, out");
  CHECK(kept["group"] == Json{{"name", "Linux servers"}});
  CHECK(kept["application"] == Json{{"filter", ""}});  // empty filters stay where they were
  CHECK(kept["functions"] == Json::array({{{"added", true}}, Json::object()}));
  ir::Widget w = widget({{"query", f->item}, {"host_group", f->hostGroup}, {"host", f->host}, {"item_tag", f->itemTag},
                         {"functions", f->functions}, {"legend", f->legend}});
  REQUIRE(zabbix_query::isMetricsQuery(kept));
  REQUIRE(zabbix_query::writeInto(kept, w, why));
  // Grafana reads objects, not their key order (filters are written back after the keys kept).
  CHECK(nlohmann::json::parse(kept.dump()) == nlohmann::json::parse(original.dump()));
}

TEST_CASE("zabbix metrics query: functions without a text form stay whole, and a new legend is their last setAlias") {
  std::string why;
  auto s = zabbix_query::functionFromText("scale(8)", why);
  (*s)["params"][0] = "8";
  Json original = {{"refId", "A"}, {"mode", 0}, {"item", {{"filter", "Incoming traffic"}}}, {"functions", {*s}}};
  Json kept = original;
  auto f = zabbix_query::extract(kept);
  REQUIRE(f);
  CHECK(f->functions.empty());
  CHECK(f->legend.empty());
  CHECK(kept["functions"] == original["functions"]);
  ir::Widget w = widget({{"query", "Incoming traffic"}, {"legend", "in"}});
  REQUIRE(zabbix_query::writeInto(kept, w, why));
  REQUIRE(kept["functions"].size() == 2);
  CHECK(kept["functions"][0] == *s);
  CHECK(kept["functions"][1]["text"] == "setAlias(in)");
}

TEST_CASE("zabbix metrics query: only metrics queries with an item filter are taken apart") {
  Json text = {{"refId", "A"}, {"queryType", "2"}, {"item", {{"filter", "Version"}}}};
  CHECK_FALSE(zabbix_query::extract(text));
  Json empty = {{"refId", "A"}, {"queryType", "0"}, {"item", {{"filter", ""}}}};
  CHECK_FALSE(zabbix_query::extract(empty));
  CHECK(empty["item"]["filter"] == "");
  Json literalStar = {{"refId", "A"}, {"queryType", "0"}, {"item", {{"filter", "Load (*)"}}}};
  CHECK_FALSE(zabbix_query::extract(literalStar));  // "*" would read back as a wildcard
  Json prom = {{"refId", "A"}, {"expr", "up"}};
  CHECK_FALSE(zabbix_query::extract(prom));
}
