#include "expand/value.h"

#include "support/text.h"

namespace mon {

const char* describe(ValueKind k) {
  switch (k) {
    case ValueKind::Null: return "null";
    case ValueKind::Bool: return "a boolean";
    case ValueKind::Number: return "a number";
    case ValueKind::Duration: return "a duration";
    case ValueKind::String: return "a string";
    case ValueKind::Word: return "a bare word";
    case ValueKind::List: return "a list";
    case ValueKind::Map: return "a map";
  }
  return "a value";
}

std::string show(const Value& v) {
  switch (v.kind) {
    case ValueKind::Null: return "null";
    case ValueKind::Bool: return v.boolean ? "true" : "false";
    case ValueKind::Number: return formatNumber(v.number);
    case ValueKind::Duration: return formatDurationMs(v.durationMs);
    case ValueKind::String: return v.str.size() > 60 ? quoteSource(v.str.substr(0, 57) + "...") : quoteSource(v.str);
    case ValueKind::Word: return v.str;
    case ValueKind::List: return "a list";
    case ValueKind::Map: return "a map";
  }
  return "";
}

}  // namespace mon
