// The canonical layout of a .mon file. format() runs two small passes and a renderer:
//   attachComments (trivia.cpp)  hangs each comment on the nearest statement, item or body;
//   unparse (unparse.cpp)        turns the AST plus comments into a layout Doc;
//   render (doc.cpp)             lays the Doc out in 100 columns.
//
// Layout rules:
//   - 2-space indentation, one statement per line, LF line endings, no trailing spaces, and
//     exactly one newline at the end (an empty file stays empty).
//   - `name = value`, `let name = value`, named arguments and parameter defaults: one space
//     each side of `=`; nothing is aligned. Map entries are always written `key = value`
//     (never `key: value`); keys stay bare unless they were quoted.
//   - Blocks: `type label... {`, the body one level in, `}` on its own line; an empty body is
//     `{}`. The same for template, for, if/else (`} else {`, `} else if c {`).
//   - Blank lines: at most one where the source had one or more; none right after `{` or
//     before `}`; always one between two top-level statements when either has a body.
//   - Lists `[a, b]`, maps `{ a = 1, b = 2 }`, argument and parameter lists stay on one line
//     when they fit in 100 columns; otherwise one item per line with a trailing comma. A
//     sequence holding a comment is always broken.
//   - Literals keep their spelling (`1e3`, `1h30m`). Strings are re-escaped from their decoded
//     text with the escapes the lexer reads (`\" \\ \n \t \r \${`, `\u{..}` for other
//     control characters); `${...}` interpolations are printed on one line.
//   - Parentheses only where precedence needs them (postfix > unary > compare > && > ||, all
//     left-associative), so `(a && b) || c` becomes `a && b || c`.
//   - Comments are kept and never re-flowed (trailing spaces are dropped). A comment on its
//     own line leads the next statement/item; one on the line where a statement/item ends
//     trails it; one after the last statement of a body stays before its `}`; one on the line
//     of a body's `{` stays there. A comment in a place that has no line of its own in the
//     canonical layout (inside a block header, between `}` and `else`, inside a call's
//     arguments or a `${...}`) is moved to the line before its statement or list item.
#include "fmt/format.h"

#include "fmt/doc.h"
#include "fmt/trivia.h"
#include "fmt/unparse.h"
#include "parse/parse.h"

namespace mon {

namespace {
constexpr int kWidth = 100;
constexpr int kIndent = 2;
}  // namespace

std::string format(const SourceManager& sm, const ast::File& file) {
  fmt::Trivia trivia = fmt::attachComments(sm, file);
  std::string out = fmt::render(fmt::unparse(sm, file, trivia), kWidth, kIndent);
  if (!out.empty()) out += '\n';
  return out;
}

std::string formatGenerated(const std::string& text) {
  SourceManager sm;
  DiagEngine diags;
  ast::File file = parse(sm, sm.add("generated.mon", text), diags);
  return diags.hasErrors() ? text : format(sm, file);
}

}  // namespace mon
