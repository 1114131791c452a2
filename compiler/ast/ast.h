#pragma once
// The generic syntax tree: blocks, attributes, expressions and control statements. It knows
// nothing about monitors or dashboards; compiler/check decides what is allowed where. Names and
// literal texts are Strs whose bytes the File's TextStore keeps alive (see ast/text.h).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ast/list.h"
#include "ast/text.h"
#include "source/source_manager.h"

namespace mon::ast {

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;

enum class ExprKind : uint8_t { Error, Null, Bool, Number, Duration, String, Ident, List, Map, Member, Index, Call, Unary, Binary };

/// One piece of a string literal: decoded text, or an interpolated `${expr}`.
struct StringPart {
  Str text;
  ExprPtr expr;  // set for interpolations
  Range range;
};

struct MapEntry {
  Str key;
  Range keyRange;
  bool quotedKey = false;
  ExprPtr value;
};

/// A call argument or `use` argument; `name` is empty for positional ones.
struct Arg {
  Str name;
  Range nameRange;
  ExprPtr value;
};

struct Expr {
  ExprKind kind = ExprKind::Error;
  bool boolean = false;      // Bool
  Range range;
  Str text;                  // number/duration spelling, identifier, member name, operator
  double number = 0;         // Number
  int64_t durationMs = 0;    // Duration
  List<StringPart> parts;  // String
  List<ExprPtr> items;     // List items; operands of Member/Index/Unary/Binary/Call (callee first)
  List<MapEntry> entries;  // Map
  List<Arg> args;          // Call arguments
};

enum class StmtKind : uint8_t { Import, Let, Template, Use, For, If, Attribute, Block };

struct Param {
  Str name;
  Range range;
  ExprPtr defaultValue;
};

/// A block label: a bare word (`host`) or a string (`"CPU high"`, may interpolate).
struct Label {
  bool isWord = false;
  Range range;
  Str word;
  ExprPtr string;
};

// Members are ordered so that no padding is left between them (144 bytes).
struct Stmt {
  StmtKind kind = StmtKind::Attribute;
  bool hasElse = false;
  bool elseIsIf = false;   // `else if`: elseBody holds one If statement
  Range range;
  Str name;                // let/template/use/attribute name, block type, for's first variable
  Range nameRange;
  Range name2Range;
  Str name2;               // for's second variable (`for k, v in ...`)
  ExprPtr value;           // let/attribute value, import path, for iterable, if condition
  List<Label> labels;      // Block
  List<Param> params;      // Template
  List<Arg> args;          // Use
  List<StmtPtr> body;      // Template, For, If (then), Block
  List<StmtPtr> elseBody;
  Range bodyRange;         // the braces
  Range elseRange;
};

/// A comment, kept for the formatter and the language server.
struct Comment {
  Range range;
  Str text;  // including the `#` or `//`; a view into the source text
};

struct File {
  FileId id = kNoFile;
  List<StmtPtr> stmts;
  std::vector<Comment> comments;
  TextStore strings;  // keeps the bytes of every Str in the tree (and the comments)
};

}  // namespace mon::ast
