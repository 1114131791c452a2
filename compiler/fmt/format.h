#pragma once
// format(): the one canonical layout of a .mon file. Comments are kept.
#include <string>

#include "ast/ast.h"

namespace mon {

/// Formats a parsed file. Only call on a file that parsed without errors.
std::string format(const SourceManager& sm, const ast::File& file);

}  // namespace mon
