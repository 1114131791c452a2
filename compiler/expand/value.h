#pragma once
// Values produced by evaluating expressions, and the objects (evaluated blocks) that the
// expand pass hands to the checker. Every value remembers the source range it came from.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "diag/diagnostic.h"
#include "source/source_manager.h"
#include "support/cow_vector.h"

namespace mon {

enum class ValueKind { Null, Bool, Number, Duration, String, Word, List, Map };

/// A value. `Word` is a bare name that is not a variable (an enum value such as GET or
/// warning); the checker accepts it only where a field takes an enumerated value.
struct Value {
  ValueKind kind = ValueKind::Null;
  Range range;
  bool boolean = false;
  double number = 0;
  int64_t durationMs = 0;
  std::string str;  // String, Word
  CowVector<Value> items;                             // List
  CowVector<std::pair<std::string, Value>> entries;    // Map, in source order
  CowVector<Range> keyRanges;                          // Map key ranges
  std::string suggestion;  // Word: the closest variable name, for "did you mean"

  const Value* find(std::string_view key) const {
    for (const auto& [k, v] : entries)
      if (k == key) return &v;
    return nullptr;
  }
};

/// "a string", "a number", ... for messages.
const char* describe(ValueKind k);
/// Text of a value as shown in messages ("5m", "\"abc\"", "[...]").
std::string show(const Value& v);

/// One attribute of an evaluated block.
struct Field {
  std::string name;
  Range nameRange;
  Value value;
};

/// An evaluated block: `monitor host "name" { ... }` with loops, templates and lets resolved.
struct Object {
  std::string type;                 // block type word: monitor, dashboard, row, graph, ...
  Range typeRange;
  Range range;                      // the whole block
  std::vector<Value> labels;        // evaluated labels (words or strings)
  std::vector<Field> fields;
  std::vector<Object> children;
  std::vector<Range> useSites;      // innermost first: the `use` statements that produced it
  std::vector<std::string> useTemplates;
  std::vector<Note> loopSteps;      // innermost first: the `for` steps that produced it (loopStepNote)

  const Field* field(std::string_view name) const {
    for (const auto& f : fields)
      if (f.name == name) return &f;
    return nullptr;
  }
};

}  // namespace mon
