#include "parse/lexer.h"

#include <string>

#include "MonParser.h"

namespace mon {

namespace {

using P = MonParser;

bool isIdentStart(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isIdentChar(unsigned char c) { return isIdentStart(c) || (c >= '0' && c <= '9'); }
bool isDigit(unsigned char c) { return c >= '0' && c <= '9'; }

// Bytes inside a string literal that need no look: ASCII other than NUL (an error), the closing
// quote, an escape and the `$` that may open an interpolation.
struct PlainStringBytes {
  bool plain[256] = {};
  constexpr PlainStringBytes() {
    for (int c = 1; c < 0x80; ++c) plain[c] = c != '"' && c != '\\' && c != '$';
  }
  constexpr bool operator[](unsigned char c) const { return plain[c]; }
};
constexpr PlainStringBytes kPlainStringByte;

// Length of a valid UTF-8 sequence at p, or 0 if it is invalid.
size_t utf8Length(std::string_view s, size_t p) {
  unsigned char c = static_cast<unsigned char>(s[p]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || p + n > s.size()) return 0;
  for (size_t i = 1; i < n; ++i)
    if ((static_cast<unsigned char>(s[p + i]) & 0xC0) != 0x80) return 0;
  if (n == 2 && c < 0xC2) return 0;  // overlong
  if (n == 3) {
    unsigned char c1 = static_cast<unsigned char>(s[p + 1]);
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) return 0;  // overlong, surrogate
  }
  if (n == 4) {
    unsigned char c1 = static_cast<unsigned char>(s[p + 1]);
    if ((c == 0xF0 && c1 < 0x90) || c > 0xF4 || (c == 0xF4 && c1 >= 0x90)) return 0;
  }
  return n;
}

uint16_t keyword(std::string_view w) {
  switch (w.size()) {
    case 2:
      if (w == "in") return P::KW_IN;
      if (w == "if") return P::KW_IF;
      break;
    case 3:
      if (w == "let") return P::KW_LET;
      if (w == "use") return P::KW_USE;
      if (w == "for") return P::KW_FOR;
      break;
    case 4:
      if (w == "else") return P::KW_ELSE;
      if (w == "true") return P::KW_TRUE;
      if (w == "null") return P::KW_NULL;
      break;
    case 5:
      if (w == "false") return P::KW_FALSE;
      break;
    case 6:
      if (w == "import") return P::KW_IMPORT;
      break;
    case 8:
      if (w == "template") return P::KW_TEMPLATE;
      break;
  }
  return P::IDENT;
}

class Lexer {
 public:
  Lexer(FileId file, std::string_view text, DiagEngine& diags) : file_(file), s_(text), diags_(diags) {}

