// layoutDashboard(): rows, automatic widths, overflow, overlap and size limits.
#include <doctest/doctest.h>

#include "harness.h"
#include "lower/layout.h"

namespace {

using mon::ir::Widget;
using mon::ir::WidgetKind;

Widget widget(WidgetKind k, std::vector<std::pair<const char*, int>> props = {}, const char* title = "w") {
  Widget w;
  w.kind = k;
  w.title = title;
  w.range = mon::Range{0, 0, 1};
  for (auto [name, v] : props) w.props.set(name, v, mon::Range{0, 0, 1});
  return w;
}

struct Layout {
  std::vector<Widget> widgets;  // stable: reserved up front
  std::vector<std::vector<size_t>> rows;
  std::vector<int> heights;
  mon::DiagEngine diags;
  bool ok = false;

  Layout() { widgets.reserve(64); }
  void row(std::vector<Widget> ws, int height = 0) {
    rows.emplace_back();
    heights.push_back(height);
    for (auto& w : ws) {
      rows.back().push_back(widgets.size());
      widgets.push_back(std::move(w));
    }
  }
  bool run() {
    std::vector<mon::LayoutRow> rs;
    for (size_t i = 0; i < rows.size(); ++i) {
      mon::LayoutRow r;
      r.height = heights[i];
      for (size_t idx : rows[i]) r.widgets.push_back(&widgets[idx]);
      rs.push_back(std::move(r));
    }
    ok = mon::layoutDashboard(rs, diags);
    // As for a dashboard that goes to Mackerel: its size limits too.
    if (ok)
      for (const auto& w : widgets) ok = mon::checkWidgetSize(w, diags) && ok;
    CHECK(ok == !diags.hasErrors());
    return ok;
  }
  std::vector<int> xs() const {
    std::vector<int> out;
    for (const auto& w : widgets) out.push_back(w.layout.x);
    return out;
  }
  std::vector<int> widths() const {
    std::vector<int> out;
    for (const auto& w : widgets) out.push_back(w.layout.width);
    return out;
  }
};

}  // namespace

TEST_CASE("layout: automatic widths share the row") {
  Layout l;
  l.row({widget(WidgetKind::Graph), widget(WidgetKind::Graph)});
  l.row({widget(WidgetKind::Value), widget(WidgetKind::Value), widget(WidgetKind::Value)});
  REQUIRE(l.run());
  CHECK(l.widths() == std::vector<int>{12, 12, 8, 8, 8});
  CHECK(l.xs() == std::vector<int>{0, 12, 0, 8, 16});
  // Rows stack: the second row starts below the first (graph default height 8).
  CHECK(l.widgets[0].layout.y == 0);
  CHECK(l.widgets[2].layout.y == 8);
  CHECK(l.widgets[2].layout.height == 4);
}

TEST_CASE("layout: explicit widths, the rest shared, the last auto widget takes the remainder") {
  Layout l;
  l.row({widget(WidgetKind::Graph, {{"width", 10}}), widget(WidgetKind::Value), widget(WidgetKind::Value),
         widget(WidgetKind::Value)});
  REQUIRE(l.run());
  CHECK(l.widths() == std::vector<int>{10, 4, 4, 6});
  CHECK(l.xs() == std::vector<int>{0, 10, 14, 18});
}

TEST_CASE("layout: row height applies to every widget; tallest widget sets the next row") {
  Layout l;
  l.row({widget(WidgetKind::Graph), widget(WidgetKind::Markdown)}, 10);
  l.row({widget(WidgetKind::Graph, {{"height", 12}}), widget(WidgetKind::Value)});
  l.row({widget(WidgetKind::AlertStatus)});
  REQUIRE(l.run());
  CHECK(l.widgets[0].layout.height == 10);
  CHECK(l.widgets[1].layout.height == 10);
  CHECK(l.widgets[2].layout.y == 10);
  CHECK(l.widgets[2].layout.height == 12);
  CHECK(l.widgets[3].layout.height == 12);  // the row takes its tallest widget's height
  CHECK(l.widgets[4].layout.y == 22);
  CHECK(l.widgets[4].layout.width == 24);
}

