#include "json_input.h"

#include <algorithm>
#include <iterator>
#include <unordered_set>
#include <vector>

namespace mon {

namespace {

using Json = nlohmann::ordered_json;

// A char iterator that tells how far the parser has read (its events carry no position).
struct CountingIter {
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;
  const char* p;
  const char** read;  // one past the last character handed out
  reference operator*() const { return *p; }
  CountingIter& operator++() {
    *read = ++p;
    return *this;
  }
  CountingIter operator++(int) {
    CountingIter old = *this;
    ++*this;
    return old;
  }
  bool operator==(const CountingIter& o) const { return p == o.p; }
  bool operator!=(const CountingIter& o) const { return p != o.p; }
};

// Builds the document through nlohmann's DOM builder and checks keys and depth on the way.
class Checker {
 public:
  Checker(Json& out, const char* begin, const char** read, size_t maxDepth)
      : dom_(out, false), begin_(begin), read_(read), maxDepth_(maxDepth) {}

  bool null() { return dom_.null(); }
  bool boolean(bool v) { return dom_.boolean(v); }
  bool number_integer(Json::number_integer_t v) { return dom_.number_integer(v); }
  bool number_unsigned(Json::number_unsigned_t v) { return dom_.number_unsigned(v); }
  bool number_float(Json::number_float_t v, const std::string& s) { return dom_.number_float(v, s); }
  bool string(std::string& v) { return dom_.string(v); }
  bool binary(Json::binary_t& v) { return dom_.binary(v); }
  bool start_object(std::size_t n) {
    keys_.emplace_back();
    return deeper() && dom_.start_object(n);
  }
  bool key(std::string& k) {
    if (!keys_.back().insert(k).second) {
      // The lexer stopped at the key's closing quote: point at its opening one.
      size_t end = size_t(*read_ - begin_) - 1, at = end;
      while (at > 0 && !(begin_[at - 1] == '"' && (at < 2 || begin_[at - 2] != '\\'))) --at;
      return fail(at > 0 ? at - 1 : end, "duplicate key '" + k + "'");
    }
    return dom_.key(k);
  }
  bool end_object() {
    keys_.pop_back();
    --depth_;
    return dom_.end_object();
  }
  bool start_array(std::size_t n) { return deeper() && dom_.start_array(n); }
  bool end_array() {
    --depth_;
    return dom_.end_array();
  }
  bool parse_error(std::size_t position, const std::string& token, const nlohmann::detail::exception& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error while
    // parsing value - invalid literal; last read: 'x'" -> "syntax error ..."; the location is
    // computed from the offset like every other error's.
    std::string what = e.what();
    if (size_t id = what.find("] "); id != std::string::npos) what.erase(0, id + 2);
    if (what.rfind("parse error", 0) == 0)
      if (size_t colon = what.find(": "); colon != std::string::npos) what.erase(0, colon + 2);
    size_t at = position == 0 ? 0 : position - 1;
    if (e.id == 406) {  // 1e999: point at the number's first character
      at = std::min(at, size_t(*read_ - begin_));
      while (at > 0 && std::string_view("0123456789+-.eE").find(begin_[at - 1]) != std::string_view::npos) --at;
      what = "number out of range: " + token;
    }
    return fail(at, what);
  }

  bool failed = false;
  size_t offset = 0;
  std::string message;

 private:
  bool deeper() {
    if (++depth_ <= maxDepth_) return true;
    return fail(size_t(*read_ - begin_) - 1, "nested more than " + std::to_string(maxDepth_) + " levels deep");
  }
  bool fail(size_t at, std::string why) {
    failed = true;
    offset = at;
    message = std::move(why);
    return false;
  }

  nlohmann::detail::json_sax_dom_parser<Json> dom_;
  const char* begin_;
  const char** read_;
  size_t maxDepth_;
  size_t depth_ = 0;
  std::vector<std::unordered_set<std::string>> keys_;
};

}  // namespace

std::string JsonInputError::where() const {
  return std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

bool readJsonInput(std::string_view text, Json& out, JsonInputError& error, size_t maxDepth) {
  size_t skip = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  const char* begin = text.data() + skip;
  const char* end = text.data() + text.size();
  const char* read = begin;
  Json doc;
  Checker checker(doc, begin, &read, maxDepth);
  bool ok = Json::sax_parse(CountingIter{begin, &read}, CountingIter{end, &read}, &checker);
  if (ok && !checker.failed) {
    out = std::move(doc);
    return true;
  }
  if (!checker.failed) checker.message = "not JSON";
  error.message = checker.message;
  error.offset = std::min(text.size(), skip + checker.offset);
  error.line = 1;
  size_t lineStart = 0;
  for (size_t i = 0; i < error.offset; ++i)
    if (text[i] == '\n') {
      ++error.line;
      lineStart = i + 1;
    }
  error.column = error.offset - lineStart + 1;
  return false;
}

}  // namespace mon
