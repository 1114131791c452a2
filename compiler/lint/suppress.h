#pragma once
// Inline suppressions: a comment directly above an object (or at the end of its first line)
//   # monitorc-lint: ignore MON004, MON005 -- the on-call wiki covers this service
// turns the listed rules off for that object. The reason after "--" is required.
#include <string>
#include <vector>

#include "diag/diag_engine.h"

namespace mon::lint {

class Suppressions {
 public:
  /// Reads the directives of every file in `sm` except `skip` (the configuration file),
  /// reporting malformed ones (no reason, an unknown rule) at their place.
  void scan(const SourceManager& sm, FileId skip, DiagEngine& diags);
  /// True, and the directive counted as used, when a directive on the object starting at
  /// `object` turns `code` off.
  bool suppresses(const std::string& code, Range object, const SourceManager& sm);
  /// Warns about directives that turned nothing off (stale after a fix, or placed wrongly).
  /// `enabled` says whether a rule ran at all: a suppression of a rule turned off is not stale.
  template <typename Enabled>
  void reportUnused(DiagEngine& diags, Enabled enabled) const {
    for (const auto& d : directives_)
      for (size_t i = 0; i < d.codes.size(); ++i)
        if (!d.used[i] && enabled(d.codes[i])) diags.report(d.codeRanges[i], diag::warn_lint_unused_suppression, {d.codes[i]});
  }

 private:
  struct Directive {
    FileId file;
    uint32_t targetLine;  // the line the object must start on; 0: none (a blank line follows)
    std::vector<std::string> codes;
    std::vector<Range> codeRanges;
    std::vector<bool> used;
  };
  void parseLine(const SourceManager& sm, FileId f, uint32_t line, DiagEngine& diags);
  std::vector<Directive> directives_;
};

}  // namespace mon::lint