  LexResult run() {
    // Room for a token every 6 bytes (real sources have one every 7 to 9): the list is then
    // written once instead of copied as it doubles, which touched twice its pages on a large
    // file. Room never written is address space, not memory.
    out_.tokens.reserve(s_.size() / 6 + 16);
    if (s_.size() >= 3 && s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // BOM
    enum Mode { Code, Interp };
    // Each entry is an interpolation we are inside, with its own brace depth.
    std::vector<int> interpBraces;
    while (!stopped_) {
      skipSpaceAndComments();
      if (pos_ >= s_.size()) break;
      unsigned char c = static_cast<unsigned char>(s_[pos_]);
      size_t start = pos_;
      if (isIdentStart(c)) {
        while (pos_ < s_.size() && isIdentChar(static_cast<unsigned char>(s_[pos_]))) ++pos_;
        uint16_t type = keyword(s_.substr(start, pos_ - start));
        bool afterElse = !out_.tokens.empty() && out_.tokens.back().type == P::KW_ELSE;
        emit(type, start);
        if (type == P::KW_IF && afterElse) {
          elseIfRun(start);  // `else if` nests the next if
        } else if (type == P::KW_IF || type == P::KW_LET || type == P::KW_USE || type == P::KW_FOR ||
                   type == P::KW_TEMPLATE || type == P::KW_IMPORT) {
          resetChain();  // a new statement
        }
      } else if (isDigit(c)) {
        lexNumber();
      } else if (c == '"') {
        lexString(interpBraces);
      } else if (c == '}' && !interpBraces.empty() && interpBraces.back() == 0) {
        ++pos_;
        emit(P::RBRACE, start);
        interpBraces.pop_back();
        close();
        lexStringRest(interpBraces);
      } else {
        lexPunct(interpBraces);
      }
    }
    if (!stopped_ && !interpBraces.empty()) {
      // Unterminated interpolation at end of file: the parser reports the missing '}'.
    }
    out_.tokens.push_back(Token{kTokEof, static_cast<uint32_t>(s_.size()), static_cast<uint32_t>(s_.size())});
    out_.stopped = stopped_;
    out_.stoppedAt = static_cast<uint32_t>(stopped_ ? lastError_ : s_.size());
    return std::move(out_);
  }

 private:
  Range range(size_t b, size_t e) const { return Range{file_, static_cast<uint32_t>(b), static_cast<uint32_t>(e)}; }
  void emit(uint16_t type, size_t start) {
    out_.tokens.push_back(Token{type, static_cast<uint32_t>(start), static_cast<uint32_t>(pos_)});
  }
  void error(size_t b, size_t e, diag::Kind k, std::vector<std::string> args = {}) {
    lastError_ = b;
    diags_.report(range(b, e), k, std::move(args));
    if (diags_.limitReached()) stopped_ = true;
  }

  void open(size_t start) {
    saved_.push_back(runs_);
    if (++depth_ > kMaxNesting) {
      error(start, start + 1, diag::err_nesting_too_deep, {std::to_string(kMaxNesting)});
      stopped_ = true;  // the parser would overflow its stack; nothing after this is useful
    }
  }

  void close() {
    --depth_;
    if (!saved_.empty()) {
      runs_ = saved_.back();
      saved_.pop_back();
    }
  }

  // Binary and postfix operators build left-deep trees (`a.b.c` is member(member(a, b), c)),
  // and `else if` a right-deep one: a long chain is as deep as many brackets, for the parser
  // and every pass after it. Counted along the current path: restored when a bracket closes,
  // reset where a new expression or statement starts.
  void count(int& run, int limit, size_t start, size_t len) {
    if (++run > limit) {
      error(start, start + len, diag::err_nesting_too_deep, {std::to_string(limit)});
      stopped_ = true;
    }
  }
  void elseIfRun(size_t start) { count(runs_.elseIf, kMaxElseIf, start, 2); }
  void chained(size_t start) { count(runs_.chain, kMaxChain, start, 1); }
  void binary(size_t start) {
    chained(start);
    if (!stopped_) count(runs_.binary, kMaxBinaryChain, start, 1);
  }
  void resetChain() { runs_ = saved_.empty() ? Runs{} : saved_.back(); }

  void skipSpaceAndComments() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++pos_;
      } else if (c == '#' || (c == '/' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '/')) {
        size_t start = pos_;
        while (pos_ < s_.size() && s_[pos_] != '\n') {
          checkByte(pos_);
          if (stopped_) return;
        }
        size_t end = pos_;
        if (end > start && s_[end - 1] == '\r') --end;
        out_.comments.push_back(ast::Comment{range(start, end), ast::Str::of(s_.substr(start, end - start))});
      } else {
        return;
      }
    }
  }

  // Validates the byte at pos_ inside a comment or string and advances past its character.
  void checkByte(size_t& p) {
    unsigned char c = static_cast<unsigned char>(s_[p]);
    if (c == 0) {
      error(p, p + 1, diag::err_nul_byte);
      ++p;
      return;
    }
    if (c < 0x80) {
      ++p;
      return;
    }
    size_t n = utf8Length(s_, p);
    if (n == 0) {
      error(p, p + 1, diag::err_invalid_utf8);
      ++p;
      return;
    }
    p += n;
  }

