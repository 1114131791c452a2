#pragma once
// ast::Str, the syntax tree's names and literal texts, and ast::TextStore, which keeps their
// bytes alive. A large setup has several strings per statement and the trees of all files are
// in memory at once after parsing: a std::string is 32 bytes in the node plus a heap block of
// its own when longer than 15 bytes, and each was a copy of bytes the source text holds anyway.
// A Str is a pointer and a length into the file's source text (names, numbers, string literals
// without escapes), into the store's blocks (decoded escapes), or into static storage
// (operator spellings).
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace mon::ast {

/// A view of bytes owned elsewhere (see TextStore). Reads like a std::string_view.
class Str {
 public:
  constexpr Str() = default;
  /// A string literal: static storage, so the view cannot outlive its bytes.
  template <size_t N>
  constexpr Str(const char (&literal)[N]) : data_(literal), size_(N - 1) {}  // NOLINT: implicit on purpose
  /// Bytes the caller keeps alive as long as the view (the source text, a TextStore's block).
  static Str of(std::string_view bytes) { return Str(bytes.data(), static_cast<uint32_t>(bytes.size())); }

  const char* data() const { return data_; }
  size_t size() const { return size_; }
  size_t length() const { return size_; }
  bool empty() const { return size_ == 0; }
  const char* begin() const { return data_; }
  const char* end() const { return data_ + size_; }
  char operator[](size_t i) const { return data_[i]; }
  char front() const { return data_[0]; }
  char back() const { return data_[size_ - 1]; }
  std::string_view view() const { return std::string_view(data_, size_); }
  operator std::string_view() const { return view(); }  // NOLINT: implicit on purpose
  /// A copy, for the places that keep a name (messages, symbol tables).
  operator std::string() const { return str(); }  // NOLINT: implicit on purpose
  std::string str() const { return std::string(data_, size_); }
  std::string_view substr(size_t pos, size_t n = std::string_view::npos) const { return view().substr(pos, n); }
  size_t find(char c, size_t pos = 0) const { return view().find(c, pos); }
  size_t find(std::string_view s, size_t pos = 0) const { return view().find(s, pos); }
  int compare(std::string_view s) const { return view().compare(s); }

  friend bool operator==(Str a, Str b) { return a.view() == b.view(); }
  friend bool operator!=(Str a, Str b) { return a.view() != b.view(); }
  friend bool operator<(Str a, Str b) { return a.view() < b.view(); }
  friend bool operator==(Str a, std::string_view b) { return a.view() == b; }
  friend bool operator!=(Str a, std::string_view b) { return a.view() != b; }
  friend bool operator==(std::string_view a, Str b) { return a == b.view(); }
  friend bool operator!=(std::string_view a, Str b) { return a != b.view(); }
  friend bool operator==(Str a, const std::string& b) { return a.view() == std::string_view(b); }
  friend bool operator!=(Str a, const std::string& b) { return a.view() != std::string_view(b); }
  friend bool operator==(const std::string& a, Str b) { return std::string_view(a) == b.view(); }
  friend bool operator!=(const std::string& a, Str b) { return std::string_view(a) != b.view(); }
  friend bool operator==(Str a, const char* b) { return a.view() == std::string_view(b); }
  friend bool operator!=(Str a, const char* b) { return a.view() != std::string_view(b); }
  friend std::string operator+(const std::string& a, Str b) { return std::string(a).append(b.data_, b.size_); }
  friend std::string operator+(std::string&& a, Str b) { return std::move(a.append(b.data_, b.size_)); }
  friend std::string operator+(Str a, const std::string& b) { return a.str().append(b); }
  friend std::string operator+(const char* a, Str b) { return std::string(a).append(b.data_, b.size_); }
  friend std::string operator+(Str a, const char* b) { return a.str().append(b); }
  friend std::string& operator+=(std::string& a, Str b) { return a.append(b.data_, b.size_); }
  friend std::ostream& operator<<(std::ostream& os, Str s) { return os << s.view(); }

 private:
  constexpr Str(const char* data, uint32_t size) : data_(data), size_(size) {}
  const char* data_ = "";
  uint32_t size_ = 0;
};

/// Keeps the bytes a file's Strs point at: shared ownership of the source texts they view, and
/// blocks of decoded text (string literals with escapes). Moving a tree's statements into
/// another file's tree must move their store along (`splice`), as the language server does when
/// it parses an edited region alone.
class TextStore {
 public:
  TextStore() = default;
  TextStore(TextStore&&) noexcept = default;
  TextStore& operator=(TextStore&&) noexcept = default;
  TextStore(const TextStore&) = delete;
  TextStore& operator=(const TextStore&) = delete;

  /// Views into `text` stay valid as long as this store (or one it is spliced into).
  void keep(std::shared_ptr<const std::string> text) {
    if (text) keptBytes_ += text->size();
    texts_.push_back(std::move(text));
  }
  /// Room for up to `n` bytes; `commit` then says how many were written.
  char* reserve(size_t n) {
    if (n > left_) {
      // Blocks grow from 1 KB to 16 KB: a region the language server parses alone is small.
      size_t block = blockSize_ == 0 ? kFirstBlock : std::min(kBlock, blockSize_ * 2);
      blockSize_ = block;
      size_t size = n > block / 4 ? n : block;
      blocks_.push_back(std::unique_ptr<char[]>(new char[size]));
      next_ = blocks_.back().get();
      left_ = size;
      keptBytes_ += size;
    }
    return next_;
  }
  Str commit(size_t written) {
    Str s = Str::of(std::string_view(next_, written));
    next_ += written;
    left_ -= written;
    return s;
  }
  Str copy(std::string_view bytes) {
    char* to = reserve(bytes.size());
    if (!bytes.empty()) std::memcpy(to, bytes.data(), bytes.size());
    return commit(bytes.size());
  }
  /// Takes everything `other` keeps, so views into it stay valid here.
  void splice(TextStore&& other) {
    for (auto& t : other.texts_) texts_.push_back(std::move(t));
    for (auto& b : other.blocks_) blocks_.push_back(std::move(b));
    keptBytes_ += other.keptBytes_;
    other = TextStore();
  }
  /// Bytes kept alive: source texts and blocks (for a bound on what splicing accumulates).
  size_t keptBytes() const { return keptBytes_; }

 private:
  static constexpr size_t kFirstBlock = 1024, kBlock = 16 * 1024;
  std::vector<std::shared_ptr<const std::string>> texts_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;
  size_t left_ = 0;
  size_t blockSize_ = 0;
  size_t keptBytes_ = 0;
};

}  // namespace mon::ast
