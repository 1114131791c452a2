#pragma once
// Writing .mon source for `monitorc import`: literals (strings, numbers, durations, lists,
// maps) and blocks in the canonical layout of `monitorc fmt` (2-space indent, `name = value`,
// lists and maps on one line when the line fits in 100 columns, else one item per line with
// a trailing comma).
#include <string>
#include <utility>
#include <vector>

#include "check/schema.h"
#include "support/text.h"  // camelCase
#include "mackerel/import.h"

namespace mon::mackerel {

/// A source value: an atom (already spelled) or a list or map of values.
struct Lit {
  enum Kind { Atom, List, Map } kind = Atom;
  std::string atom;
  std::vector<Lit> items;         // List items, or Map values
  std::vector<std::string> keys;  // Map: spelled keys, one per item
  static Lit of(std::string a);
  static Lit list();
  static Lit map();
  /// Map: appends `key = value`.
  void add(std::string key, Lit value);
  bool empty() const { return kind == Atom && atom.empty(); }
};

// Defined here, where Lit is complete.
inline Lit Lit::of(std::string a) {
  Lit l;
  l.atom = std::move(a);
  return l;
}
inline Lit Lit::list() {
  Lit l;
  l.kind = List;
  return l;
}
inline Lit Lit::map() {
  Lit l;
  l.kind = Map;
  return l;
}
inline void Lit::add(std::string key, Lit value) {
  keys.push_back(std::move(key));
  items.push_back(std::move(value));
}

/// The value on one line: `[a, b]`, `{ k = v }` (plan output).
std::string flatLiteral(const Lit& v);
/// A source value for any JSON value (used for raw passthrough and generic values).
Lit jsonLiteral(const ImportJson& v);
/// A quoted string that compiles back to exactly `s`.
std::string stringLiteral(const std::string& s);
/// A map key: bare when it is an identifier and not a keyword, quoted otherwise.
std::string keyLiteral(const std::string& k);
/// A number as the lexer reads it back to the same double.
std::string numberLiteral(const ImportJson& v);
/// `value` (a whole number of the field's units) as a duration: 60 minutes -> "1h".
/// Returns "" when it is not a non-negative whole number.
std::string durationLiteral(const ImportJson& value, long long unitMs);
/// The source for `value` as field `f` takes it (durations, enum words, scopes ...), or an
/// empty Lit when the value does not fit the field's type (the caller then uses jsonLiteral).
Lit fieldLiteral(const schema::Field& f, const ImportJson& value);
/// API camelCase -> DSL snake_case: "maxCheckAttempts" -> "max_check_attempts".
std::string snakeCase(const std::string& camel);

/// Lines of one block with its nested blocks.
class BlockWriter {
 public:
  explicit BlockWriter(std::string& out, int depth = 0) : out_(out), depth_(depth) {}
  /// `name = value`.
  void attr(const std::string& name, const Lit& value);
  void attr(const std::string& name, const std::string& atom) { attr(name, Lit::of(atom)); }
  /// A line as given (e.g. `markdown "notes" {}`).
  void line(const std::string& text);
  /// Opens `header {`; nested calls are indented until close().
  void open(const std::string& header);
  void close();

 private:
  void indent();
  std::string& out_;
  int depth_;
};

}  // namespace mon::mackerel