  void lexNumber() {
    size_t start = pos_;
    while (pos_ < s_.size() && isDigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    // Durations: one or more digit+unit groups, e.g. 1h30m, 3000ms.
    if (pos_ < s_.size() && isIdentStart(static_cast<unsigned char>(s_[pos_])) && s_[pos_] != 'e' && s_[pos_] != 'E') {
      lexDuration(start);
      return;
    }
    if (pos_ + 1 < s_.size() && s_[pos_] == '.' && isDigit(static_cast<unsigned char>(s_[pos_ + 1]))) {
      ++pos_;
      while (pos_ < s_.size() && isDigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      size_t save = pos_++;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (pos_ < s_.size() && isDigit(static_cast<unsigned char>(s_[pos_]))) {
        while (pos_ < s_.size() && isDigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      } else {
        pos_ = save;
      }
    }
    if (pos_ < s_.size() && isIdentChar(static_cast<unsigned char>(s_[pos_]))) {
      while (pos_ < s_.size() && isIdentChar(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      error(start, pos_, diag::err_bad_number, {std::string(s_.substr(start, pos_ - start))});
    }
    emit(P::NUMBER, start);
  }

  void lexDuration(size_t start) {
    bool ok = true;
    for (;;) {
      size_t u = pos_;
      while (pos_ < s_.size() && isIdentStart(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      std::string_view unit = s_.substr(u, pos_ - u);
      if (unit != "ms" && unit != "s" && unit != "m" && unit != "h" && unit != "d" && unit != "w") ok = false;
      if (pos_ < s_.size() && isDigit(static_cast<unsigned char>(s_[pos_]))) {
        while (pos_ < s_.size() && isDigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
        if (pos_ < s_.size() && isIdentStart(static_cast<unsigned char>(s_[pos_]))) continue;
        ok = false;  // trailing digits without a unit: "1h30"
      }
      break;
    }
    while (pos_ < s_.size() && isIdentChar(static_cast<unsigned char>(s_[pos_]))) {
      ++pos_;
      ok = false;
    }
    if (!ok) error(start, pos_, diag::err_bad_duration_unit, {std::string(s_.substr(start, pos_ - start))});
    emit(P::DURATION, start);
  }

  void lexString(std::vector<int>& interpBraces) {
    size_t start = pos_++;
    emit(P::STR_OPEN, start);
    stringStarts_.push_back(start);
    lexStringRest(interpBraces);
  }

  // Lexes string text up to the closing quote or the next `${`.
  void lexStringRest(std::vector<int>& interpBraces) {
    size_t textStart = pos_;
    while (pos_ < s_.size()) {
      // Most of a string is ASCII that ends nothing: skip it in a tight loop.
      while (pos_ < s_.size() && kPlainStringByte[static_cast<unsigned char>(s_[pos_])]) ++pos_;
      if (pos_ >= s_.size()) break;
      char c = s_[pos_];
      if (c == '"') {
        if (pos_ > textStart) emitRange(P::STR_TEXT, textStart, pos_);
        size_t q = pos_++;
        emitRange(P::STR_CLOSE, q, pos_);
        stringStarts_.pop_back();
        return;
      }
      if (c == '\\') {
        pos_ += 2;
        continue;
      }
      if (c == '$' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '{') {
        if (pos_ > textStart) emitRange(P::STR_TEXT, textStart, pos_);
        size_t b = pos_;
        pos_ += 2;
        emitRange(P::INTERP_OPEN, b, pos_);
        open(b);
        interpBraces.push_back(0);
        return;
      }
      checkByte(pos_);
      if (stopped_) return;
    }
    pos_ = s_.size();
    if (pos_ > textStart) emitRange(P::STR_TEXT, textStart, pos_);
    size_t openQuote = stringStarts_.empty() ? textStart : stringStarts_.back();
    error(openQuote, openQuote + 1, diag::err_unterminated_string);
    stopped_ = true;
  }

  void emitRange(uint16_t type, size_t b, size_t e) {
    out_.tokens.push_back(Token{type, static_cast<uint32_t>(b), static_cast<uint32_t>(e)});
  }

  void lexPunct(std::vector<int>& interpBraces) {
    size_t start = pos_;
    char c = s_[pos_];
    char n = pos_ + 1 < s_.size() ? s_[pos_ + 1] : '\0';
    auto two = [&](uint16_t t) { pos_ += 2; emit(t, start); };
    auto one = [&](uint16_t t) { pos_ += 1; emit(t, start); };
    switch (c) {
      case '{': one(P::LBRACE); open(start); if (!interpBraces.empty()) ++interpBraces.back(); return;
      case '}': one(P::RBRACE); close(); if (!interpBraces.empty()) --interpBraces.back(); return;
      case '[': one(P::LBRACK); chained(start); open(start); return;
      case ']': one(P::RBRACK); close(); return;
      case '(': one(P::LPAREN); chained(start); open(start); return;
      case ')': one(P::RPAREN); close(); return;
      case ',': one(P::COMMA); resetChain(); return;
      case ':': one(P::COLON); resetChain(); return;
      case '.': one(P::DOT); chained(start); return;
      case '-': one(P::MINUS); unaryRun(start); return;
      case '=': if (n == '=') { two(P::EQ); binary(start); } else { one(P::ASSIGN); resetChain(); } return;
      case '!': if (n == '=') { two(P::NE); binary(start); } else { one(P::NOT); unaryRun(start); } return;
      case '<': n == '=' ? two(P::LE) : one(P::LT); binary(start); return;
      case '>': n == '=' ? two(P::GE) : one(P::GT); binary(start); return;
      case '&': if (n == '&') { two(P::AND); binary(start); return; } break;
      case '|': if (n == '|') { two(P::OR); binary(start); return; } break;
      default: break;
    }
    // Not a token: report it once per run of bad characters.
    unsigned char uc = static_cast<unsigned char>(c);
    if (uc == 0) {
      error(pos_, pos_ + 1, diag::err_nul_byte);
      ++pos_;
      return;
    }
    size_t len = uc < 0x80 ? 1 : utf8Length(s_, pos_);
    if (len == 0) {
      error(pos_, pos_ + 1, diag::err_invalid_utf8);
      ++pos_;
      return;
    }
    std::string shown = uc < 0x20 || uc == 0x7f ? "\\x" + hex(uc) : std::string(s_.substr(pos_, len));
    error(pos_, pos_ + len, diag::err_unexpected_char, {shown});
    pos_ += len;
  }

  // Unary operators recurse in the parser, so a long run of them counts as nesting.
  void unaryRun(size_t start) {
    if (!out_.tokens.empty() && out_.tokens.size() >= 2) {
      uint16_t prev = out_.tokens[out_.tokens.size() - 2].type;
      unary_ = (prev == P::MINUS || prev == P::NOT) ? unary_ + 1 : 0;
    }
    if (unary_ > kMaxNesting) {
      error(start, start + 1, diag::err_nesting_too_deep, {std::to_string(kMaxNesting)});
      stopped_ = true;
    }
  }

  static std::string hex(unsigned char c) {
    const char* d = "0123456789abcdef";
    return std::string{d[c >> 4], d[c & 15]};
  }

  FileId file_;
  std::string_view s_;
  DiagEngine& diags_;
  size_t pos_ = 0;
  int depth_ = 0;
  int unary_ = 0;
  struct Runs {
    int chain = 0, elseIf = 0, binary = 0;
  };
  Runs runs_;
  size_t lastError_ = 0;
  std::vector<Runs> saved_;  // runs_ at each open bracket
  bool stopped_ = false;
  std::vector<size_t> stringStarts_;
  LexResult out_;
};

}  // namespace

LexResult lex(FileId file, std::string_view text, DiagEngine& diags) { return Lexer(file, text, diags).run(); }

const char* tokenDescription(uint16_t type) {
  switch (type) {
    case kTokEof: return "end of file";
    case P::IDENT: return "a name";
    case P::NUMBER: return "a number";
    case P::DURATION: return "a duration";
    case P::STR_OPEN: return "a string";
    case P::STR_TEXT: return "string text";
    case P::STR_CLOSE: return "'\"'";
    case P::INTERP_OPEN: return "'${'";
    case P::KW_IMPORT: return "'import'";
    case P::KW_LET: return "'let'";
    case P::KW_TEMPLATE: return "'template'";
    case P::KW_USE: return "'use'";
    case P::KW_FOR: return "'for'";
    case P::KW_IN: return "'in'";
    case P::KW_IF: return "'if'";
    case P::KW_ELSE: return "'else'";
    case P::KW_TRUE: return "'true'";
    case P::KW_FALSE: return "'false'";
    case P::KW_NULL: return "'null'";
    case P::LBRACE: return "'{'";
    case P::RBRACE: return "'}'";
    case P::LBRACK: return "'['";
    case P::RBRACK: return "']'";
    case P::LPAREN: return "'('";
    case P::RPAREN: return "')'";
    case P::ASSIGN: return "'='";
    case P::COMMA: return "','";
    case P::COLON: return "':'";
    case P::DOT: return "'.'";
    case P::EQ: return "'=='";
    case P::NE: return "'!='";
    case P::LE: return "'<='";
    case P::GE: return "'>='";
    case P::LT: return "'<'";
    case P::GT: return "'>'";
    case P::AND: return "'&&'";
    case P::OR: return "'||'";
    case P::NOT: return "'!'";
    case P::MINUS: return "'-'";
  }
  return "a token";
}

}  // namespace mon
