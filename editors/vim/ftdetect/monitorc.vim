" monitorc: .mon files. Vim has no other filetype for *.mon, so setfiletype (which keeps a
" filetype chosen earlier, e.g. by a modeline) is enough.
autocmd BufNewFile,BufRead *.mon setfiletype monitorc
