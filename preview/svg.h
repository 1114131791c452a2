#pragma once
// A dashboard picture as a standalone SVG: the title, the 24-column grid, and each widget as
// a box at its place, filled by kind, with its title, kind and size. Same bytes for the same
// board. The root element carries the grid's geometry (data-origin-x/y, data-cell-width/
// height) so a test can find a widget's pixels in a screenshot.
#include <string>

#include "board.h"

namespace mon::preview {

/// Pixel geometry of the picture (fixed: pictures of two versions line up).
struct Geometry {
  int margin = 16;      // around the grid, left, right and bottom
  int header = 48;      // above the grid, for the title
  int cellWidth = 40;   // one column
  int cellHeight = 24;  // one grid row
};

/// The fill of a kind's boxes ("#rrggbb"); grey for kinds the DSL does not have.
const char* fillOf(const std::string& kind);

/// The SVG of `b`.
std::string renderSvg(const Board& b, const Geometry& g = {});

/// `s` with &, <, >, " and ' as XML entities and control characters (which XML 1.0 cannot
/// hold) as spaces.
std::string xmlEscape(const std::string& s);

}  // namespace mon::preview
