// Random programs from the grammar (some with long names and lists), with comments, blank lines and odd spacing between
// tokens: formatting keeps the tree and every comment and is idempotent.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "fmt_test_util.h"

namespace {

class Generator {
 public:
  // `wide` uses long names and longer lists, so that many lines pass 100 columns and break.
  Generator(uint32_t seed, bool wide) : rng_(seed), wide_(wide) {}

  std::string program() {
    std::vector<std::string> toks;
    int n = pick(1, 6);
    for (int i = 0; i < n; ++i) stmt(toks, 0);
    std::string out;
    for (const auto& t : toks) {
      out += t;
      out += trivia();
    }
    return out;
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(int percent) { return pick(1, 100) <= percent; }
  template <typename T>
  const T& oneOf(const std::vector<T>& v) { return v[static_cast<size_t>(pick(0, static_cast<int>(v.size()) - 1))]; }

  std::string trivia() {
    switch (pick(0, 11)) {
      case 0: return "\n";
      case 1: return "\n\n\n";
      case 2: return "  # c" + std::to_string(++comments_) + "  \n";
      case 3: return "\n// c" + std::to_string(++comments_) + "\n";
      case 4: return "\n  # c" + std::to_string(++comments_) + "\n\n";
      case 5: return "\t";
      default: return " ";
    }
  }

  std::string ident() {
    if (wide_) return oneOf<std::string>({"a_rather_long_name", "b", "cpu_usage_percentage", "host_metric_name_long"});
    return oneOf<std::string>({"a", "b", "cpu", "role_x", "_y", "host", "metric", "v2"});
  }

  std::string string(int depth) {
    static const std::vector<std::string> texts = {"plain", "q \\\" b \\\\", "\\n\\t\\r", "\\${x}", "$", "$$", "\\u{1F600}é",
                                                   "100%", "a:b", "", "\\$"};
    std::string s = "\"";
    int parts = pick(0, 3);
    for (int i = 0; i < parts; ++i) {
      if (depth < 2 && chance(30)) s += "${" + flatExpr(depth + 1) + "}";
      else s += oneOf(texts);
    }
    return s + "\"";
  }

  // An expression as one token (used inside `${...}`, where trivia would need care).
  std::string flatExpr(int depth) {
    std::vector<std::string> toks;
    expr(toks, depth);
    std::string s;
    for (const auto& t : toks) s += t + " ";
    return s;
  }

  void expr(std::vector<std::string>& t, int depth) {
    int k = depth > 3 ? pick(0, 5) : pick(0, 14);
    switch (k) {
      case 0: t.push_back(oneOf<std::string>({"0", "12", "0.5", "1e3", "2.5E-3"})); return;
      case 1: t.push_back(oneOf<std::string>({"5m", "30s", "1h30m", "3000ms", "7d"})); return;
      case 2: t.push_back(oneOf<std::string>({"true", "false", "null"})); return;
      case 3: t.push_back(string(depth)); return;
      case 4:
      case 5: t.push_back(ident()); return;
      case 6: {  // list
        t.push_back("[");
        int n = pick(0, wide_ ? 7 : 4);
        for (int i = 0; i < n; ++i) {
          if (i) t.push_back(",");
          expr(t, depth + 1);
        }
        if (n && chance(30)) t.push_back(",");
        t.push_back("]");
        return;
      }
      case 7: {  // map
        t.push_back("{");
        int n = pick(0, wide_ ? 7 : 4);
        for (int i = 0; i < n; ++i) {
          t.push_back(chance(70) ? ident() : oneOf<std::string>({"\"Quoted-Key\"", "\"a b\"", "\"\""}));
          t.push_back(chance(70) ? "=" : ":");
          expr(t, depth + 1);
          if (chance(60)) t.push_back(",");
        }
        t.push_back("}");
        return;
      }
      case 8:  // member
        operand(t, depth);
        t.push_back(".");
        t.push_back(ident());
        return;
      case 9:  // index
        operand(t, depth);
        t.push_back("[");
        expr(t, depth + 1);
        t.push_back("]");
        return;
      case 10: {  // call
        operand(t, depth);
        t.push_back("(");
        args(t, depth);
        t.push_back(")");
        return;
      }
      case 11:
        t.push_back(chance(50) ? "!" : "-");
        operand(t, depth);
        return;
      default: {
        operand(t, depth);
        t.push_back(oneOf<std::string>({"==", "!=", "<", ">", "<=", ">=", "&&", "||"}));
        operand(t, depth);
        return;
      }
    }
  }

  // A sub-expression, parenthesised unless it is a primary.
  void operand(std::vector<std::string>& t, int depth) {
    std::vector<std::string> sub;
    expr(sub, depth + 1);
    bool wrap = sub.size() > 1 || chance(10);
    if (wrap) t.push_back("(");
    t.insert(t.end(), sub.begin(), sub.end());
    if (wrap) t.push_back(")");
  }

  void args(std::vector<std::string>& t, int depth) {
    int n = pick(0, 3);
    for (int i = 0; i < n; ++i) {
      if (i) t.push_back(",");
      if (i > 0 && chance(50)) {
        t.push_back(ident());
        t.push_back("=");
      }
      expr(t, depth + 1);
    }
    if (n && chance(30)) t.push_back(",");
  }

  void body(std::vector<std::string>& t, int depth) {
    t.push_back("{");
    int n = depth > 2 ? pick(0, 1) : pick(0, 3);
    for (int i = 0; i < n; ++i) stmt(t, depth + 1);
    t.push_back("}");
  }

  void ifStmt(std::vector<std::string>& t, int depth) {
    t.push_back("if");
    expr(t, 1);
    body(t, depth);
    if (chance(50)) {
      t.push_back("else");
      if (chance(40)) ifStmt(t, depth + 1);
      else body(t, depth);
    }
  }

  void stmt(std::vector<std::string>& t, int depth) {
    switch (pick(0, 8)) {
      case 0: t.push_back("import"); t.push_back("\"lib/x.mon\""); return;
      case 1: t.push_back("let"); t.push_back(ident()); t.push_back("="); expr(t, 0); return;
      case 2: {
        t.push_back("template");
        t.push_back(ident());
        t.push_back("(");
        int n = pick(0, 3);
        for (int i = 0; i < n; ++i) {
          if (i) t.push_back(",");
          t.push_back(ident());
          if (chance(50)) {
            t.push_back("=");
            expr(t, 1);
          }
        }
        t.push_back(")");
        body(t, depth);
        return;
      }
      case 3: t.push_back("use"); t.push_back(ident()); t.push_back("("); args(t, 0); t.push_back(")"); return;
      case 4:
        t.push_back("for");
        t.push_back(ident());
        if (chance(50)) {
          t.push_back(",");
          t.push_back(ident());
        }
        t.push_back("in");
        expr(t, 1);
        body(t, depth);
        return;
      case 5: ifStmt(t, depth); return;
      case 6: {
        t.push_back(ident());
        int n = pick(0, 2);
        for (int i = 0; i < n; ++i) t.push_back(chance(50) ? ident() : string(0));
        body(t, depth);
        return;
      }
      default: t.push_back(ident()); t.push_back("="); expr(t, 0); return;
    }
  }

  std::mt19937 rng_;
  bool wide_;
  int comments_ = 0;
};

}  // namespace

TEST_CASE("random programs: same tree, same comments, idempotent") {
  for (uint32_t seed = 1; seed <= 3000; ++seed) {
    bool wide = seed % 3 == 0;
    std::string src = Generator(seed, wide).program();
    checkProperties("seed " + std::to_string(seed) + (wide ? " (wide)" : "") + ":\n" + src, src);
  }
}
