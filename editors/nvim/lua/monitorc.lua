-- monitorc for Neovim: starts `monitorc lsp` for buffers of filetype `monitorc`.
-- Works on Neovim 0.7 (Debian 12), which has neither vim.lsp.start nor vim.fs, and on newer
-- versions, where vim.lsp.start does the client reuse itself.
local M = {}

local config = {
  cmd = { "monitorc", "lsp" },
  -- The workspace root is the nearest directory holding one of these, else the file's own
  -- directory: imports are resolved from the importing file, so any root works.
  root_markers = { ".git" },
  on_attach = nil,
  capabilities = nil,
}

-- One client per root on 0.7, where nothing else reuses clients.
local clients_by_root = {}
local warned_missing = false

function M.setup(opts)
  config = vim.tbl_extend("force", config, opts or {})
end

function M.config()
  return config
end

-- vim.fs.find/vim.fs.root do not exist on 0.7: walk up with vim.loop.fs_stat.
function M.root_dir(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local dir = name ~= "" and vim.fn.fnamemodify(name, ":p:h") or vim.fn.getcwd()
  local d = dir
  while true do
    for _, marker in ipairs(config.root_markers) do
      if vim.loop.fs_stat(d .. "/" .. marker) then
        return d
      end
    end
    local parent = vim.fn.fnamemodify(d, ":h")
    if parent == d then
      return dir
    end
    d = parent
  end
end

local function live(id)
  local client = id and vim.lsp.get_client_by_id(id)
  return client ~= nil and not client.is_stopped()
end

function M.start(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if vim.fn.executable(config.cmd[1]) == 0 then
    -- Say it once instead of failing silently on every buffer.
    if not warned_missing then
      warned_missing = true
      vim.notify("monitorc: '" .. config.cmd[1] .. "' is not executable; put monitorc on PATH or call "
        .. "require('monitorc').setup({ cmd = { '/path/to/monitorc', 'lsp' } })", vim.log.levels.WARN)
    end
    return nil
  end
  local root = M.root_dir(bufnr)
  local client_config = {
    name = "monitorc",
    cmd = config.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    on_attach = config.on_attach,
    capabilities = config.capabilities,
  }
  if vim.lsp.start then
    -- 0.8's vim.lsp.start attaches the current buffer (opts.bufnr came in 0.9).
    local id
    vim.api.nvim_buf_call(bufnr, function()
      id = vim.lsp.start(client_config, { bufnr = bufnr })
    end)
    return id
  end
  local id = clients_by_root[root]
  if not live(id) then
    id = vim.lsp.start_client(client_config)
    clients_by_root[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

-- Formats the buffer through the server (the layout of `monitorc fmt`).
function M.format(bufnr, timeout_ms)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  timeout_ms = timeout_ms or 2000
  if vim.lsp.buf.format then
    vim.lsp.buf.format({ bufnr = bufnr, timeout_ms = timeout_ms, name = "monitorc" })
  else
    -- 0.7: formatting_sync works on the current buffer only.
    vim.api.nvim_buf_call(bufnr, function()
      vim.lsp.buf.formatting_sync(nil, timeout_ms)
    end)
  end
end

return M
