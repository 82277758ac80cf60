-- Headless Neovim runs :AlembicLintGraph on a migration of the example project, presses <CR> in the
-- graph on a few places and runs :AlembicLintGraph 0, writing what it saw to ALEMBIC_LINT_OUT:
--   "graph: LINE" for each line of the graph buffer, "open ROW:COL: FILE:LINE:COL" for each <CR>
--   (the file name and 1-based line, 0-based byte column the cursor landed on), "near: LINE" for the
--   heads-only graph. Environment: ALEMBIC_LINT_PLUGIN, ALEMBIC_LINT_PYTHON, ALEMBIC_LINT_FILE, ALEMBIC_LINT_OUT.
local env = vim.fn.environ()
vim.cmd("filetype on")
vim.opt.runtimepath:prepend(env.ALEMBIC_LINT_PLUGIN)
require("alembic_lint").setup({ cmd = { env.ALEMBIC_LINT_PYTHON, "-m", "alembic_lint_lsp" } })
local out = {}
local function finish(problem)
  if problem then
    table.insert(out, "error: " .. problem)
  end
  vim.fn.writefile(out, env.ALEMBIC_LINT_OUT)
  vim.cmd("qa!")
end

vim.cmd("edit " .. vim.fn.fnameescape(env.ALEMBIC_LINT_FILE))
if not vim.wait(60000, function()
  return #vim.diagnostic.get(0) > 0
end, 20) then
  finish("no diagnostics: the server did not start")
end

local function graph_lines(context, prefix)
  vim.cmd("AlembicLintGraph" .. (context and (" " .. context) or ""))
  local buf = vim.api.nvim_get_current_buf()
  if not vim.wait(30000, function()
    return vim.api.nvim_buf_get_lines(buf, 0, 1, false)[1] ~= ""
  end, 10) then
    finish("the graph buffer stayed empty")
  end
  for _, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    table.insert(out, prefix .. line)
  end
  return buf
end

local graph = graph_lines(nil, "graph: ")
table.insert(out, "filetype: " .. vim.bo[graph].filetype .. ", modifiable: " .. tostring(vim.bo[graph].modifiable))
local function enter_at(row, col)
  vim.api.nvim_set_current_win(vim.fn.bufwinid(graph))
  vim.api.nvim_win_set_cursor(0, { row, col })
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes("<CR>", true, false, true), "x", false)
  local cursor = vim.api.nvim_win_get_cursor(0)
  local name = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(0), ":t")
  table.insert(out, string.format("open %d:%d: %s:%d:%d", row, col, name, cursor[1], cursor[2]))
end
enter_at(1, 0) -- on the id before "->": that revision
enter_at(1, 40) -- in the message: the line's own revision
enter_at(4, 1) -- on "<base>": the line's own revision
vim.api.nvim_set_current_win(vim.fn.bufwinid(graph))
vim.cmd("close")
graph_lines(0, "near: ")
finish()