TEST_CASE("layout: overflow") {
  Layout l;
  l.row({widget(WidgetKind::Graph, {{"width", 12}}), widget(WidgetKind::Graph, {{"width", 13}})});
  CHECK_FALSE(l.run());
  REQUIRE(montest::codes(l.diags) == std::vector<std::string>{"err_row_overflow"});
  CHECK(l.diags.all()[0].message == "row is 25 columns wide; the grid has 24");
  Layout m;
  m.row({widget(WidgetKind::Graph, {{"width", 24}}), widget(WidgetKind::Value)});
  CHECK_FALSE(m.run());
  CHECK(montest::codes(m.diags) == std::vector<std::string>{"err_row_overflow"});
}

TEST_CASE("layout: too many automatic widgets leave each one too narrow") {
  Layout l;
  std::vector<Widget> ws;
  for (int i = 0; i < 5; ++i) ws.push_back(widget(WidgetKind::Graph));
  l.row(std::move(ws));  // 24 / 5 = 4 columns, graphs need 6
  CHECK_FALSE(l.run());
  CHECK(montest::hasCode(l.diags, "err_widget_too_small"));
}

TEST_CASE("layout: minimum and maximum sizes per kind") {
  struct Case { WidgetKind kind; int w, h; bool ok; };
  Case cases[] = {{WidgetKind::Graph, 6, 6, true},      {WidgetKind::Graph, 5, 6, false},
                  {WidgetKind::Graph, 6, 5, false},     {WidgetKind::Value, 4, 4, true},
                  {WidgetKind::Value, 4, 3, false},     {WidgetKind::Markdown, 4, 2, true},
                  {WidgetKind::Markdown, 3, 2, false},  {WidgetKind::AlertStatus, 4, 3, true},
                  {WidgetKind::AlertStatus, 4, 2, false}, {WidgetKind::Graph, 6, 33, false},
                  {WidgetKind::Markdown, 6, 80, true}};
  for (const auto& c : cases) {
    CAPTURE(mon::ir::kindName(c.kind));
    CAPTURE(c.w);
    CAPTURE(c.h);
    Layout l;
    l.row({widget(c.kind, {{"width", c.w}, {"height", c.h}})});
    CHECK(l.run() == c.ok);
  }
  Layout small;
  small.row({widget(WidgetKind::Graph, {{"width", 4}})});
  small.run();
  REQUIRE(small.diags.all().size() == 1);
  CHECK(small.diags.all()[0].message == "graph widget must be at least 6 wide and 6 high, is 4x8");
}

TEST_CASE("layout: pinned widgets and overlaps") {
  Layout l;
  l.row({widget(WidgetKind::Graph, {{"x", 0}, {"y", 0}, {"width", 12}, {"height", 6}}, "first")});
  l.row({widget(WidgetKind::Graph, {{"x", 6}, {"y", 3}, {"width", 12}, {"height", 6}}, "second")});
  CHECK_FALSE(l.run());
  REQUIRE(montest::codes(l.diags) == std::vector<std::string>{"err_widget_overlap"});
  CHECK(l.diags.all()[0].message == "widget overlaps 'first'");
  REQUIRE(l.diags.all()[0].notes.size() == 1);

  Layout side;
  side.row({widget(WidgetKind::Graph, {{"x", 0}, {"y", 0}, {"width", 12}, {"height", 6}})});
  side.row({widget(WidgetKind::Graph, {{"x", 12}, {"y", 0}, {"width", 12}, {"height", 6}})});
  side.row({widget(WidgetKind::Value)});
  REQUIRE(side.run());
  CHECK(side.widgets[2].layout.y == 6);  // flowed below the pinned ones

  Layout half;
  half.row({widget(WidgetKind::Graph, {{"x", 3}})});
  CHECK_FALSE(half.run());
  CHECK(montest::codes(half.diags) == std::vector<std::string>{"err_positional_needs_xy"});

  Layout outside;
  outside.row({widget(WidgetKind::Graph, {{"x", 20}, {"y", 0}, {"width", 6}})});
  CHECK_FALSE(outside.run());
  CHECK(montest::codes(outside.diags) == std::vector<std::string>{"err_layout_outside"});
}
