#include "lint/promql_scan.h"

#include <algorithm>
#include <cctype>

#include "support/text.h"

namespace mon::lint {

namespace {

struct Token {
  enum Kind { Ident, Open, Close, Brace, Range, Other } kind;
  std::string text;
};

bool identStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }
bool identChar(char c) { return identStart(c) || std::isdigit(static_cast<unsigned char>(c)); }

// Identifiers, brackets and range windows; strings, comments and label matchers are skipped
// ({...} becomes one Brace token, so label names inside never look like metrics).
std::vector<Token> tokens(const std::string& s) {
  std::vector<Token> out;
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c == '"' || c == '\'' || c == '`') {
      size_t j = i + 1;
      while (j < s.size() && s[j] != c) j += (s[j] == '\\' && c != '`') ? 2 : 1;
      i = j + 1;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '#') {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '{') {
      size_t j = i + 1;
      while (j < s.size() && s[j] != '}') {
        if (s[j] == '"' || s[j] == '\'' || s[j] == '`') {
          char q = s[j++];
          while (j < s.size() && s[j] != q) j += (s[j] == '\\' && q != '`') ? 2 : 1;
        }
        ++j;
      }
      out.push_back({Token::Brace, ""});
      i = j + 1;
    } else if (c == '[') {
      size_t j = s.find(']', i);
      if (j == std::string::npos) j = s.size();
      out.push_back({Token::Range, s.substr(i + 1, j - i - 1)});
      i = j + 1;
    } else if (identStart(c)) {
      size_t j = i;
      while (j < s.size() && identChar(s[j])) ++j;
      out.push_back({Token::Ident, s.substr(i, j - i)});
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      size_t j = i;  // a number, possibly a duration (5m) or 1e3: not a name
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
      i = j;
    } else {
      out.push_back({c == '(' ? Token::Open : c == ')' ? Token::Close : Token::Other, std::string(1, c)});
      ++i;
    }
  }
  return out;
}

bool isGrouping(const std::string& w) {
  static const char* kWords[] = {"by", "without", "on", "ignoring", "group_left", "group_right"};
  return std::any_of(std::begin(kWords), std::end(kWords), [&](const char* k) { return w == k; });
}

bool makesSenseOfCounter(const std::string& f) {
  static const char* kFns[] = {"rate", "irate", "increase", "resets", "changes", "absent", "absent_over_time",
                               "present_over_time", "count_over_time", "timestamp", "count", "group"};
  return std::any_of(std::begin(kFns), std::end(kFns), [&](const char* k) { return f == k; });
}

bool isRateLike(const std::string& f) { return f == "rate" || f == "irate" || f == "increase" || f == "delta" || f == "idelta" || f == "deriv"; }

bool endsWith(const std::string& s, const char* tail) {
  size_t n = std::char_traits<char>::length(tail);
  return s.size() >= n && s.compare(s.size() - n, n, tail) == 0;
}

}  // namespace

std::vector<std::string> rawCounters(const std::string& expr) {
  std::vector<Token> t = tokens(expr);
  std::vector<std::string> calls;  // the function (or "" for plain brackets, "by" for grouping) per open bracket
  std::vector<std::string> out;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i].kind == Token::Open) {
      calls.push_back(i > 0 && t[i - 1].kind == Token::Ident ? (isGrouping(t[i - 1].text) ? "by" : t[i - 1].text) : "");
    } else if (t[i].kind == Token::Close) {
      if (!calls.empty()) calls.pop_back();
    } else if (t[i].kind == Token::Ident) {
      bool call = i + 1 < t.size() && t[i + 1].kind == Token::Open;
      bool label = !calls.empty() && calls.back() == "by";
      if (call || label || !endsWith(t[i].text, "_total")) continue;
      if (std::any_of(calls.begin(), calls.end(), makesSenseOfCounter)) continue;
      if (std::find(out.begin(), out.end(), t[i].text) == out.end()) out.push_back(t[i].text);
    }
  }
  return out;
}

std::vector<Window> rateWindows(const std::string& expr) {
  std::vector<Token> t = tokens(expr);
  std::vector<std::string> calls;
  std::vector<Window> out;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i].kind == Token::Open) {
      calls.push_back(i > 0 && t[i - 1].kind == Token::Ident ? t[i - 1].text : "");
    } else if (t[i].kind == Token::Close) {
      if (!calls.empty()) calls.pop_back();
    } else if (t[i].kind == Token::Range && !calls.empty() && isRateLike(calls.back())) {
      std::string text = t[i].text;
      std::string window = text.substr(0, text.find(':'));  // a subquery [30m:1m]: its range
      window.erase(std::remove_if(window.begin(), window.end(), [](char c) { return c == ' '; }), window.end());
      int64_t ms = 0;
      if (parseDurationMs(window, ms)) out.push_back({calls.back(), window, ms / 1000.0});
    }
  }
  return out;
}

}  // namespace mon::lint
