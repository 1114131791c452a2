#include "lower/layout.h"

#include <algorithm>

namespace mon {

WidgetSize sizeLimits(ir::WidgetKind k) {
  switch (k) {
    case ir::WidgetKind::Graph: return {6, 6, 24, 32, 8};
    case ir::WidgetKind::Value: return {4, 4, 24, 32, 4};
    case ir::WidgetKind::Markdown: return {4, 2, 24, 80, 4};
    case ir::WidgetKind::AlertStatus: return {4, 3, 24, 32, 6};
  }
  return {1, 1, 24, 80, 6};
}

namespace {

int intProp(const ir::Widget& w, const char* name, int dflt) {
  const ir::Prop* p = w.props.find(name);
  return p && p->value.is_number_integer() ? p->value.get<int>() : dflt;
}

bool pinned(const ir::Widget& w) { return w.props.has("x") && w.props.has("y"); }

// The grid itself: 24 columns, whatever system shows the dashboard.
bool checkInsideGrid(const ir::Widget& w, DiagEngine& diags) {
  const auto& l = w.layout;
  if (l.x + l.width > 24) {
    diags.report(w.props.rangeOf("x", w.range), diag::err_layout_outside, {std::to_string(l.x), std::to_string(l.width)});
    return false;
  }
  return true;
}

bool overlaps(const ir::Layout& a, const ir::Layout& b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

}  // namespace

bool checkWidgetSize(const ir::Widget& w, DiagEngine& diags) {
  WidgetSize s = sizeLimits(w.kind);
  const auto& l = w.layout;
  std::vector<std::string> args = {ir::kindName(w.kind), "", "", std::to_string(l.width), std::to_string(l.height)};
  if (l.width < s.minW || l.height < s.minH) {
    args[1] = std::to_string(s.minW);
    args[2] = std::to_string(s.minH);
    Range at = l.width < s.minW ? w.props.rangeOf("width", w.range) : w.props.rangeOf("height", w.range);
    diags.report(at, diag::err_widget_too_small, args);
    return false;
  }
  if (l.width > s.maxW || l.height > s.maxH) {
    args[1] = std::to_string(s.maxW);
    args[2] = std::to_string(s.maxH);
    diags.report(l.height > s.maxH ? w.props.rangeOf("height", w.range) : w.props.rangeOf("width", w.range), diag::err_widget_too_large, args);
    return false;
  }
  return true;
}

bool layoutDashboard(std::vector<LayoutRow>& rows, DiagEngine& diags) {
  bool ok = true;
  int y = 0;
  std::vector<ir::Widget*> placed;
  for (auto& row : rows) {
    std::vector<ir::Widget*> flow;
    for (ir::Widget* w : row.widgets) {
      if (w->props.has("x") != w->props.has("y")) {
        diags.report(w->props.rangeOf(w->props.has("x") ? "x" : "y", w->range), diag::err_positional_needs_xy);
        ok = false;
        continue;
      }
      if (pinned(*w)) {
        WidgetSize s = sizeLimits(w->kind);
        w->layout = {intProp(*w, "x", 0), intProp(*w, "y", 0), intProp(*w, "width", std::max(s.minW, 12)),
                     intProp(*w, "height", row.height ? row.height : s.defaultH)};
      } else {
        flow.push_back(w);
      }
    }
    int fixed = 0, autoCount = 0, rowHeight = row.height;
    for (ir::Widget* w : flow) {
      if (w->props.has("width")) fixed += intProp(*w, "width", 0);
      else ++autoCount;
      if (!row.height) rowHeight = std::max(rowHeight, intProp(*w, "height", sizeLimits(w->kind).defaultH));
    }
    int spare = 24 - fixed;
    if (fixed > 24 || (autoCount && spare < autoCount)) {
      Range at = flow.empty() ? Range{} : flow.back()->range;
      diags.report(at, diag::err_row_overflow, {std::to_string(fixed + autoCount * 1)});
      ok = false;
      continue;
    }
    int x = 0, autoSeen = 0;
    for (ir::Widget* w : flow) {
      int width;
      if (w->props.has("width")) {
        width = intProp(*w, "width", 0);
      } else {
        // Share the spare columns; the last automatic widget takes the remainder.
        ++autoSeen;
        width = autoSeen == autoCount ? spare - (spare / autoCount) * (autoCount - 1) : spare / autoCount;
      }
      w->layout = {x, y, width, intProp(*w, "height", rowHeight)};
      x += width;
    }
    int tallest = 0;
    for (ir::Widget* w : flow) tallest = std::max(tallest, w->layout.height);
    y += tallest;
    for (ir::Widget* w : row.widgets) {
      if (w->layout.width == 0) continue;  // not placed (reported above)
      if (!checkInsideGrid(*w, diags)) {
        ok = false;
        continue;
      }
      for (ir::Widget* other : placed)
        if (overlaps(w->layout, other->layout)) {
          diags.report(w->range, diag::err_widget_overlap, {other->title.empty() ? ir::kindName(other->kind) : other->title})
              .note(other->range, "overlapped widget defined here");
          ok = false;
          break;
        }
      placed.push_back(w);
      if (pinned(*w)) y = std::max(y, w->layout.y + w->layout.height);
    }
  }
  return ok;
}

}  // namespace mon
