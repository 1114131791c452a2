#pragma once
// What the text and markdown plans show of one field: the source's words when the backend gave
// them (plan.h, FieldChange), the API's otherwise; multi-line text as a line diff.
#include <string>
#include <vector>

#include "plan.h"

namespace mon::engine {

/// A markdown code span showing `s` exactly on one line (controls escaped); `inTable`: safe in a
/// table cell. Every name or value from the source or a server goes through it.
std::string markdownCode(const std::string& s, bool inTable = false);
/// The field's name as written in source, else its API path.
std::string fieldName(const FieldChange& f);
/// One side's value as written in source, else compact JSON; "(none)" when that side is absent.
std::string fieldValue(const FieldChange& f, bool after);
/// True when either side is text of more than one line (a memo, a description, PromQL).
bool isMultiLine(const FieldChange& f);
/// The lines of a unified diff from the old text to the new (an absent side is empty): hunk
/// headers, then " ", "-" and "+" lines, without the file header.
std::vector<std::string> lineDiff(const FieldChange& f);
/// The fields a change shows: its own, or for a create read from a plan without them, every
/// field of the body (no words: the backend is not there to give them).
std::vector<FieldChange> shownFields(const Change& c);

}  // namespace mon::engine
