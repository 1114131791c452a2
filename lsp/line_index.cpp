#include "line_index.h"

#include <algorithm>
#include <cstring>

namespace mon::lsp {

namespace {
// Length in bytes of the UTF-8 sequence starting with `b` (1 for stray bytes).
uint32_t seqLen(unsigned char b) {
  if (b >= 0xF0 && b <= 0xF7) return 4;
  if (b >= 0xE0) return 3;
  if (b >= 0xC0) return 2;
  return 1;
}
}  // namespace

LineIndex::LineIndex(std::string_view text) : text_(text) {
  starts_.push_back(0);
  // memchr: a large document is indexed at every edit, and most of its bytes are not newlines.
  for (const char* p = text.data(), *end = p + text.size(); (p = static_cast<const char*>(std::memchr(p, '\n', end - p))); ++p)
    starts_.push_back(static_cast<uint32_t>(p - text.data()) + 1);
}

uint32_t LineIndex::offsetIn(std::string_view text, Position p) {
  // Newlines counted a block at a time (a loop the compiler vectorises), then byte by byte in
  // the block where line p.line starts: lines are short, and a call per line costs more.
  constexpr size_t kBlock = 64;
  size_t i = 0, n = text.size();
  uint32_t line = 0;
  while (line < p.line && i + kBlock <= n) {
    uint32_t count = 0;
    for (size_t k = 0; k < kBlock; ++k) count += text[i + k] == '\n';
    if (line + count >= p.line) break;
    line += count;
    i += kBlock;
  }
  for (; i < n && line < p.line; ++i)
    if (text[i] == '\n') ++line;
  if (line < p.line) return static_cast<uint32_t>(n);
  uint32_t start = static_cast<uint32_t>(i);
  const void* nl = std::memchr(text.data() + start, '\n', text.size() - start);
  uint32_t end = nl ? static_cast<uint32_t>(static_cast<const char*>(nl) - text.data()) + 1 : static_cast<uint32_t>(text.size());
  // The line alone, indexed as a one-line text: the same clamping as offset().
  return start + LineIndex(text.substr(start, end - start)).offset({0, p.character});
}

uint32_t LineIndex::lineEnd(uint32_t line) const {
  uint32_t end = line + 1 < starts_.size() ? starts_[line + 1] - 1 : static_cast<uint32_t>(text_.size());
  if (end > starts_[line] && text_[end - 1] == '\r') --end;
  return end;
}

Position LineIndex::position(uint32_t offset) const {
  uint32_t hint = 0;
  return position(offset, hint);
}

Position LineIndex::position(uint32_t offset, uint32_t& lineHint) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  auto holds = [&](uint32_t l) { return l < starts_.size() && starts_[l] <= offset && (l + 1 == starts_.size() || offset < starts_[l + 1]); };
  uint32_t line = lineHint;
  if (!holds(line)) {
    auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
    line = static_cast<uint32_t>(it - starts_.begin()) - 1;
  }
  lineHint = line;
  uint32_t col = 0;
  for (uint32_t i = starts_[line]; i < offset;) {
    uint32_t n = seqLen(static_cast<unsigned char>(text_[i]));
    col += n == 4 ? 2 : 1;  // characters outside the BMP take a surrogate pair
    i += n;
  }
  return {line, col};
}

uint32_t LineIndex::offset(Position p) const {
  if (p.line >= starts_.size()) return static_cast<uint32_t>(text_.size());
  uint32_t i = starts_[p.line], end = lineEnd(p.line), col = 0;
  while (i < end && col < p.character) {
    uint32_t n = seqLen(static_cast<unsigned char>(text_[i]));
    uint32_t units = n == 4 ? 2 : 1;
    if (col + units > p.character) break;  // inside a surrogate pair: stay before it
    col += units;
    i = std::min(i + n, end);
  }
  return i;
}

uint32_t DocumentLines::offset(std::string_view text, Position p) {
  if (!built_) {
    starts_.assign(1, 0);
    for (const char* q = text.data(), *end = q + text.size(); (q = static_cast<const char*>(std::memchr(q, '\n', end - q))); ++q)
      starts_.push_back(static_cast<uint32_t>(q - text.data()) + 1);
    built_ = true;
  }
  if (p.line >= starts_.size()) return static_cast<uint32_t>(text.size());
  uint32_t start = starts_[p.line];
  uint32_t end = p.line + 1 < starts_.size() ? starts_[p.line + 1] : static_cast<uint32_t>(text.size());
  // The line alone, indexed as a one-line text: the same clamping as LineIndex::offset().
  return start + LineIndex(text.substr(start, end - start)).offset({0, p.character});
}

void DocumentLines::edited(uint32_t begin, uint32_t oldEnd, std::string_view inserted) {
  if (!built_) return;
  // A line starts after each newline: the ones in (begin, oldEnd] went, the inserted text's came.
  auto from = std::upper_bound(starts_.begin(), starts_.end(), begin);
  auto to = std::upper_bound(from, starts_.end(), oldEnd);
  int64_t delta = static_cast<int64_t>(inserted.size()) - (static_cast<int64_t>(oldEnd) - begin);
  if (delta != 0)
    for (auto it = to; it != starts_.end(); ++it) *it = static_cast<uint32_t>(*it + delta);
  std::vector<uint32_t> added;
  for (size_t i = 0; i < inserted.size(); ++i)
    if (inserted[i] == '\n') added.push_back(static_cast<uint32_t>(begin + i + 1));
  if (added.size() == static_cast<size_t>(to - from)) {
    std::copy(added.begin(), added.end(), from);
  } else {
    auto at = starts_.erase(from, to);
    starts_.insert(at, added.begin(), added.end());
  }
}

}  // namespace mon::lsp
