#pragma once
// Which layout fields an imported dashboard needs so that the compiler's row layout
// (compiler/lower/layout.cpp) puts every widget exactly where the API JSON had it.
// Consecutive widgets with the same y that fill columns from x = 0 become a `row`; their
// width and height are written only where the automatic values differ. Anything else is
// pinned with x, y, width and height.
#include <cstddef>
#include <vector>

namespace mon::mackerel {

struct WidgetBox {
  bool hasLayout = false;  // false: the JSON has no usable layout; the compiler places it
  int x = 0, y = 0, width = 0, height = 0;
  int defaultHeight = 0;   // the compiler's default height for the widget kind
};

struct LayoutFields {
  bool x = false, y = false, width = false, height = false;
};

struct LayoutItem {
  std::vector<std::size_t> widgets;  // indexes into the boxes
  bool row = false;             // a `row { }` block (else one widget on its own)
  int rowHeight = 0;            // `height` of the row; 0: not written
};

struct LayoutPlan {
  std::vector<LayoutItem> items;
  std::vector<LayoutFields> fields;  // per widget
};

/// Plans rows and explicit layout fields for widgets in their JSON order.
LayoutPlan planLayout(const std::vector<WidgetBox>& boxes);

}  // namespace mon::mackerel
