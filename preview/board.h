#pragma once
// A dashboard as a picture sees it: its title and each widget's kind, title and place on the
// 24-column grid, in grid units. Backend-neutral: made from the IR (the layout the compiler
// computed, which every backend sends as is) or, by a backend, from a dashboard it read.
#include <string>
#include <vector>

#include "ir/ir.h"

namespace mon::preview {

/// The grid's width in columns (Mackerel's and Grafana's).
constexpr int kColumns = 24;

/// One widget: its kind in the DSL's words ("graph", "value", "markdown", "alert_status", or
/// what a system calls a kind the DSL lacks), its title, and its rectangle in grid units.
struct Box {
  std::string kind;
  std::string title;
  int x = 0, y = 0, w = 0, h = 0;
};

struct Board {
  std::string title;
  std::vector<Box> boxes;
  /// Rows down to the lowest widget's bottom edge (0 when there is none).
  int rows() const;
};

/// The picture of an IR dashboard, widgets in source order at their computed layout.
Board boardOf(const ir::Dashboard& d);

/// Members of a dashboard body a backend reads for its picture. A saved plan may have been
/// edited by hand, so any member may be missing or of another type: a string member or "",
/// a grid coordinate or size clamped to [0, 10000] or 0.
std::string stringMember(const ir::Json& j, const char* key);
int gridMember(const ir::Json& j, const char* key);

/// A file name for a dashboard's picture: its url_path with every character outside
/// [A-Za-z0-9._-] turned into '-' ("web/overview" -> "web-overview"); "dashboard" when empty.
std::string fileStem(const std::string& urlPath);

}  // namespace mon::preview
