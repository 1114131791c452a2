-- Run by tests/editors/nvim.sh inside `nvim --headless --clean`. Exits 0 when every check
-- passed, 1 otherwise, naming what did not arrive.
local bin = assert(os.getenv("MONITORC_BIN"), "MONITORC_BIN not set")
local dir = assert(os.getenv("MONITORC_TEST_DIR"), "MONITORC_TEST_DIR not set")
local TIMEOUT = 10000 -- ms; each wait ends as soon as its condition holds

-- vim.lsp.get_clients replaces get_active_clients/buf_get_clients from 0.10 on.
local function clients(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients(bufnr and { bufnr = bufnr } or nil)
  end
  return bufnr and vim.tbl_values(vim.lsp.buf_get_clients(bufnr)) or vim.lsp.get_active_clients()
end

local failures = 0
local function out(msg)
  io.stdout:write(msg .. "\n")
end
local function check(ok, what, detail)
  if ok then
    out("ok: " .. what)
  else
    failures = failures + 1
    out("FAIL: " .. what .. (detail and (": " .. detail) or ""))
  end
  return ok
end
local function finish()
  io.stdout:flush()
  vim.cmd((failures == 0) and "qall!" or "cquit 1")
end
local function write(path, lines)
  vim.fn.mkdir(vim.fn.fnamemodify(path, ":h"), "p")
  local f = assert(io.open(path, "w"))
  f:write(table.concat(lines, "\n") .. "\n")
  f:close()
end

local ok, err = pcall(function()
  require("monitorc").setup({ cmd = { bin, "lsp" } })

  -- One error: an unknown field on line 5, column 3 (1-based).
  local err_file = dir .. "/alerts.mon"
  write(err_file, {
    'monitor host "cpu" {',
    '  metric = "cpu%"',
    '  operator = ">"',
    "  warning = 80",
    "  bogus_field = 1",
    "  duration = 5m",
    "",
    "}",
  })
  vim.cmd("edit " .. vim.fn.fnameescape(err_file))
  local buf = vim.api.nvim_get_current_buf()
  check(vim.bo[buf].filetype == "monitorc", "filetype of *.mon is monitorc", "got '" .. vim.bo[buf].filetype .. "'")
  check(vim.bo[buf].shiftwidth == 2 and vim.bo[buf].commentstring == "# %s", "ftplugin from editors/vim applied",
    "shiftwidth=" .. vim.bo[buf].shiftwidth .. " commentstring=" .. vim.bo[buf].commentstring)
  check(vim.b[buf].current_syntax == "monitorc" and vim.bo[buf].indentexpr:find("Monitorc") ~= nil,
    "syntax and indent from editors/vim loaded",
    "current_syntax=" .. tostring(vim.b[buf].current_syntax) .. " indentexpr=" .. vim.bo[buf].indentexpr)

  local function attached()
    for _, c in ipairs(clients(buf)) do
      if c.name == "monitorc" and c.initialized then
        return true
      end
    end
    return false
  end
  if not check(vim.wait(TIMEOUT, attached, 20), "monitorc lsp started and attached") then
    return
  end

  vim.wait(TIMEOUT, function() return #vim.diagnostic.get(buf) > 0 end, 20)
  local diags = vim.diagnostic.get(buf)
  local d = diags[1]
  if check(#diags == 1, "one diagnostic published", #diags .. " arrived within " .. TIMEOUT .. " ms") then
    -- vim.diagnostic positions are 0-based.
    check(d.lnum == 4 and d.col == 2, "diagnostic at 5:3", ("at %d:%d"):format(d.lnum + 1, d.col + 1))
    check(d.severity == vim.diagnostic.severity.ERROR, "diagnostic is an error", tostring(d.severity))
    check(d.message:find("unknown field 'bogus_field'", 1, true) ~= nil, "diagnostic message names the field", d.message)
  end

  local uri = vim.uri_from_bufnr(buf)
  local function request(method, line, col)
    local params = { textDocument = { uri = uri }, position = { line = line, character = col } }
    local replies = vim.lsp.buf_request_sync(buf, method, params, TIMEOUT)
    for _, reply in pairs(replies or {}) do
      if reply.result then
        return reply.result
      end
    end
    return nil
  end

  -- Hover on `operator` (line 3).
  local hover = request("textDocument/hover", 2, 4)
  local text = ""
  if hover and hover.contents then
    local c = hover.contents
    text = type(c) == "string" and c or (c.value or vim.inspect(c))
  end
  check(text:find("**operator** (host monitor)", 1, true) ~= nil and #text > 40, "hover on a field returns its documentation",
    hover and ("got: " .. text) or "no hover reply")

  -- Completion on the empty line 7, inside the block.
  local completion = request("textDocument/completion", 6, 2)
  local labels = {}
  local items = completion and (completion.items or completion) or {}
  for _, item in ipairs(items) do
    labels[item.label] = true
  end
  check(labels["critical"] and labels["notification_interval"], "completion in a monitor block offers field names",
    completion and ("labels: " .. table.concat(vim.tbl_keys(labels), ", ")) or "no completion reply")

  -- Formatting through the server gives monitorc fmt's layout.
  local fmt_file = dir .. "/layout.mon"
  local messy = {
    'monitor   host "disk"{',
    'metric="disk%"',
    '      operator = ">" ',
    "warning=90",
    "            duration = 10m",
    "}",
  }
  write(fmt_file, messy)
  write(dir .. "/expected.mon", messy)
  local fmt_out = vim.fn.system({ bin, "fmt", dir .. "/expected.mon" })
  check(vim.v.shell_error == 0, "monitorc fmt ran", fmt_out)
  local expected = vim.fn.readfile(dir .. "/expected.mon")
  check(not vim.deep_equal(expected, messy), "the messy file is not already in fmt's layout")

  vim.cmd("edit " .. vim.fn.fnameescape(fmt_file))
  local fbuf = vim.api.nvim_get_current_buf()
  check(vim.wait(TIMEOUT, function()
    for _, c in ipairs(clients(fbuf)) do
      if c.name == "monitorc" then return true end
    end
    return false
  end, 20), "second buffer attached")
  check(#clients() == 1, "one client shared by both buffers of the same root",
    #clients() .. " clients")
  require("monitorc").format(fbuf, TIMEOUT)
  local got = vim.api.nvim_buf_get_lines(fbuf, 0, -1, false)
  check(vim.deep_equal(got, expected), "formatting through the server matches monitorc fmt",
    "got:\n" .. table.concat(got, "\n") .. "\nexpected:\n" .. table.concat(expected, "\n"))

  -- The root is the nearest directory with .git: a file in a subdirectory gets a client
  -- whose root is that directory, not the file's own directory.
  local project = dir .. "/project"
  vim.fn.mkdir(project .. "/.git", "p")
  vim.fn.mkdir(project .. "/teams/web", "p")
  write(project .. "/teams/web/web.mon", { messy[1], messy[2], "}" })
  vim.cmd("edit " .. vim.fn.fnameescape(project .. "/teams/web/web.mon"))
  local pbuf = vim.api.nvim_get_current_buf()
  local proot
  vim.wait(TIMEOUT, function()
    for _, c in ipairs(clients(pbuf)) do
      if c.name == "monitorc" then proot = c.config.root_dir return true end
    end
    return false
  end, 20)
  check(proot == project, "client root is the nearest directory with .git", tostring(proot))
  check(#clients() == 2, "a second root gets its own client", #clients() .. " clients")

  -- A server that cannot be run is reported once, not silently skipped.
  local notes = {}
  vim.notify = function(msg) table.insert(notes, msg) end
  require("monitorc").setup({ cmd = { dir .. "/no-such-monitorc", "lsp" } })
  for _, name in ipairs({ "a.mon", "b.mon" }) do
    write(dir .. "/missing/" .. name, { "# empty" })
  end
  vim.cmd("edit " .. vim.fn.fnameescape(dir .. "/missing/a.mon"))
  vim.cmd("edit " .. vim.fn.fnameescape(dir .. "/missing/b.mon"))
  check(#notes == 1 and notes[1]:find("no-such-monitorc", 1, true) ~= nil,
    "a missing server binary is reported once", #notes .. " messages: " .. table.concat(notes, " | "))
end)
if not ok then
  check(false, "test script error", tostring(err))
end
finish()
