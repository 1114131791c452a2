#include "context.h"

#include "check/schema.h"
#include "tokens.h"

namespace mon::lsp {

namespace {

// What the statement being read in a body expects next.
enum class Mode { Statement, Header, AttrName, AttrExpr, LetName, LetExpr, Import, UseName, ForVars, ForExpr, IfExpr,
                  ElseHead, TemplateHead };

struct Frame {
  enum Kind { Body, Map, List, Paren, Interp, String } kind = Body;
  bool isBlock = false;  // Body: a real block (not a for/if/template body)
  BlockFrame block;      // Body: the block; also the header being read in Mode::Header
  Mode mode = Mode::Statement;
  std::string field;
  bool operand = true;  // an operand is expected next (expression modes and containers)
  uint32_t begin = 0;   // String: offset after the quote
};

bool isOperandStart(Tok k) {
  return k == Tok::Ident || k == Tok::Number || k == Tok::Duration || k == Tok::StrOpen || k == Tok::True ||
         k == Tok::False || k == Tok::Null;
}
bool isStatementKeyword(Tok k) {
  return k == Tok::Import || k == Tok::Let || k == Tok::Template || k == Tok::Use || k == Tok::For || k == Tok::If;
}

class Scanner {
 public:
  Scanner(std::string_view text, const TokenList& toks, size_t count) : text_(text), t_(toks), n_(count) {
    stack_.push_back(Frame{});
  }

  void run() {
    for (i_ = 0; i_ < n_; ++i_) step(t_.kinds[i_]);
  }
  const std::vector<Frame>& stack() const { return stack_; }

 private:
  std::string tokText(size_t i) const {
    const Token& tok = t_.tokens[i];
    return std::string(text_.substr(tok.begin, tok.end - tok.begin));
  }
  Frame& top() { return stack_.back(); }
  void push(Frame::Kind k) {
    Frame f;
    f.kind = k;
    f.begin = t_.tokens[i_].end;
    stack_.push_back(std::move(f));
  }
  void pushBody(bool isBlock, BlockFrame block) {
    top().mode = Mode::Statement;
    Frame f;
    f.isBlock = isBlock;
    f.block = std::move(block);
    stack_.push_back(std::move(f));
  }
  // A container or string closed: the enclosing frame has one complete operand.
  void operandDone(const std::string& stringText) {
    Frame& f = top();
    if (f.kind != Frame::Body) {
      f.operand = false;
      return;
    }
    switch (f.mode) {
      case Mode::Header: f.block.labels.push_back(stringText); break;
      case Mode::Import:
      case Mode::UseName: f.mode = Mode::Statement; break;
      case Mode::TemplateHead: break;
      default: f.operand = false; break;
    }
  }
  // Pops containers up to and including one of kind `k`; false if a body comes first.
  bool close(Frame::Kind k) {
    for (size_t j = stack_.size(); j-- > 1;) {
      if (stack_[j].kind == Frame::Body) return false;
      if (stack_[j].kind == k) {
        stack_.resize(j);
        operandDone("");
        return true;
      }
    }
    return false;
  }
  void closeBody() {
    while (stack_.size() > 1 && top().kind != Frame::Body) stack_.pop_back();
    if (stack_.size() > 1) stack_.pop_back();
    top().mode = Mode::Statement;
  }

  void step(Tok k) {
    Frame& f = top();
    if (f.kind == Frame::String) return stringToken(k);
    if (f.kind != Frame::Body) return containerToken(k);
    switch (f.mode) {
      case Mode::Statement: return statement(k);
      case Mode::Header: return header(k);
      case Mode::AttrName:
        if (k == Tok::Assign) {
          f.mode = Mode::AttrExpr;
          f.operand = true;
          return;
        }
        f.mode = Mode::Statement;
        return statement(k);
      case Mode::LetName:
        if (k == Tok::Ident) return;
        if (k == Tok::Assign) {
          f.mode = Mode::LetExpr;
          f.operand = true;
          return;
        }
        f.mode = Mode::Statement;
        return statement(k);
      case Mode::Import:
        if (k == Tok::StrOpen) return push(Frame::String);
        f.mode = Mode::Statement;
        return statement(k);
      case Mode::UseName:
        if (k == Tok::Ident) return;
        if (k == Tok::LParen) return push(Frame::Paren);
        f.mode = Mode::Statement;
        return statement(k);
      case Mode::ForVars:
        if (k == Tok::Ident || k == Tok::Comma) return;
        f.mode = Mode::ForExpr;
        f.operand = true;
        if (k == Tok::In) return;
        return expression(k);
      case Mode::ElseHead:
        if (k == Tok::If) {
          f.mode = Mode::IfExpr;
          f.operand = true;
          return;
        }
        if (k == Tok::LBrace) return pushBody(false, {});
        f.mode = Mode::Statement;
        return statement(k);
      case Mode::TemplateHead:
        if (k == Tok::Ident) return;
        if (k == Tok::LParen) return push(Frame::Paren);
        if (k == Tok::LBrace) return pushBody(false, {});
        f.mode = Mode::Statement;
        return statement(k);
      default: return expression(k);
    }
  }

