#pragma once
// Reading JSON that a user hands monitorc (import inputs, saved plan files): one reader, so
// every such file gets the same rules and the same kind of error. Beyond nlohmann's parser it
// refuses duplicate object keys (which it would silently resolve), numbers out of double range
// and nesting deeper than `maxDepth`, and it reports every problem with a line and column.
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mon {

/// Deeper than any monitor, dashboard or plan file (about 10 levels); far below what the code
/// that walks a document recursively can take.
constexpr size_t kMaxJsonInputDepth = 256;

struct JsonInputError {
  std::string message;  // short, without location ("duplicate key 'name'")
  size_t offset = 0;    // byte offset in the text given (a BOM included)
  size_t line = 0;      // 1-based
  size_t column = 0;    // 1-based, in bytes
  /// "LINE:COLUMN: MESSAGE"
  std::string where() const;
};

/// Parses `text` (a UTF-8 BOM is skipped) into `out`; false with `error` set otherwise.
bool readJsonInput(std::string_view text, nlohmann::ordered_json& out, JsonInputError& error,
                   size_t maxDepth = kMaxJsonInputDepth);

}  // namespace mon
