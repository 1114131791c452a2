" Vim indent file for monitorc (.mon): one 'shiftwidth' per unclosed '{', '[' or '('.
" Brackets inside strings (including nested ${...} strings) and comments do not count, so
" the line is scanned with a small state machine rather than a regex.

if exists('b:did_indent')
  finish
endif
let b:did_indent = 1

setlocal indentexpr=GetMonitorcIndent(v:lnum)
setlocal indentkeys=0{,0},0),0],!^F,o,O,e
setlocal autoindent nolisp nosmartindent nocindent

let b:undo_indent = 'setlocal indentexpr< indentkeys< autoindent< lisp< smartindent< cindent<'

if exists('*GetMonitorcIndent')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

" Returns [leading closers, unmatched openers at the end, unmatched closers] of a line.
" A line that starts inside a multi-line string is scanned as if it did not, which is
" good enough for indentation.
function! s:Brackets(line) abort
  let stack = ['code']   " code | str | interp (inside ${) | ibrace ({ inside ${)
  let leading = 0
  let seen_other = 0
  let opens = 0
  let unmatched_close = 0
  let i = 0
  let n = strlen(a:line)
  while i < n
    let c = a:line[i]
    let top = stack[-1]
    if top ==# 'str'
      if c ==# '\'
        let i += 1
      elseif c ==# '"'
        call remove(stack, -1)
      elseif c ==# '$' && a:line[i + 1] ==# '{'
        call add(stack, 'interp')
        let i += 1
      endif
    elseif c ==# '#' || (c ==# '/' && a:line[i + 1] ==# '/')
      break
    elseif c ==# '"'
      call add(stack, 'str')
      let seen_other = 1
    elseif top !=# 'code'
      " Inside ${...}: only track braces to find its end.
      if c ==# '{'
        call add(stack, 'ibrace')
      elseif c ==# '}'
        call remove(stack, -1)
      endif
    elseif c =~# '[{[(]'
      let opens += 1
      let seen_other = 1
    elseif c =~# '[}\])]'
      if opens > 0
        let opens -= 1
      else
        let unmatched_close += 1
        if !seen_other
          let leading += 1
        endif
      endif
    elseif c !~# '\s'
      let seen_other = 1
    endif
    let i += 1
  endwhile
  return [leading, opens, unmatched_close]
endfunction

function! GetMonitorcIndent(lnum) abort
  let prev = prevnonblank(a:lnum - 1)
  if prev == 0
    return 0
  endif
  let ind = indent(prev)
  let [leading, opens, closes] = s:Brackets(getline(prev))
  if opens > 0
    let ind += shiftwidth()
  elseif closes > leading
    " 'x = 1 }': a closer after code on the previous line ends a level there.
    let ind -= shiftwidth()
  endif
  " This line starts by closing a level.
  if getline(a:lnum) =~# '^\s*[}\])]'
    let ind -= shiftwidth()
  endif
  return max([ind, 0])
endfunction

let &cpo = s:cpo_save
unlet s:cpo_save
