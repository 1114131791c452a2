#pragma once
// Name resolution on the syntax tree for the language server: which let, template, parameter
// or loop variable a name at some offset refers to, across imported files.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "driver/load.h"
#include "expand/value.h"

namespace mon::lsp {

struct NameDef {
  enum Kind { Let, Template, Param, LoopVar } kind = Let;
  std::string name;
  Range range;                      // the defining name
  const ast::Stmt* stmt = nullptr;  // the let, template, or for statement
  const ast::Param* param = nullptr;
};

/// Names visible at `offset` of `file`, outermost first (imports, then enclosing bodies).
std::vector<NameDef> visibleNames(const Program& program, FileId file, uint32_t offset);
/// The innermost visible definition of `name`, if any.
std::optional<NameDef> resolve(const Program& program, FileId file, uint32_t offset, const std::string& name);

/// The value of a `let` when it does not depend on template arguments or loop variables.
std::optional<Value> letValue(const Program& program, const NameDef& def);

/// The `variable "name"` block declaring `name`, if any.
const ast::Stmt* findVariable(const Program& program, const std::string& name, FileId* file);

/// The source text of a range.
std::string sourceText(const SourceManager& sm, Range r);
/// A value written back as .mon source, cut short after about `budget` characters.
std::string renderValue(const Value& v, size_t budget = 400);

}  // namespace mon::lsp
