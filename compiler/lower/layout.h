#pragma once
// Computes widget positions on Mackerel's 24-column grid: rows stack top to bottom, widgets
// of a row go left to right and share the columns not claimed by an explicit width;
// `x`/`y` place a widget by hand. Checks overflow and overlaps; the minimum and maximum sizes
// per kind are Mackerel's and apply only to dashboards that go to Mackerel (checkWidgetSize).
#include <vector>

#include "diag/diag_engine.h"
#include "ir/ir.h"

namespace mon {

struct LayoutRow {
  std::vector<ir::Widget*> widgets;
  int height = 0;  // 0: computed from the widgets
};

struct WidgetSize {
  int minW, minH, maxW, maxH, defaultH;
};
WidgetSize sizeLimits(ir::WidgetKind k);

/// Mackerel's size limits for a placed widget; reports and returns false when it does not fit.
bool checkWidgetSize(const ir::Widget& w, DiagEngine& diags);

/// Assigns `layout` to every widget. Returns false when the layout is invalid.
bool layoutDashboard(std::vector<LayoutRow>& rows, DiagEngine& diags);

}  // namespace mon
