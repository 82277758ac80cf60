-- Headless Neovim as a language client: open a migration, wait for the server's
-- diagnostics, write them as "line:col:code:message" (1-based) and quit.
-- Environment: ALEMBIC_LINT_PLUGIN, ALEMBIC_LINT_PYTHON, ALEMBIC_LINT_FILE, ALEMBIC_LINT_OUT.
local env = vim.fn.environ()
vim.cmd("filetype on")
vim.opt.runtimepath:prepend(env.ALEMBIC_LINT_PLUGIN)
require("alembic_lint").setup({ cmd = { env.ALEMBIC_LINT_PYTHON, "-m", "alembic_lint_lsp" } })
vim.cmd("edit " .. vim.fn.fnameescape(env.ALEMBIC_LINT_FILE))

local received = vim.wait(60000, function()
  return #vim.diagnostic.get(0) > 0
end, 20)

local lines = {}
if not received then
  table.insert(lines, "no diagnostics received")
end
for _, d in ipairs(vim.diagnostic.get(0)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or "?"
  table.insert(lines, string.format("%d:%d:%s:%s:%s", d.lnum + 1, d.col + 1, code, d.source or "?", d.message))
end
vim.fn.writefile(lines, env.ALEMBIC_LINT_OUT)
vim.cmd("qa!")
