#pragma once
// Owns every source buffer of a compilation and turns byte offsets into lines and columns.
// Locations elsewhere are a (file, byte offset) pair; line tables are built lazily.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mon {

using FileId = uint32_t;
constexpr FileId kNoFile = 0xffffffffu;

/// A half-open byte range [begin, end) in one file.
struct Range {
  FileId file = kNoFile;
  uint32_t begin = 0;
  uint32_t end = 0;
  bool valid() const { return file != kNoFile; }
};

/// 1-based line and byte column.
struct LineCol {
  uint32_t line = 1;
  uint32_t col = 1;
};

class SourceManager {
 public:
  /// Adds a buffer; the returned id stays valid for the manager's lifetime.
  FileId add(std::string path, std::string text);
  /// Finds an already added file by path.
  FileId find(std::string_view path) const;
  const std::string& path(FileId f) const { return files_[f]->path; }
  const std::string& text(FileId f) const { return *files_[f]->text; }
  /// The same text, shared: a syntax tree keeps its file's text alive with this, since its
  /// names and literals are views into it (ast::TextStore).
  const std::shared_ptr<const std::string>& sharedText(FileId f) const { return files_[f]->text; }
  size_t fileCount() const { return files_.size(); }
  LineCol lineCol(FileId f, uint32_t offset) const;
  /// The text of a 1-based line, without its newline.
  std::string_view lineText(FileId f, uint32_t line) const;
  /// Byte offset of the start of a 1-based line (clamped to the file).
  uint32_t lineStart(FileId f, uint32_t line) const;
  uint32_t lineCount(FileId f) const;

 private:
  struct File {
    std::string path;
    std::shared_ptr<const std::string> text;
    mutable std::vector<uint32_t> lineStarts;  // built on first use
  };
  const std::vector<uint32_t>& lines(FileId f) const;
  std::vector<std::unique_ptr<File>> files_;
};

}  // namespace mon
