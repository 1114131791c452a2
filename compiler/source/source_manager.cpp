#include "source/source_manager.h"

#include <algorithm>

#include "support/hash.h"

namespace mon {

FileId SourceManager::add(std::string path, std::string text) {
  auto file = std::make_unique<File>();
  file->path = std::move(path);
  file->size = text.size();
  file->text = std::make_shared<const std::string>(std::move(text));
  files_.push_back(std::move(file));
  return static_cast<FileId>(files_.size() - 1);
}

FileId SourceManager::find(std::string_view path) const {
  for (size_t i = 0; i < files_.size(); ++i)
    if (files_[i]->path == path) return static_cast<FileId>(i);
  return kNoFile;
}

void SourceManager::release(FileId f) {
  File& file = *files_[f];
  if (!reload_ || !file.text) return;
  lines(f);
  setAside(f);
}

void SourceManager::setAside(FileId f) {
  File& file = *files_[f];
  if (!reload_ || !file.text) return;
  if (!file.hashed) file.releasedHash = wordHash(*file.text);
  file.hashed = true;
  file.text.reset();
}

void SourceManager::reclaim(FileId f, std::shared_ptr<const std::string> text) {
  File& file = *files_[f];
  if (!file.text) file.text = std::move(text);
}

const std::string& SourceManager::text(FileId f) const {
  File& file = *files_[f];
  if (!file.text) {
    // Read again once, and kept: what asks for a released file's text asks for several lines.
    std::string again;
    if (!reload_(file.path, again) || again.size() != file.size || wordHash(again) != file.releasedHash)
      again.clear();
    file.text = std::make_shared<const std::string>(std::move(again));
  }
  return *file.text;
}

const std::vector<uint32_t>& SourceManager::lines(FileId f) const {
  File& file = *files_[f];
  if (file.lineStarts.empty()) {
    file.lineStarts.push_back(0);
    const std::string& text = this->text(f);  // read again when set aside (setAside())
    for (size_t i = text.find('\n'); i != std::string::npos; i = text.find('\n', i + 1))
      file.lineStarts.push_back(static_cast<uint32_t>(i + 1));
  }
  return file.lineStarts;
}

LineCol SourceManager::lineCol(FileId f, uint32_t offset) const {
  const auto& starts = lines(f);
  auto it = std::upper_bound(starts.begin(), starts.end(), offset);
  uint32_t line = static_cast<uint32_t>(it - starts.begin());
  return {line, offset - starts[line - 1] + 1};
}

uint32_t SourceManager::lineStart(FileId f, uint32_t line) const {
  const auto& starts = lines(f);
  if (line == 0) return 0;
  if (line > starts.size()) return static_cast<uint32_t>(files_[f]->size);
  return starts[line - 1];
}

uint32_t SourceManager::lineCount(FileId f) const { return static_cast<uint32_t>(lines(f).size()); }

std::string_view SourceManager::lineText(FileId f, uint32_t line) const {
  const std::string& t = text(f);
  if (t.empty()) return {};  // empty, or released and changed since
  uint32_t begin = lineStart(f, line);
  size_t end = t.find('\n', begin);
  if (end == std::string::npos) end = t.size();
  if (end > begin && t[end - 1] == '\r') --end;
  return std::string_view(t).substr(begin, end - begin);
}

}  // namespace mon
