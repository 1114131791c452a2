// The .mon grammar. Syntax only: blocks, attributes, expressions and a few control
// statements. What a block kind or field means is decided by compiler/check's schema tables.
//
// Tokens come from a hand-written lexer (compiler/parse/lexer.cpp): the ANTLR C++ lexer was
// the bottleneck for large inputs, and string interpolation needs a mode stack anyway. The
// `tokens` section below fixes the token types both sides agree on.
parser grammar MonParser;

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

stmt      : importStmt | letStmt | templateStmt | useStmt | forStmt | ifStmt
          | attribute | block ;

importStmt   : KW_IMPORT string ;
letStmt      : KW_LET IDENT ASSIGN expr ;
templateStmt : KW_TEMPLATE IDENT LPAREN (param (COMMA param)* COMMA?)? RPAREN body ;
param        : IDENT (ASSIGN expr)? ;
useStmt      : KW_USE IDENT LPAREN argList? RPAREN ;
forStmt      : KW_FOR IDENT (COMMA IDENT)? KW_IN expr body ;
ifStmt       : KW_IF expr body (KW_ELSE (ifStmt | body))? ;
attribute    : IDENT ASSIGN expr ;
block        : IDENT label* body ;
label        : IDENT | string ;
body         : LBRACE stmt* RBRACE ;

argList   : arg (COMMA arg)* COMMA? ;
arg       : (IDENT ASSIGN)? expr ;

// One left-recursive rule with labelled alternatives: a literal is a single context, which
// keeps the parse tree small for large inputs. Earlier alternatives bind tighter.
expr      : NUMBER                                        # numberExpr
          | DURATION                                      # durationExpr
          | (KW_TRUE | KW_FALSE)                          # boolExpr
          | KW_NULL                                       # nullExpr
          | string                                        # stringExpr
          | IDENT                                         # identExpr
          | list                                          # listExpr
          | map                                           # mapExpr
          | LPAREN expr RPAREN                            # parenExpr
          | expr DOT IDENT                                # memberExpr
          | expr LBRACK expr RBRACK                       # indexExpr
          | expr LPAREN argList? RPAREN                   # callExpr
          | (NOT | MINUS) expr                            # unaryExpr
          | expr (EQ | NE | LT | GT | LE | GE) expr       # compareExpr
          | expr AND expr                                 # andExpr
          | expr OR expr                                  # orExpr
          ;
list      : LBRACK (expr (COMMA expr)* COMMA?)? RBRACK ;
map       : LBRACE (mapEntry COMMA?)* RBRACE ;
mapEntry  : (IDENT | string) (ASSIGN | COLON) expr ;
string    : STR_OPEN (STR_TEXT | INTERP_OPEN expr RBRACE)* STR_CLOSE ;
