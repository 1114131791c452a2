#pragma once
// Bounds for YAML that a user hands monitorc (Prometheus rule files), checked in one streaming
// pass over the parser's events before any document is built: the size of the text, how deep
// maps and lists nest (yaml-cpp parses recursively) and how many nodes the documents hold once
// aliases are expanded (a "billion laughs" file is a few lines whose aliases expand to billions
// of nodes; yaml-cpp shares aliased nodes, but whatever walks the documents pays for every copy). Problems come
// back with a line and column, like readJsonInput's (support/json_input.h).
#include <cstddef>
#include <string>
#include <string_view>

#include "support/files.h"

namespace mon::prometheus {

struct YamlLimits {
  size_t maxBytes = kMaxInputBytes;  // 64 MiB, as readRegularFile takes
  /// Far deeper than a rule file (about 6 levels), as for JSON input (kMaxJsonInputDepth).
  size_t maxDepth = 256;
  /// Nodes in all documents, each alias counted at the full size of what it names: a rule is
  /// about ten, so this is some 100,000 rules (a large real file has a few thousand), and
  /// bounds what yaml-cpp allocates for the loaded documents (a few hundred bytes a node).
  size_t maxNodes = 1000000;
};

struct YamlInputError {
  std::string message;  // without location ("nested more than 256 levels deep")
  size_t line = 0;      // 1-based; 0 when the problem is the whole text (its size)
  size_t column = 0;    // 1-based
  /// "LINE:COLUMN: MESSAGE", or MESSAGE alone when there is no location.
  std::string where() const;
};

/// True when `text` is YAML within `limits`; false with `error` set when it is not YAML or
/// goes past a limit. Needs memory for the anchors only, and time linear in the text.
bool checkYamlInput(std::string_view text, YamlInputError& error, const YamlLimits& limits = {});

/// A duration as Prometheus and Alertmanager files write it ("1h30m", "90s", "500ms", "1y"), in
/// milliseconds; -1 when malformed. (The language's own durations: support/text.h.)
long long parseDurationMs(const std::string& text);

}  // namespace mon::prometheus
