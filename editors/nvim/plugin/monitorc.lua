-- Loaded once at start-up when editors/nvim is on 'runtimepath'.
if vim.g.loaded_monitorc then
  return
end
vim.g.loaded_monitorc = true

-- The Vim runtime files (syntax, indent, ftplugin) next to this plugin serve Neovim too; they
-- are looked up when the filetype is set, so adding them to 'runtimepath' here is early enough.
local here = debug.getinfo(1, "S").source:sub(2)
local vim_dir = vim.fn.fnamemodify(here, ":p:h:h:h") .. "/vim"
if vim.fn.isdirectory(vim_dir) == 1 and not vim.tbl_contains(vim.api.nvim_list_runtime_paths(), vim_dir) then
  vim.opt.runtimepath:append(vim_dir)
end

-- Same rule as editors/vim/ftdetect (its ftdetect may have run before this plugin was on
-- 'runtimepath', so it is not relied on). Autocommands work on every Neovim version.
local group = vim.api.nvim_create_augroup("monitorc", { clear = true })
vim.api.nvim_create_autocmd({ "BufNewFile", "BufRead" }, {
  group = group,
  pattern = "*.mon",
  command = "setfiletype monitorc",
})
vim.api.nvim_create_autocmd("FileType", {
  group = group,
  pattern = "monitorc",
  callback = function(args)
    if vim.g.monitorc_no_lsp then
      return
    end
    require("monitorc").start(args.buf)
  end,
})
