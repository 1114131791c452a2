" Vim syntax file for monitorc (.mon), following docs/language.md.
"
" When two items start at the same column, the one defined LAST wins (keywords beat both),
" so the general items come first and the specific ones later: a catch-all error, then
" names, then numbers, block kinds, field names, strings and comments. Every non-blank
" character thus belongs to some group, and what the language does not have shows as Error.

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match
" Strings may span lines; .mon files are small enough to always sync from the start.
syn sync fromstart

" Anything not claimed below (';', '+', a lone '&', non-ASCII outside strings).
syn match monitorcError /\S/

" Plain names: variables, template parameters, labels, members after '.'.
syn match monitorcName /\<\h\w*\>/

syn match monitorcDelimiter /[()\[\],:.]/
" Braces only at the top level: inside ${...} the monitorcInterpBraces region pairs them.
syn match monitorcBrace /[{}]/
syn match monitorcOperator /[=!<>]=\|&&\|||\|[=<>!-]/

" A number may not run into letters or a '.': '1.5h' and '5x' are errors, 'm5' is a name.
syn match monitorcBadNumber /\<\d[0-9A-Za-z_.]*/
syn match monitorcNumber /\<\d\+\>\.\@!/
syn match monitorcFloat /\<\d\+\%(\.\d\+\%([eE][+-]\=\d\+\)\=\|[eE][+-]\=\d\+\)\>\.\@!/
syn match monitorcDuration /\<\d\+\%(ms\|[smhdw]\)\%(\d\+\%(ms\|[smhdw]\)\)*\>\.\@!/

" Bare words that enumerated fields take (method, alert_status_on_gone, dualstack, ...).
syn match monitorcEnum /\<\%(GET\|POST\|PUT\|DELETE\|warning\|critical\|ipv4\|ipv6\|auto\|insensitive\|normal\|sensitive\)\>/

syn match monitorcFunction /\<\h\w*\ze\s*(/
syn match monitorcBuiltin /\<\%(concat\|join\|length\|lower\|upper\)\ze\s*(/

" var.NAME: a command-line variable (--var NAME=value).
syn match monitorcVar /\<var\s*\.\s*\h\w*/

" Block kinds count only when a label or '{' follows on the line: 'value = 4' is a field.
" Unknown kinds (a name, bare labels, a string label, '{') still read as blocks.
syn match monitorcBlockUnknown /\<\h\w*\ze\%(\s\+\h\w*\)*\%(\s\+"\%([^"\\]\|\\.\)*"\)\+\s*{/
syn match monitorcBlock /\<\%(dashboard\|row\|target\|record\|alert\|defaults\|channel\|route\|maintenance\|route_test\|test\|input\|expect\)\>\ze\s*["{A-Za-z_]/
syn match monitorcBlock /\<target\>\ze\s\+\h/ nextgroup=monitorcTargetKind skipwhite
syn match monitorcBlock /\<monitor\>\ze\s*["{A-Za-z_]/ nextgroup=monitorcUnknownKind,monitorcMonitorKind skipwhite
syn match monitorcWidget /\<\%(graph\|value\|markdown\|alert_status\)\>\ze\s*["{]/
syn match monitorcUnknownKind /\<\h\w*\>/ contained
syn match monitorcMonitorKind /\<\%(host\|connectivity\|service\|external\|expression\|anomaly_detection\|query\)\>/ contained
syn match monitorcTargetKind /\<\h\w*\>/ contained

" name = value (not ==), or name: value in a map.
syn match monitorcField /\<\h\w*\ze\s*\%(=[=]\@!\|:\)/

" Declarations after a keyword.
syn match monitorcLetName /\<\h\w*\>/ contained
syn match monitorcTemplateName /\<\h\w*\>/ contained
syn match monitorcLoopVar /\<\h\w*\>/ contained nextgroup=monitorcLoopComma skipwhite
syn match monitorcLoopComma /,/ contained nextgroup=monitorcLoopVar skipwhite

syn keyword monitorcImport import
syn keyword monitorcKeyword let nextgroup=monitorcLetName skipwhite
syn keyword monitorcKeyword template use nextgroup=monitorcTemplateName skipwhite
syn keyword monitorcKeyword variable
syn keyword monitorcRepeat for nextgroup=monitorcLoopVar skipwhite skipnl
syn keyword monitorcRepeat in
syn keyword monitorcConditional if else
syn keyword monitorcBoolean true false
syn keyword monitorcNull null

" Strings, escapes and ${...}. The inside of ${} is a whole expression, so strings and
" maps nest and a '}' inside them does not close it.
syn cluster monitorcExpr contains=monitorcError,monitorcName,monitorcDelimiter,monitorcOperator,
      \monitorcBadNumber,monitorcNumber,monitorcFloat,monitorcDuration,monitorcEnum,monitorcFunction,
      \monitorcBuiltin,monitorcVar,monitorcField,monitorcString,monitorcComment,monitorcInterpBraces,
      \monitorcRepeat,monitorcBoolean,monitorcNull
syn match monitorcBadEscape /\\.\=/ contained
syn match monitorcEscape /\\\%([\\"ntr$]\|u{\x\{1,6}}\)/ contained
syn region monitorcInterp matchgroup=monitorcInterpDelim start=/\${/ end=/}/ contained contains=@monitorcExpr
syn region monitorcInterpBraces matchgroup=monitorcBrace start=/{/ end=/}/ contained contains=@monitorcExpr
syn region monitorcString start=/"/ skip=/\\\\\|\\"/ end=/"/ contains=monitorcEscape,monitorcBadEscape,monitorcInterp,@Spell

syn keyword monitorcTodo TODO FIXME XXX NOTE contained
syn match monitorcComment /#.*$/ contains=monitorcTodo,@Spell
syn match monitorcComment /\/\/.*$/ contains=monitorcTodo,@Spell

hi def link monitorcError        Error
hi def link monitorcDelimiter    Delimiter
hi def link monitorcBrace        Delimiter
hi def link monitorcLoopComma    Delimiter
hi def link monitorcOperator     Operator
hi def link monitorcBadNumber    Error
hi def link monitorcNumber       Number
hi def link monitorcFloat        Float
hi def link monitorcDuration     Number
hi def link monitorcEnum         Constant
hi def link monitorcFunction     Function
hi def link monitorcBuiltin      Function
hi def link monitorcVar          PreProc
hi def link monitorcBlockUnknown Structure
hi def link monitorcBlock        Structure
hi def link monitorcWidget       Structure
hi def link monitorcUnknownKind  Type
hi def link monitorcMonitorKind  Type
hi def link monitorcTargetKind   Type
hi def link monitorcField        Identifier
hi def link monitorcLetName      Identifier
hi def link monitorcLoopVar      Identifier
hi def link monitorcTemplateName Function
hi def link monitorcImport       Include
hi def link monitorcKeyword      Keyword
hi def link monitorcRepeat       Repeat
hi def link monitorcConditional  Conditional
hi def link monitorcBoolean      Boolean
hi def link monitorcNull         Constant
hi def link monitorcString       String
hi def link monitorcEscape       SpecialChar
hi def link monitorcBadEscape    Error
hi def link monitorcInterpDelim  Special
hi def link monitorcComment      Comment
hi def link monitorcTodo         Todo
" monitorcName stays unhighlighted on purpose: plain names are ordinary text.

let b:current_syntax = 'monitorc'

let &cpo = s:cpo_save
unlet s:cpo_save
