#pragma once
// The generic syntax tree: blocks, attributes, expressions and control statements. It knows
// nothing about monitors or dashboards; compiler/check decides what is allowed where.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ast/list.h"
#include "source/source_manager.h"

namespace mon::ast {

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;

enum class ExprKind { Error, Null, Bool, Number, Duration, String, Ident, List, Map, Member, Index, Call, Unary, Binary };

/// One piece of a string literal: decoded text, or an interpolated `${expr}`.
struct StringPart {
  std::string text;
  ExprPtr expr;  // set for interpolations
  Range range;
};

struct MapEntry {
  std::string key;
  Range keyRange;
  bool quotedKey = false;
  ExprPtr value;
};

/// A call argument or `use` argument; `name` is empty for positional ones.
struct Arg {
  std::string name;
  Range nameRange;
  ExprPtr value;
};

struct Expr {
  ExprKind kind = ExprKind::Error;
  Range range;
  std::string text;          // number/duration spelling, identifier, member name, operator
  double number = 0;         // Number
  int64_t durationMs = 0;    // Duration
  bool boolean = false;      // Bool
  List<StringPart> parts;  // String
  List<ExprPtr> items;     // List items; operands of Member/Index/Unary/Binary/Call (callee first)
  List<MapEntry> entries;  // Map
  List<Arg> args;          // Call arguments
};

enum class StmtKind { Import, Let, Template, Use, For, If, Attribute, Block };

struct Param {
  std::string name;
  Range range;
  ExprPtr defaultValue;
};

/// A block label: a bare word (`host`) or a string (`"CPU high"`, may interpolate).
struct Label {
  bool isWord = false;
  std::string word;
  ExprPtr string;
  Range range;
};

struct Stmt {
  StmtKind kind = StmtKind::Attribute;
  Range range;
  std::string name;        // let/template/use/attribute name, block type, for's first variable
  Range nameRange;
  std::string name2;       // for's second variable (`for k, v in ...`)
  Range name2Range;
  ExprPtr value;           // let/attribute value, import path, for iterable, if condition
  List<Label> labels;          // Block
  List<Param> params;          // Template
  List<Arg> args;              // Use
  List<StmtPtr> body;          // Template, For, If (then), Block
  Range bodyRange;                    // the braces
  bool hasElse = false;
  bool elseIsIf = false;              // `else if`: elseBody holds one If statement
  List<StmtPtr> elseBody;
  Range elseRange;
};

/// A comment, kept for the formatter and the language server.
struct Comment {
  Range range;
  std::string text;  // including the `#` or `//`
};

struct File {
  FileId id = kNoFile;
  List<StmtPtr> stmts;
  std::vector<Comment> comments;
};

}  // namespace mon::ast
