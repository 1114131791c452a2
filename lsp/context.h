#pragma once
// What surrounds a cursor, worked out from tokens so that it also works in half-typed
// source the parser cannot make sense of: the enclosing blocks and what may be typed here.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mon::schema {
struct Kind;
}

namespace mon::lsp {

/// One enclosing block: `monitor host "CPU" {` has type "monitor", labels {"host", "\"CPU\""}
/// (string labels keep their quotes, so words and strings can be told apart).
struct BlockFrame {
  std::string type;
  std::vector<std::string> labels;
};

enum class Slot {
  None,        // nothing to offer (inside a comment-like spot, between a name and '=')
  Statement,   // a statement may start: fields, blocks, keywords
  BlockLabel,  // after a block type: `monitor |`
  FieldValue,  // after `field =`
  Expression,  // inside some other expression: names
  UseName,     // after `use`
  ImportPath,  // inside the string of an import
  String,      // inside any other string
};

struct CursorContext {
  std::vector<BlockFrame> blocks;  // outermost first; for/if/template bodies are transparent
  Slot slot = Slot::None;
  std::string field;         // FieldValue: the attribute name
  std::string blockType;     // BlockLabel: the block type word
  size_t labelIndex = 0;     // BlockLabel: how many labels are already there
  std::string prefix;        // the part of a word before the cursor
  uint32_t prefixBegin = 0;  // where that word starts
  bool lineStart = false;    // nothing but blanks between the line start and the word
  std::string stringText;    // ImportPath/String: the text between the quote and the cursor
  uint32_t stringBegin = 0;  // offset just after the opening quote
};

/// The context at byte `offset` of `text`.
CursorContext cursorContext(std::string_view text, uint32_t offset);

/// The schema kind of the innermost block (null when unknown or at top level).
const schema::Kind* kindOf(const std::vector<BlockFrame>& blocks);
/// Block types that may be written inside the innermost block (top level when empty).
std::vector<std::string> childBlockTypes(const std::vector<BlockFrame>& blocks);

}  // namespace mon::lsp
