#include "mackerel/import_layout.h"

#include <algorithm>

namespace mon::mackerel {

namespace {

constexpr int kColumns = 24;

// True when the widgets [b, e) can be laid out as a row starting at `autoY`.
bool flows(const std::vector<WidgetBox>& boxes, size_t b, size_t e, int autoY) {
  int x = 0;
  for (size_t i = b; i < e; ++i) {
    if (boxes[i].y != autoY || boxes[i].x != x || boxes[i].width <= 0 || boxes[i].height <= 0) return false;
    x += boxes[i].width;
  }
  return x <= kColumns;
}

// Widths the compiler gives n widgets without a width: equal shares, the last takes the rest.
bool equalShares(const std::vector<WidgetBox>& boxes, size_t b, size_t e) {
  int n = static_cast<int>(e - b);
  for (size_t i = b; i < e; ++i) {
    int share = i + 1 == e ? kColumns - (kColumns / n) * (n - 1) : kColumns / n;
    if (boxes[i].width != share) return false;
  }
  return true;
}

void planRow(const std::vector<WidgetBox>& boxes, size_t b, size_t e, LayoutPlan& plan) {
  LayoutItem item;
  int tallest = 0, sum = 0;
  for (size_t i = b; i < e; ++i) {
    item.widgets.push_back(i);
    tallest = std::max(tallest, boxes[i].height);
    sum += boxes[i].width;
  }
  if (e - b == 1) {
    plan.fields[b].width = boxes[b].width != kColumns;
    plan.fields[b].height = boxes[b].height != boxes[b].defaultHeight;
    plan.items.push_back(item);
    return;
  }
  item.row = true;
  // Widgets of the tallest height take the row's height; the others say their own.
  int computed = 0;
  for (size_t i = b; i < e; ++i) {
    plan.fields[i].height = boxes[i].height != tallest;
    computed = std::max(computed, plan.fields[i].height ? boxes[i].height : boxes[i].defaultHeight);
  }
  item.rowHeight = computed == tallest ? 0 : tallest;
  bool allAuto = equalShares(boxes, b, e);
  for (size_t i = b; i < e; ++i) {
    // When the row is full, the last widget without a width gets exactly the columns left.
    bool lastTakesRest = sum == kColumns && i + 1 == e;
    plan.fields[i].width = !allAuto && !lastTakesRest;
  }
  plan.items.push_back(item);
}

}  // namespace

LayoutPlan planLayout(const std::vector<WidgetBox>& boxes) {
  LayoutPlan plan;
  plan.fields.resize(boxes.size());
  int autoY = 0;  // where the compiler puts the next row
  size_t i = 0;
  while (i < boxes.size()) {
    if (!boxes[i].hasLayout) {
      plan.items.push_back(LayoutItem{{i}, false, 0});
      autoY += boxes[i].defaultHeight;
      ++i;
      continue;
    }
    size_t e = i + 1;
    while (e < boxes.size() && boxes[e].hasLayout && boxes[e].y == boxes[i].y) ++e;
    if (flows(boxes, i, e, autoY)) {
      planRow(boxes, i, e, plan);
      int tallest = 0;
      for (size_t k = i; k < e; ++k) tallest = std::max(tallest, boxes[k].height);
      autoY += tallest;
    } else {
      for (size_t k = i; k < e; ++k) {
        plan.fields[k] = LayoutFields{true, true, true, true};
        plan.items.push_back(LayoutItem{{k}, false, 0});
        autoY = std::max(autoY, boxes[k].y + boxes[k].height);
      }
    }
    i = e;
  }
  return plan;
}

}  // namespace mon::mackerel
