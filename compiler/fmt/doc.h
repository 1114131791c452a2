#pragma once
// A small pretty-printing document algebra (Wadler/Prettier style) for the formatter: text,
// line breaks that a group may flatten, nesting and groups. The unparser builds a Doc; render()
// picks, group by group from the outside in, the flat layout when it fits the width.
#include <memory>
#include <string>
#include <vector>

namespace mon::fmt {

struct Doc;
using DocPtr = std::shared_ptr<const Doc>;

enum class DocKind {
  Text,         // literal text without newlines
  Line,         // a space when flat, a newline when broken
  SoftLine,     // nothing when flat, a newline when broken
  HardLine,     // always a newline; forces every enclosing group to break
  BreakParent,  // no output; forces every enclosing group to break (after a `#` comment)
  Concat,
  Nest,         // children indented one level more after each newline
  Group,        // children flat if they fit, else broken
  IfBreak,      // parts[0] when the enclosing group is broken, parts[1] when flat
};

struct Doc {
  DocKind kind = DocKind::Text;
  std::string text;
  bool measured = true;  // Text only: false for trailing comments, which never force a break
  bool hard = false;     // contains a HardLine or BreakParent
  std::vector<DocPtr> parts;
};

DocPtr text(std::string s);
/// Text that does not count towards the width (a trailing comment).
DocPtr unmeasured(std::string s);
DocPtr line();
DocPtr softLine();
DocPtr hardLine();
DocPtr breakParent();
DocPtr concat(std::vector<DocPtr> parts);
DocPtr nest(DocPtr d);
DocPtr group(DocPtr d);
DocPtr ifBreak(DocPtr broken, DocPtr flat);

/// Lays out `d` in `width` columns with `indent` spaces per level. Lines never end in spaces.
std::string render(const DocPtr& d, int width, int indent);
/// Lays out `d` with every group flat (for `${...}` inside strings).
std::string renderFlat(const DocPtr& d);

}  // namespace mon::fmt
