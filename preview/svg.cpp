#include "svg.h"

#include <algorithm>

namespace mon::preview {

namespace {

struct KindStyle {
  const char* kind;
  const char* fill;
  const char* stroke;
};
// Light fills (the title stays readable) that differ enough to tell kinds apart at a glance.
constexpr KindStyle kStyles[] = {
    {"graph", "#cfe2ff", "#3d6cb3"},
    {"value", "#d3f2dc", "#2f8a4c"},
    {"markdown", "#fff0bf", "#a68a1e"},
    {"alert_status", "#f9d3d3", "#b33d3d"},
};
constexpr KindStyle kOther = {"", "#e4e4e4", "#6b6b6b"};

const KindStyle& styleOf(const std::string& kind) {
  for (const auto& s : kStyles)
    if (kind == s.kind) return s;
  return kOther;
}

// At most `n` characters (code points) of `s`, with "…" when cut; never splits a UTF-8 sequence.
std::string clip(const std::string& s, int n) {
  if (n < 1) return "";
  int count = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (++count > n) {
      size_t cut = i;
      // Step back to the start of the last kept code point, to leave room for the ellipsis.
      do --cut;
      while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80);
      return s.substr(0, cut) + "\xE2\x80\xA6";
    }
  }
  return s;
}

std::string num(int v) { return std::to_string(v); }

void grid(std::string& out, const Geometry& g, int rows) {
  int left = g.margin, top = g.header, right = left + kColumns * g.cellWidth, bottom = top + rows * g.cellHeight;
  out += "<g stroke=\"#e6e6e6\" stroke-width=\"1\">\n";
  for (int c = 0; c <= kColumns; ++c) {
    std::string x = num(left + c * g.cellWidth);
    out += "<line x1=\"" + x + "\" y1=\"" + num(top) + "\" x2=\"" + x + "\" y2=\"" + num(bottom) + "\"/>\n";
  }
  for (int r = 0; r <= rows; ++r) {
    std::string y = num(top + r * g.cellHeight);
    out += "<line x1=\"" + num(left) + "\" y1=\"" + y + "\" x2=\"" + num(right) + "\" y2=\"" + y + "\"/>\n";
  }
  out += "</g>\n";
}

void box(std::string& out, const Geometry& g, const Box& b) {
  const KindStyle& st = styleOf(b.kind);
  // Inset by 2 pixels so neighbouring boxes stay apart.
  int x = g.margin + b.x * g.cellWidth + 2, y = g.header + b.y * g.cellHeight + 2;
  int w = std::max(1, b.w * g.cellWidth - 4), h = std::max(1, b.h * g.cellHeight - 4);
  int chars = (w - 12) / 7;  // about 7 pixels a character at 12px
  std::string size = num(b.w) + "\xC3\x97" + num(b.h);
  out += "<g data-kind=\"" + xmlEscape(b.kind) + "\" data-x=\"" + num(b.x) + "\" data-y=\"" + num(b.y) + "\" data-w=\"" +
         num(b.w) + "\" data-h=\"" + num(b.h) + "\">\n";
  out += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) + "\" height=\"" + num(h) + "\" rx=\"3\" fill=\"" +
         st.fill + "\" stroke=\"" + st.stroke + "\" stroke-width=\"1\"/>\n";
  std::string title = b.title.empty() ? "(untitled)" : b.title;
  out += "<text x=\"" + num(x + 6) + "\" y=\"" + num(y + 16) +
         "\" font-family=\"sans-serif\" font-size=\"12\" font-weight=\"bold\" fill=\"#1f1f1f\">" +
         xmlEscape(clip(title, chars)) + "</text>\n";
  if (h >= 36)
    out += "<text x=\"" + num(x + 6) + "\" y=\"" + num(y + 32) +
           "\" font-family=\"sans-serif\" font-size=\"11\" fill=\"#4d4d4d\">" + xmlEscape(clip(b.kind + " " + size, chars)) +
           "</text>\n";
  out += "</g>\n";
}

}  // namespace

const char* fillOf(const std::string& kind) { return styleOf(kind).fill; }

std::string xmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? ' ' : c;
    }
  }
  return out;
}

std::string renderSvg(const Board& b, const Geometry& g) {
  int rows = std::max(1, b.rows());
  int width = 2 * g.margin + kColumns * g.cellWidth, height = g.header + rows * g.cellHeight + g.margin;
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(width) + "\" height=\"" + num(height) + "\" viewBox=\"0 0 " +
         num(width) + " " + num(height) + "\" data-origin-x=\"" + num(g.margin) + "\" data-origin-y=\"" + num(g.header) +
         "\" data-cell-width=\"" + num(g.cellWidth) + "\" data-cell-height=\"" + num(g.cellHeight) + "\" data-rows=\"" +
         num(rows) + "\">\n";
  out += "<title>" + xmlEscape(b.title) + "</title>\n";
  out += "<rect width=\"" + num(width) + "\" height=\"" + num(height) + "\" fill=\"#ffffff\"/>\n";
  out += "<text x=\"" + num(g.margin) + "\" y=\"30\" font-family=\"sans-serif\" font-size=\"18\" font-weight=\"bold\" fill=\"#1f1f1f\">" +
         xmlEscape(clip(b.title, (width - 2 * g.margin) / 10)) + "</text>\n";
  grid(out, g, rows);
  for (const auto& box_ : b.boxes) box(out, g, box_);
  out += "</svg>\n";
  return out;
}

}  // namespace mon::preview