  void statement(Tok k) {
    Frame& f = top();
    switch (k) {
      case Tok::Ident:
        if (i_ + 1 < n_ && t_.kinds[i_ + 1] == Tok::Assign) {
          f.mode = Mode::AttrName;
          f.field = tokText(i_);
        } else {
          f.mode = Mode::Header;
          f.block = BlockFrame{tokText(i_), {}};
        }
        return;
      case Tok::Let: f.mode = Mode::LetName; return;
      case Tok::Import: f.mode = Mode::Import; return;
      case Tok::Use: f.mode = Mode::UseName; return;
      case Tok::For: f.mode = Mode::ForVars; return;
      case Tok::If: f.mode = Mode::IfExpr; f.operand = true; return;
      case Tok::Else: f.mode = Mode::ElseHead; return;
      case Tok::Template: f.mode = Mode::TemplateHead; return;
      case Tok::RBrace: return closeBody();
      case Tok::LBrace: return pushBody(false, {});
      case Tok::StrOpen: return push(Frame::String);
      default: return;
    }
  }

  void header(Tok k) {
    Frame& f = top();
    if (k == Tok::Ident) return f.block.labels.push_back(tokText(i_));
    if (k == Tok::StrOpen) return push(Frame::String);
    if (k == Tok::LBrace) return pushBody(true, f.block);
    if (k == Tok::Assign) {
      f.field = f.block.type;
      f.mode = Mode::AttrExpr;
      f.operand = true;
      return;
    }
    f.mode = Mode::Statement;
    statement(k);
  }

  void expression(Tok k) {
    Frame& f = top();
    bool ends = !f.operand && (isOperandStart(k) || isStatementKeyword(k) || k == Tok::Else);
    if ((ends && (f.mode == Mode::AttrExpr || f.mode == Mode::LetExpr)) || k == Tok::RBrace) {
      f.mode = Mode::Statement;
      return statement(k);
    }
    if (k == Tok::LBrace) {
      if (f.operand) return push(Frame::Map);
      if (f.mode == Mode::ForExpr || f.mode == Mode::IfExpr) return pushBody(false, {});
      f.mode = Mode::Statement;
      return statement(k);
    }
    operatorOrOperand(k);
  }

  // Shared by body expressions and containers.
  void operatorOrOperand(Tok k) {
    Frame& f = top();
    switch (k) {
      case Tok::LBrack: return push(Frame::List);
      case Tok::LParen: return push(Frame::Paren);
      case Tok::StrOpen: return push(Frame::String);
      case Tok::Ident: case Tok::Number: case Tok::Duration: case Tok::True: case Tok::False: case Tok::Null:
        f.operand = false;
        return;
      case Tok::RBrack: close(Frame::List); return;
      case Tok::RParen: close(Frame::Paren); return;
      default: f.operand = true; return;  // operators, '.', ',', ':', '=', 'in'
    }
  }

  void containerToken(Tok k) {
    Frame& f = top();
    if (k == Tok::LBrace) return push(Frame::Map);
    if (k == Tok::RBrace) {
      if (f.kind == Frame::Interp || f.kind == Frame::Map) {
        stack_.pop_back();
        if (top().kind == Frame::String) return;  // back inside the string
        return operandDone("");
      }
      if (!close(Frame::Map)) {
        closeBody();
      }
      return;
    }
    operatorOrOperand(k);
  }

  void stringToken(Tok k) {
    if (k == Tok::InterpOpen) {
      push(Frame::Interp);
      return;
    }
    if (k == Tok::StrClose) {
      uint32_t begin = top().begin;
      std::string text(text_.substr(begin > 0 ? begin - 1 : 0, t_.tokens[i_].end - (begin > 0 ? begin - 1 : 0)));
      stack_.pop_back();
      operandDone(text);
    }
  }

