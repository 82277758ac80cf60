-- alembic-lint's language server for Neovim 0.7 and later.
--
--   require("alembic_lint").setup({
--     cmd = { "alembic-lint", "server" },          -- how to start the server
--     settings = { ignore = { "ALM005" } },        -- select / extendSelect / ignore
--   })
--
-- Neovim 0.11+ registers it with vim.lsp.config / vim.lsp.enable; older versions
-- start one client with vim.lsp.start_client and attach every Python buffer to it.
local M = {}

M.defaults = {
  name = "alembic_lint",
  cmd = { "alembic-lint", "server" },
  filetypes = { "python" },
  root_markers = { "alembic.ini", "pyproject.toml", ".git" },
  settings = {},
}

local function find_root(markers, path)
  local dir = vim.fn.fnamemodify(path ~= "" and path or vim.fn.getcwd(), ":p:h")
  for _, marker in ipairs(markers) do
    local found = vim.fn.findfile(marker, dir .. ";")
    if found == "" then
      found = vim.fn.finddir(marker, dir .. ";")
    end
    if found ~= "" then
      return vim.fn.fnamemodify(found, ":p:h")
    end
  end
  return dir
end

function M.setup(opts)
  opts = vim.tbl_deep_extend("force", M.defaults, opts or {})
  -- An empty Lua table would be sent as a JSON list: send an empty object instead.
  local settings = next(opts.settings) ~= nil and opts.settings or vim.empty_dict()
  local config = {
    cmd = opts.cmd,
    init_options = settings,
    settings = { ["alembic-lint"] = settings },
  }

  if vim.lsp.config ~= nil and vim.lsp.enable ~= nil then -- Neovim 0.11+
    config.filetypes = opts.filetypes
    config.root_markers = opts.root_markers
    vim.lsp.config(opts.name, config)
    vim.lsp.enable(opts.name)
    return
  end

  -- Neovim 0.7 - 0.10: one client for the session, attached to each matching buffer.
  local client_id = nil
  vim.api.nvim_create_autocmd("FileType", {
    pattern = opts.filetypes,
    callback = function(args)
      if client_id == nil or vim.lsp.get_client_by_id(client_id) == nil then
        config.name = opts.name
        config.root_dir = find_root(opts.root_markers, vim.api.nvim_buf_get_name(args.buf))
        client_id = vim.lsp.start_client(config)
      end
      if client_id ~= nil then
        vim.lsp.buf_attach_client(args.buf, client_id)
      end
    end,
  })
end

return M
