#include "diag/diag_engine.h"

#include "support/text.h"

namespace mon {

namespace {
struct Entry {
  const char* name;
  Severity severity;
  const char* format;
};
const Entry kCatalog[] = {
#define DIAG(id, sev, fmt) {#id, Severity::sev, fmt},
#include "diag/kinds.def"
#undef DIAG
};
}  // namespace

Severity severityOf(diag::Kind k) { return kCatalog[k].severity; }
const char* formatOf(diag::Kind k) { return kCatalog[k].format; }
const char* nameOf(diag::Kind k) { return kCatalog[k].name; }

std::string formatMessage(const char* fmt, const std::vector<std::string>& args) {
  std::string out;
  for (const char* p = fmt; *p; ++p) {
    if (*p == '%' && p[1] >= '0' && p[1] <= '9') {
      size_t i = static_cast<size_t>(p[1] - '0');
      // A quoted argument ('%0') is a user's value and is cut short; an unquoted one is an
      // explanation the compiler or a backend wrote, bounded only as a note is.
      bool quoted = p > fmt && p[-1] == '\'';
      if (i < args.size()) out += boundedForMessage(args[i], quoted ? kMaxArgChars : kMaxNoteChars);
      ++p;
    } else {
      out += *p;
    }
  }
  return out;
}

DiagBuilder DiagEngine::report(Range range, diag::Kind kind, std::vector<std::string> args) {
  Severity sev = severityOf(kind);
  if (sev == Severity::Warning && werror_) sev = Severity::Error;
  if (limitReached()) return DiagBuilder(this, static_cast<size_t>(-1));
  if (sev == Severity::Error) ++errors_;
  if (sev == Severity::Warning) ++warnings_;
  diags_.push_back(Diagnostic{kind, sev, range, formatMessage(formatOf(kind), args), {}, {}});
  size_t index = diags_.size() - 1;
  // Say once that the rest is not shown: the summary alone would read as a complete list.
  if (limitReached() && !stopReported_) {
    stopReported_ = true;
    diags_.push_back(Diagnostic{diag::err_too_many_errors, Severity::Error, Range{},
                                formatMessage(formatOf(diag::err_too_many_errors), {}), {}, {}});
  }
  return DiagBuilder(this, index);
}

void DiagEngine::append(const Diagnostic& d) {
  if (limitReached()) return;
  if (d.severity == Severity::Error) ++errors_;
  if (d.severity == Severity::Warning) ++warnings_;
  diags_.push_back(d);
}

DiagBuilder& DiagBuilder::note(Range range, std::string message) {
  // Notes are written at the call site and may quote a name or a value ("did you mean ...").
  if (index_ < engine_->diags_.size())
    engine_->diags_[index_].notes.push_back(mon::Note{range, boundedForMessage(message, kMaxNoteChars)});
  return *this;
}

DiagBuilder& DiagBuilder::fix(Range range, std::string replacement) {
  if (index_ < engine_->diags_.size())
    engine_->diags_[index_].fixits.push_back(FixIt{range, std::move(replacement)});
  return *this;
}

}  // namespace mon