  std::string_view text_;
  const TokenList& t_;
  size_t n_;
  size_t i_ = 0;
  std::vector<Frame> stack_;
};

bool isWordToken(Tok k) {
  return k == Tok::Ident || (k >= Tok::Import && k <= Tok::Null);
}

void fillSlot(const std::vector<Frame>& stack, std::string_view text, uint32_t offset, CursorContext& c) {
  const Frame& f = stack.back();
  if (f.kind == Frame::String) {
    const Frame& parent = stack[stack.size() - 2];
    c.slot = parent.kind == Frame::Body && parent.mode == Mode::Import ? Slot::ImportPath : Slot::String;
    c.stringBegin = f.begin;
    c.stringText = std::string(text.substr(f.begin, offset > f.begin ? offset - f.begin : 0));
    return;
  }
  if (f.kind != Frame::Body) {
    c.slot = f.operand ? Slot::Expression : Slot::None;
    return;
  }
  switch (f.mode) {
    case Mode::Statement: c.slot = Slot::Statement; return;
    case Mode::Header:
      c.slot = Slot::BlockLabel;
      c.blockType = f.block.type;
      c.labelIndex = f.block.labels.size();
      return;
    case Mode::AttrExpr:
      c.slot = f.operand ? Slot::FieldValue : Slot::Statement;
      c.field = f.field;
      return;
    case Mode::LetExpr: case Mode::ForExpr: case Mode::IfExpr:
      c.slot = f.operand ? Slot::Expression : Slot::None;
      return;
    case Mode::UseName: c.slot = Slot::UseName; return;
    default: c.slot = Slot::None; return;
  }
}

}  // namespace

CursorContext cursorContext(std::string_view text, uint32_t offset) {
  if (offset > text.size()) offset = static_cast<uint32_t>(text.size());
  TokenList toks = tokenize(text);
  size_t n = 0;
  while (n < toks.tokens.size() && toks.kinds[n] != Tok::Eof && toks.tokens[n].begin < offset) ++n;
  CursorContext c;
  c.prefixBegin = offset;
  // A word the cursor is in or right after is the prefix being typed, not context.
  if (n > 0 && isWordToken(toks.kinds[n - 1]) && toks.tokens[n - 1].end >= offset) {
    --n;
    c.prefixBegin = toks.tokens[n].begin;
    c.prefix = std::string(text.substr(c.prefixBegin, offset - c.prefixBegin));
  }
  uint32_t before = n > 0 ? toks.tokens[n - 1].end : 0;
  c.lineStart = n == 0 || text.substr(before, c.prefixBegin - std::min(before, c.prefixBegin)).find('\n') != std::string_view::npos;
  Scanner s(text, toks, n);
  s.run();
  for (const Frame& f : s.stack())
    if (f.kind == Frame::Body && f.isBlock) c.blocks.push_back(f.block);
  fillSlot(s.stack(), text, offset, c);
  if (c.slot == Slot::ImportPath || c.slot == Slot::String) c.prefix.clear();
  return c;
}

namespace {
std::string wordLabel(const BlockFrame& b) {
  return !b.labels.empty() && !b.labels[0].empty() && b.labels[0][0] != '"' ? b.labels[0] : "";
}
}  // namespace

const schema::Kind* kindOf(const std::vector<BlockFrame>& blocks) {
  if (blocks.empty()) return nullptr;
  const BlockFrame& b = blocks.back();
  if (b.type == "monitor") return schema::findKind(schema::monitorKinds(), wordLabel(b));
  if (b.type == "target") return schema::findKind(schema::targetKinds(), wordLabel(b));
  if (b.type == "channel") return schema::findKind(schema::channelKinds(), wordLabel(b));
  if (b.type == "route") return &schema::routeKind();
  if (b.type == "maintenance") return &schema::maintenanceKind();
  if (b.type == "route_test") return &schema::routeTestKind();
  if (b.type == "dashboard") return &schema::dashboardKind();
  if (b.type == "variable") return &schema::variableKind();
  if (b.type == "record") return &schema::recordKind();
  if (b.type == "alert") return &schema::alertKind();
  if (b.type == "defaults") return &schema::defaultsKind();
  if (b.type == "row") return &schema::rowKind();
  if (b.type == "test") return &schema::testKind();
  if (b.type == "input" && blocks.size() > 1 && blocks[blocks.size() - 2].type == "test") return &schema::testInputKind();
  if (b.type == "expect" && blocks.size() > 1 && blocks[blocks.size() - 2].type == "test") return &schema::testExpectKind();
  return schema::findKind(schema::widgetKinds(), b.type);
}

std::vector<std::string> childBlockTypes(const std::vector<BlockFrame>& blocks) {
  if (blocks.empty()) return schema::topLevelBlocks();
  const std::string& t = blocks.back().type;
  std::vector<std::string> out;
  if (t == "dashboard") out.push_back("row");
  if (t == "test") out = {"input", "expect"};
  if (t == "dashboard" || t == "row") {
    auto w = schema::kindNames(schema::widgetKinds());
    out.insert(out.end(), w.begin(), w.end());
  }
  return out;
}

}  // namespace mon::lsp
