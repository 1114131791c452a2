#pragma once
// format(): the one canonical layout of a .mon file. Comments are kept.
#include <string>

#include "ast/ast.h"

namespace mon {

/// Formats a parsed file. Only call on a file that parsed without errors.
std::string format(const SourceManager& sm, const ast::File& file);
/// Formats source text that a program wrote (an importer's output), so it passes `fmt --check`
/// as written; text that does not parse comes back unchanged, for `check` to show where.
std::string formatGenerated(const std::string& text);

}  // namespace mon
