// The .mon grammar. Syntax only: blocks, attributes, expressions and a few control
// statements. What a block kind or field means is decided by compiler/check's schema tables.
//
// Tokens come from a hand-written lexer (compiler/parse/lexer.cpp): the ANTLR C++ lexer was
// the bottleneck for large inputs, and string interpolation needs a mode stack anyway. The
// `tokens` section below fixes the token types both sides agree on.
parser grammar MonParser;

@parser::members {
  // The generated rule functions call this exitRule rather than the runtime's (which is not
  // virtual): that one finds the parent context with a dynamic_cast on every rule exit, a
  // tenth of a large file's parse. A parser's contexts are always ParserRuleContexts; the
  // steps are otherwise the runtime's.
  void exitRule() {
    _ctx->stop = _matchedEOF ? _input->LT(1) : _input->LT(-1);
    if (!_parseListeners.empty()) triggerExitRuleEvent();
    setState(_ctx->invokingState);
    _ctx = static_cast<antlr4::ParserRuleContext*>(_ctx->parent);
  }

  // Rule contexts for the generated rule functions, which create them through `_tracker`:
  // this one hides the runtime's, which allocates each context on its own and deletes each
  // in turn when the parser goes. Here contexts are placed in blocks the parser owns and
  // destroyed together, as the runtime's are, with the parser.
  class ContextArena {
   public:
    ContextArena() = default;
    ContextArena(const ContextArena&) = delete;
    ContextArena& operator=(const ContextArena&) = delete;
    ~ContextArena() {
      for (antlr4::tree::ParseTree* t : made_) t->~ParseTree();
      for (char* b : blocks_) ::operator delete(b);
    }
    template <typename T, typename... Args>
    T* createInstance(Args&&... args) {
      static_assert(std::is_base_of<antlr4::tree::ParseTree, T>::value, "a parse tree type");
      constexpr size_t kAlign = 16;
      static_assert(alignof(T) <= kAlign, "a context's alignment is kept");
      constexpr size_t size = (sizeof(T) + kAlign - 1) / kAlign * kAlign;
      static_assert(size <= kBlockBytes, "a context fits in a block");
      if (blocks_.empty() || used_ + size > kBlockBytes) {
        blocks_.push_back(static_cast<char*>(::operator new(kBlockBytes)));
        used_ = 0;
      }
      T* result = new (blocks_.back() + used_) T(args...);
      used_ += size;
      made_.push_back(result);
      return result;
    }

   private:
    static constexpr size_t kBlockBytes = 8 * 1024;  // a small size class: reused, not mapped anew
    std::vector<char*> blocks_;
    size_t used_ = 0;
    std::vector<antlr4::tree::ParseTree*> made_;  // to run their destructors
  };
  ContextArena _tracker;
}

tokens {
  IDENT, NUMBER, DURATION,
  STR_OPEN, STR_TEXT, STR_CLOSE, INTERP_OPEN,
  KW_IMPORT, KW_LET, KW_TEMPLATE, KW_USE, KW_FOR, KW_IN, KW_IF, KW_ELSE,
  KW_TRUE, KW_FALSE, KW_NULL,
  LBRACE, RBRACE, LBRACK, RBRACK, LPAREN, RPAREN,
  ASSIGN, COMMA, COLON, DOT,
  EQ, NE, LE, GE, LT, GT, AND, OR, NOT, MINUS
}

file      : stmt* EOF ;

// Every decision below is made on the next token (LL(1)), so the generated parser picks an
// alternative with a switch instead of ANTLR's adaptive prediction, which was a quarter of the
// parse time on large inputs. That is why a field (`name = value`) and a block (`name labels
// { ... }`) share one alternative, and why expressions are a flat run of operands.
stmt      : importStmt | letStmt | templateStmt | useStmt | forStmt | ifStmt
          | IDENT (ASSIGN expr | (IDENT | string)* body) ;

importStmt   : KW_IMPORT string ;
letStmt      : KW_LET IDENT ASSIGN expr ;
templateStmt : KW_TEMPLATE IDENT LPAREN (param (COMMA param)* COMMA?)? RPAREN body ;
param        : IDENT (ASSIGN expr)? ;
useStmt      : KW_USE IDENT LPAREN argList? RPAREN ;
forStmt      : KW_FOR IDENT (COMMA IDENT)? KW_IN expr body ;
ifStmt       : KW_IF expr body (KW_ELSE (ifStmt | body))? ;
body         : LBRACE stmt* RBRACE ;

argList   : arg (COMMA arg)* COMMA? ;
arg       : (IDENT ASSIGN)? expr ;

// One operand (prefix operators, a primary, postfix member/index/call), then optionally a
// binary operator and the rest of the expression. The parse tree is right-nested and knows no
// precedence: AstBuilder flattens the run and applies it (comparisons bind tighter than `&&`,
// `&&` tighter than `||`, all left-associative). A literal is a single parse-tree context.
expr      : (NOT | MINUS)*
            ( NUMBER | DURATION | KW_TRUE | KW_FALSE | KW_NULL | IDENT
            | string | list | map | LPAREN expr RPAREN )
            ( DOT IDENT | LBRACK expr RBRACK | LPAREN argList? RPAREN )*
            ( (EQ | NE | LT | GT | LE | GE | AND | OR) expr )? ;
list      : LBRACK (expr (COMMA expr)* COMMA?)? RBRACK ;
map       : LBRACE (mapEntry COMMA?)* RBRACE ;
mapEntry  : (IDENT | string) (ASSIGN | COLON) expr ;
string    : STR_OPEN (STR_TEXT | INTERP_OPEN expr RBRACE)* STR_CLOSE ;
