#pragma once
// Owns every source buffer of a compilation and turns byte offsets into lines and columns.
// Locations elsewhere are a (file, byte offset) pair; line tables are built lazily.
#include <cstdint>
#include <functional>
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
  /// The file's text; after release(), read again through the reloader on first use. Empty
  /// when it cannot be read again, or has changed since: lines and columns still come from the
  /// text first read.
  const std::string& text(FileId f) const;
  /// The same text, shared: a syntax tree keeps its file's text alive with this, since its
  /// names and literals are views into it (ast::TextStore). Not for a released file.
  const std::shared_ptr<const std::string>& sharedText(FileId f) const { return files_[f]->text; }

  /// How a released file's text is read again when something asks for it (a diagnostic
  /// rendered with its source line). Without one, release() keeps the text.
  using Reloader = std::function<bool(const std::string& path, std::string& text)>;
  void setReloader(Reloader reload) { reload_ = std::move(reload); }
  /// Lets go of the text of a file nothing views any more (a large build's sources were a
  /// sixth of its peak memory): its line table is made first, so positions stay exact, and
  /// its size and hash are kept to tell whether the text read again is the same.
  void release(FileId f);
  /// release() without the line table, for a text that comes back (reclaim()) before anything
  /// can point into it: the loader's named files between their first read and their parse.
  void setAside(FileId f);
  /// Gives a released file back the text its reader read again, which the caller made sure is
  /// the text released (same size and hash: releasedAs()).
  void reclaim(FileId f, std::shared_ptr<const std::string> text);
  /// The size and hash (support/hash.h, wordHash) of a released file's text.
  std::pair<size_t, uint64_t> releasedAs(FileId f) const { return {files_[f]->size, files_[f]->releasedHash}; }
  /// Whether a released file could not be read again as it was: renderers then show no line.
  bool textLost(FileId f) const { return text(f).size() != files_[f]->size; }
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
    mutable std::shared_ptr<const std::string> text;  // null while released
    mutable std::vector<uint32_t> lineStarts;         // built on first use
    size_t size = 0;
    uint64_t releasedHash = 0;
    bool hashed = false;  // releasedHash is made (once: a text reclaimed is the one released)
  };
  const std::vector<uint32_t>& lines(FileId f) const;
  std::vector<std::unique_ptr<File>> files_;
  Reloader reload_;
};

}  // namespace mon
