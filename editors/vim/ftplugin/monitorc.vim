" Vim filetype plugin for monitorc (.mon).
" Layout follows `monitorc fmt`: two-space indentation, '#' comments.

if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

let s:cpo_save = &cpo
set cpo&vim

" 'gc'/'gcc' (vim 9.1 comment plugin, vim-commentary) and :h 'commentstring' use this.
setlocal commentstring=#\ %s
" Both comment markers, so that 'gq' and 'o' continue either kind of comment.
setlocal comments=:#,://
" Wrap comments at 'textwidth' and continue them on a new line, but never wrap code.
setlocal formatoptions-=t formatoptions+=croql

setlocal expandtab shiftwidth=2 softtabstop=2

" `gf` on an import path: "common/defaults" finds common/defaults.mon.
setlocal suffixesadd=.mon

let b:undo_ftplugin = 'setlocal commentstring< comments< formatoptions< expandtab< shiftwidth< softtabstop< suffixesadd<'

let &cpo = s:cpo_save
unlet s:cpo_save
