" Run by vim.test.js as: vim -es -u NONE -i NONE -N -S probe.vim -- JOB.json OUT.json
" Loads editors/vim the way a user's runtimepath would, opens each file of the job, and
" writes what Vim made of it as JSON: filetype, options, the syntax group of probed columns,
" and every non-blank column that has no syntax group or an error group.

let s:job = json_decode(join(readfile(argv(0)), "\n"))
let &runtimepath = s:job.runtime . ',' . &runtimepath
let v:errmsg = ''
filetype plugin indent on
syntax on

let s:bad_groups = ['monitorcError', 'monitorcBadEscape', 'monitorcBadNumber']
let s:out = {'files': {}, 'probes': [], 'indent': {}, 'errmsg': ''}

for s:file in s:job.files
  execute 'edit ' . fnameescape(s:file)
  let s:info = {'filetype': &filetype, 'commentstring': &commentstring,
        \ 'shiftwidth': &shiftwidth, 'expandtab': &expandtab, 'indentexpr': &indentexpr,
        \ 'unscoped': [], 'errors': []}
  for s:l in range(1, line('$'))
    let s:text = getline(s:l)
    for s:c in range(1, strlen(s:text))
      if s:text[s:c - 1] =~# '\s'
        continue
      endif
      let s:name = synIDattr(synID(s:l, s:c, 1), 'name')
      if s:name ==# ''
        call add(s:info.unscoped, s:l . ':' . s:c)
      elseif index(s:bad_groups, s:name) >= 0
        call add(s:info.errors, s:l . ':' . s:c . ' ' . s:name)
      endif
    endfor
  endfor
  let s:out.files[s:file] = s:info
  " A file's probes are read while it is the current buffer.
  for s:p in s:job.probes
    if s:p.file ==# s:file
      call add(s:out.probes, extend(copy(s:p), {'group': synIDattr(synID(s:p.line, s:p.col, 1), 'name')}))
    endif
  endfor
  bwipeout!
endfor

" Indentation: strip all leading blanks, reindent the whole buffer, hand the result back.
for s:file in s:job.indent
  execute 'edit ' . fnameescape(s:file)
  silent %s/^\s\+//e
  normal! gg=G
  let s:out.indent[s:file] = getline(1, '$')
  bwipeout!
endfor

let s:out.errmsg = v:errmsg
call writefile([json_encode(s:out)], argv(1))
qall!
