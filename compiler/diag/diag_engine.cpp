#include "diag/diag_engine.h"

#include <unordered_map>

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
  return reportRule(range, kind, std::move(args), severityOf(kind), "");
}

DiagBuilder DiagEngine::reportRule(Range range, diag::Kind kind, std::vector<std::string> args, Severity sev,
                                   std::string rule) {
  if (sev == Severity::Warning && werror_) sev = Severity::Error;
  if (limitReached()) return DiagBuilder(this, static_cast<size_t>(-1));
  if (sev == Severity::Error) ++errors_;
  if (sev == Severity::Warning) ++warnings_;
  diags_.push_back(Diagnostic{kind, sev, range, formatMessage(formatOf(kind), args), {}, {}, std::move(rule)});
  size_t index = diags_.size() - 1;
  // Say once that the rest is not shown: the summary alone would read as a complete list.
  if (limitReached() && !stopReported_) {
    stopReported_ = true;
    diags_.push_back(Diagnostic{diag::err_too_many_errors, Severity::Error, Range{},
                                formatMessage(formatOf(diag::err_too_many_errors), {}), {}, {}, ""});
  }
  return DiagBuilder(this, index);
}

void DiagEngine::append(const Diagnostic& d) {
  if (limitReached()) return;
  diags_.push_back(d);
  // As report() would: the other engine may not have been told --werror.
  if (diags_.back().severity == Severity::Warning && werror_) diags_.back().severity = Severity::Error;
  if (diags_.back().severity == Severity::Error) ++errors_;
  if (diags_.back().severity == Severity::Warning) ++warnings_;
}

void DiagEngine::replay(const std::vector<Diagnostic>& reported) {
  for (size_t i = 0; i < reported.size(); ++i) {
    if (reported[i].kind == diag::err_too_many_errors) continue;  // the other engine's limit
    if (limitReached()) return;
    append(reported[i]);
    if (!limitReached()) continue;
    if (stopReported_) return;
    stopReported_ = true;
    if (i + 1 < reported.size() && reported[i + 1].kind == diag::err_too_many_errors)
      diags_.push_back(reported[i + 1]);
    else
      diags_.push_back(Diagnostic{diag::err_too_many_errors, Severity::Error, Range{},
                                  formatMessage(formatOf(diag::err_too_many_errors), {}), {}, {}, ""});
    return;
  }
}

namespace {

bool isLoopNote(const Note& n) { return n.message.rfind(kLoopNotePrefix, 0) == 0; }

bool sameRange(Range a, Range b) { return a.file == b.file && a.begin == b.begin && a.end == b.end; }

// Two diagnostics say the same thing when only their `for` step notes differ.
bool sameButLoop(const Diagnostic& a, const Diagnostic& b) {
  if (a.kind != b.kind || a.severity != b.severity || !sameRange(a.range, b.range) || a.message != b.message ||
      a.rule != b.rule)
    return false;
  std::vector<const Note*> na, nb;
  for (const Note& n : a.notes)
    if (!isLoopNote(n)) na.push_back(&n);
  for (const Note& n : b.notes)
    if (!isLoopNote(n)) nb.push_back(&n);
  if (na.size() != nb.size()) return false;
  for (size_t i = 0; i < na.size(); ++i)
    if (na[i]->message != nb[i]->message || !sameRange(na[i]->range, nb[i]->range)) return false;
  return true;
}

// "role = \"a\"" from each step note of `d` (nested loops joined innermost first).
std::string stepValues(const Diagnostic& d) {
  std::string out;
  for (const Note& n : d.notes)
    if (isLoopNote(n)) out += (out.empty() ? "" : ", ") + n.message.substr(std::char_traits<char>::length(kLoopNotePrefix));
  return out;
}

}  // namespace

void DiagEngine::mergeLoopRepeats() {
  constexpr size_t kShown = 5;
  // Diagnostics made in loops, by what they say and where: the candidates for a merge.
  std::unordered_map<std::string, std::vector<size_t>> groups;
  std::vector<size_t> order;
  for (size_t i = 0; i < diags_.size(); ++i) {
    const Diagnostic& d = diags_[i];
    bool looped = false;
    for (const Note& n : d.notes) looped |= isLoopNote(n);
    if (!looped) continue;
    std::string key = std::to_string(d.kind) + ":" + std::to_string(d.range.file) + ":" + std::to_string(d.range.begin) +
                      ":" + std::to_string(d.range.end) + ":" + d.message;
    groups[key].push_back(i);
  }
  std::vector<bool> drop(diags_.size(), false);
  for (auto& [key, members] : groups) {
    for (size_t a = 0; a < members.size(); ++a) {
      size_t i = members[a];
      if (drop[i]) continue;
      std::vector<std::string> values{stepValues(diags_[i])};
      for (size_t b = a + 1; b < members.size(); ++b) {
        size_t j = members[b];
        if (drop[j] || !sameButLoop(diags_[i], diags_[j])) continue;
        drop[j] = true;
        values.push_back(stepValues(diags_[j]));
        if (diags_[j].severity == Severity::Error) --errors_;
        if (diags_[j].severity == Severity::Warning) --warnings_;
      }
      if (values.size() < 2) continue;
      // One note at the innermost loop, listing the steps that all report the same problem.
      Range at;
      std::vector<Note> kept;
      for (const Note& n : diags_[i].notes) {
        if (!isLoopNote(n)) kept.push_back(n);
        else if (!at.valid()) at = n.range;
      }
      // One loop variable: name it once ("role = "web", "api""); several: each step in full.
      std::string name = values[0].substr(0, values[0].find(" = ") + 3);
      bool single = name.size() > 3;
      for (const auto& v : values) single &= v.compare(0, name.size(), name) == 0 && v.find(", ", name.size()) == std::string::npos;
      std::string list = single ? name : "";
      for (size_t k = 0; k < values.size() && k < kShown; ++k)
        list += (k ? (single ? ", " : "; ") : "") + (single ? values[k].substr(name.size()) : values[k]);
      if (values.size() > kShown) list += " and " + std::to_string(values.size() - kShown) + " more";
      kept.push_back(Note{at, boundedForMessage("in " + std::to_string(values.size()) + " 'for' steps, where " + list,
                                                kMaxNoteChars)});
      diags_[i].notes = std::move(kept);
    }
  }
  if (groups.empty()) return;
  size_t w = 0;
  for (size_t i = 0; i < diags_.size(); ++i)
    if (!drop[i]) {
      if (w != i) diags_[w] = std::move(diags_[i]);
      ++w;
    }
  diags_.erase(diags_.begin() + static_cast<std::ptrdiff_t>(w), diags_.end());
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
