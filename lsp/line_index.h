#pragma once
// Converts between byte offsets (the compiler's locations) and LSP positions (0-based line,
// UTF-16 code units). This is the only place that knows about UTF-16.
#include <cstdint>
#include <string_view>
#include <vector>

namespace mon::lsp {

/// An LSP position: 0-based line and UTF-16 column.
struct Position {
  uint32_t line = 0;
  uint32_t character = 0;
};

class LineIndex {
 public:
  /// Indexes `text`, which must outlive the index.
  explicit LineIndex(std::string_view text);
  /// The same with the line starts known (a DocumentLines' of the same text).
  LineIndex(std::string_view text, std::vector<uint32_t> starts) : text_(text), starts_(std::move(starts)) {}
  /// The position of a byte offset (clamped to the text).
  Position position(uint32_t offset) const;
  /// The same, trying line `lineHint` first and leaving the offset's line there: positions asked
  /// for in ascending order (a file's diagnostics) mostly skip the search.
  Position position(uint32_t offset, uint32_t& lineHint) const;
  /// The byte offset of a position; lines and columns past the end are clamped, and a column
  /// inside a multi-byte character moves to its start.
  uint32_t offset(Position p) const;
  /// offset(p) without indexing the whole text: for one position in a large text.
  static uint32_t offsetIn(std::string_view text, Position p);
  uint32_t lineCount() const { return static_cast<uint32_t>(starts_.size()); }

 private:
  uint32_t lineEnd(uint32_t line) const;
  std::string_view text_;
  std::vector<uint32_t> starts_;
};

/// The line starts of an open document, kept up to date across its edits: an edit's positions
/// are then found without scanning a large text for newlines at every keystroke.
class DocumentLines {
 public:
  /// The byte offset of `p` in `text` (the document's current text), as LineIndex::offset.
  uint32_t offset(std::string_view text, Position p);
  /// Records that bytes [begin, oldEnd) of the text became `inserted` (offsets as found above).
  void edited(uint32_t begin, uint32_t oldEnd, std::string_view inserted);
  /// The line starts of the current text, once offset() has been asked (else null).
  const std::vector<uint32_t>* starts() const { return built_ ? &starts_ : nullptr; }
  /// Forgets the lines (the text was replaced).
  void reset() {
    starts_.clear();
    built_ = false;
  }

 private:
  std::vector<uint32_t> starts_;
  bool built_ = false;
};

}  // namespace mon::lsp
