// Dashboard pictures: XML escaping, file names, the SVG's boxes, and the before side of a
// planned change rebuilt from its body and fields (engine/plan_sides.h).
#include <doctest/doctest.h>

#include "plan_sides.h"
#include "preview/board.h"
#include "preview/svg.h"

namespace {

using mon::engine::Json;

TEST_CASE("xmlEscape turns markup and control characters into text") {
  CHECK(mon::preview::xmlEscape("a<b>&\"c'\n") == "a&lt;b&gt;&amp;&quot;c&apos; ");
  CHECK(mon::preview::xmlEscape("caf\xC3\xA9") == "caf\xC3\xA9");
}

TEST_CASE("fileStem keeps names inside the directory") {
  CHECK(mon::preview::fileStem("web/overview") == "web-overview");
  CHECK(mon::preview::fileStem("../x") == "-.-x");  // no separator, no leading dot
  CHECK(mon::preview::fileStem("..") == "-.");
  CHECK(mon::preview::fileStem("") == "dashboard");
}

TEST_CASE("members of a hand-edited body never throw and stay on the grid") {
  Json w = Json::parse(R"({"title": 5, "type": "graph", "layout": {"x": 1e300, "y": -3, "width": 2.5, "height": "4"}})");
  CHECK(mon::preview::stringMember(w, "title").empty());
  CHECK(mon::preview::stringMember(w, "type") == "graph");
  CHECK(mon::preview::stringMember(Json::array(), "type").empty());
  CHECK(mon::preview::gridMember(w["layout"], "x") == 10000);
  CHECK(mon::preview::gridMember(w["layout"], "y") == 0);
  CHECK(mon::preview::gridMember(w["layout"], "width") == 2);
  CHECK(mon::preview::gridMember(w["layout"], "height") == 0);
}

TEST_CASE("renderSvg places a box at its grid position and clips long titles") {
  mon::preview::Board b{"T", {{"graph", std::string(200, 'x'), 2, 3, 6, 8}}};
  std::string svg = mon::preview::renderSvg(b);
  // margin 16 + 2 columns of 40 + 2 inset; header 48 + 3 rows of 24 + 2 inset.
  CHECK(svg.find("<rect x=\"98\" y=\"122\" width=\"236\" height=\"188\"") != std::string::npos);
  CHECK(svg.find("data-rows=\"11\"") != std::string::npos);
  CHECK(svg.find(std::string(200, 'x')) == std::string::npos);
  CHECK(svg.find("\xE2\x80\xA6") != std::string::npos);
  CHECK(svg == mon::preview::renderSvg(b));
}

mon::engine::Change change(Json body, std::vector<mon::engine::FieldChange> fields) {
  mon::engine::Change c{};
  c.body = std::move(body);
  c.fields = std::move(fields);
  return c;
}

TEST_CASE("bodyBefore sets back old values and drops what the change adds") {
  Json after = Json::parse(R"({"title": "new", "memo": "m", "widgets": [{"layout": {"x": 0}}, {"layout": {"x": 8}}]})");
  auto c = change(after, {{"title", "old", "new"},
                          {"widgets[0].layout.x", 4, 0},
                          {"widgets[1]", nullptr, after["widgets"][1], false, true},
                          {"memo", nullptr, "m", false, true}});
  Json before;
  REQUIRE(mon::engine::bodyBefore(c, before));
  CHECK(before == Json::parse(R"({"title": "old", "widgets": [{"layout": {"x": 4}}]})"));
}

TEST_CASE("bodyBefore restores removed array elements and refuses paths that do not fit") {
  Json after = Json::parse(R"({"widgets": [{"a": 1}]})");
  Json before;
  REQUIRE(mon::engine::bodyBefore(change(after, {{"widgets[1]", Json{{"a", 2}}, nullptr, true, false}}), before));
  CHECK(before == Json::parse(R"({"widgets": [{"a": 1}, {"a": 2}]})"));
  CHECK_FALSE(mon::engine::bodyBefore(change(after, {{"widgets[x]", 1, 2}}), before));
  CHECK_FALSE(mon::engine::bodyBefore(change(after, {{"widgets[0].a.b", 1, 2}}), before));
  CHECK_FALSE(mon::engine::bodyBefore(change(nullptr, {}), before));
}

}  // namespace
