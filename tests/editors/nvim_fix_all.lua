-- Headless Neovim runs :AlembicLintFixAll on a migration of the example project and writes what
-- happened to ALEMBIC_LINT_OUT: "offered: true|false", the notifications, then the buffer is saved.
-- Environment: ALEMBIC_LINT_PLUGIN, ALEMBIC_LINT_PYTHON, ALEMBIC_LINT_FILE, ALEMBIC_LINT_OUT.
local env = vim.fn.environ()
vim.cmd("filetype on")
vim.opt.runtimepath:prepend(env.ALEMBIC_LINT_PLUGIN)
local plugin = require("alembic_lint")
plugin.setup({ cmd = { env.ALEMBIC_LINT_PYTHON, "-m", "alembic_lint_lsp" } })
local out = {}
vim.notify = function(message)
  table.insert(out, "notify: " .. message)
end

vim.cmd("edit " .. vim.fn.fnameescape(env.ALEMBIC_LINT_FILE))
if vim.wait(60000, function()
  return #vim.diagnostic.get(0) > 0
end, 20) then
  local client = (vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients())[1]
  table.insert(out, "offered: " .. tostring(plugin.offers(client, plugin.FIX_ALL)))
  vim.cmd("AlembicLintFixAll")
  vim.cmd("write")
else
  table.insert(out, "error: no diagnostics: the server did not start")
end
vim.fn.writefile(out, env.ALEMBIC_LINT_OUT)
vim.cmd("qa!")
