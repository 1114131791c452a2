#pragma once
// A diagnostic is data: an id from kinds.def, a severity, the range it is about, its
// arguments, and notes pointing at related places. Renderers turn it into text or JSON.
#include <string>
#include <vector>

#include "source/source_manager.h"

namespace mon {

enum class Severity { Note, Warning, Error };

namespace diag {
enum Kind : uint16_t {
#define DIAG(id, sev, fmt) id,
#include "diag/kinds.def"
#undef DIAG
  kNumKinds
};
}  // namespace diag

struct FixIt {
  Range range;
  std::string replacement;
};

struct Note {
  Range range;  // may be invalid: a note without a place
  std::string message;
};

struct Diagnostic {
  diag::Kind kind;
  Severity severity;
  Range range;
  std::string message;  // formatted from the catalog entry
  std::vector<Note> notes;
  std::vector<FixIt> fixits;
  std::string rule;  // the lint rule that made it ("MON001"), empty for the compiler's own checks
};

/// The note naming the values of one `for` step: "in the 'for' step where role = "web"".
/// DiagEngine::mergeLoopRepeats() recognises these notes by their prefix.
inline constexpr const char* kLoopNotePrefix = "in the 'for' step where ";
inline std::string loopStepNote(const std::string& where) { return kLoopNotePrefix + where; }

/// Severity and format string of a catalog entry.
Severity severityOf(diag::Kind k);
const char* formatOf(diag::Kind k);
/// The catalog name of an entry ("err_unknown_field"), used by the JSON renderer and tests.
const char* nameOf(diag::Kind k);
/// Longest argument quoted in a message, and longest note (in code points): past it the text is
/// cut with "…" and its length, so a megabyte name evaluated by a loop prints as one short line.
constexpr size_t kMaxArgChars = 100;
constexpr size_t kMaxNoteChars = 300;
/// Substitutes %0..%9 in the format; each argument through boundedForMessage() (quoted ones
/// at kMaxArgChars, unquoted explanations at kMaxNoteChars).
std::string formatMessage(const char* fmt, const std::vector<std::string>& args);

}  // namespace mon
