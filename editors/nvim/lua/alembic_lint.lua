-- alembic-lint's language server for Neovim 0.7 and later.
--
--   require("alembic_lint").setup({
--     cmd = { "alembic-lint", "server" },          -- how to start the server
--     settings = { ignore = { "ALM005" } },        -- select / extendSelect / ignore
--   })
--
-- Neovim 0.11+ registers it with vim.lsp.config / vim.lsp.enable; older versions
-- start one client with vim.lsp.start_client and attach every Python buffer to it.
--
-- Commands (setup() creates them; with nvim-lspconfig call require("alembic_lint").create_commands()):
--   :AlembicLintGraph [N]  the revision graph as text (like `alembic history`) in a split; with N, only
--                          each head and the N revisions behind it. <CR> on a line opens its revision's
--                          file (on an id: that revision's), r redraws, q closes.
--   :AlembicLintFixAll     apply the server's fix-all code action (source.fixAll.alembic-lint) to the buffer.
local M = {}

M.GRAPH = "alembic-lint/graph"
M.FIX_ALL = "source.fixAll.alembic-lint"

M.defaults = {
  name = "alembic_lint",
  cmd = { "alembic-lint", "server" },
  filetypes = { "python" },
  root_markers = { "alembic.ini", "pyproject.toml", ".git" },
  settings = {},
  timeout_ms = 10000, -- how long :AlembicLintFixAll waits for the server
}
M.options = vim.deepcopy(M.defaults)

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

local function notify(message, level)
  vim.notify("alembic-lint: " .. message, level or vim.log.levels.INFO)
end

-- The running alembic-lint client: the one attached to `bufnr` first, else any.
local function find_client(bufnr)
  local all = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  local fallback = nil
  for _, client in pairs(all) do
    if client.name == M.options.name then
      if vim.lsp.buf_is_attached(bufnr, client.id) then
        return client
      end
      fallback = fallback or client
    end
  end
  return fallback
end

-- client:request in 0.11+, client.request before.
local function request(client, method, params, handler, bufnr)
  if vim.fn.has("nvim-0.11") == 1 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

-- A request answered before `timeout_ms`: returns err, result (err is a string on timeout).
local function request_sync(client, method, params, bufnr)
  local done, err, result = false, nil, nil
  request(client, method, params, function(e, r)
    done, err, result = true, e, r
  end, bufnr)
  if not vim.wait(M.options.timeout_ms, function()
    return done
  end, 10) then
    return "no answer to " .. method .. " within " .. M.options.timeout_ms .. " ms", nil
  end
  return err, result
end

local function jump(location, client)
  if vim.lsp.util.show_document then
    vim.lsp.util.show_document(location, client.offset_encoding, { focus = true })
  else
    vim.lsp.util.jump_to_location(location, client.offset_encoding)
  end
end

-- :AlembicLintGraph ---------------------------------------------------------------------------
local graphs = {} -- graph buffer -> { client, uri, context, nodes = { revision -> node } }

local function revision_on_line(buf)
  local graph = graphs[buf]
  local word = vim.fn.expand("<cword>")
  if graph.nodes[word] then
    return word
  end
  return vim.api.nvim_get_current_line():match("%-> ([^%s,]+)")
end

local function open_revision(buf)
  local graph = graphs[buf]
  local node = graph and graph.nodes[revision_on_line(buf) or ""]
  if node == nil then
    notify("no revision on this line", vim.log.levels.WARN)
    return
  end
  local graph_win = vim.api.nvim_get_current_win()
  vim.cmd("wincmd p")
  if vim.api.nvim_get_current_win() == graph_win then -- the graph is the only window
    vim.cmd("aboveleft new")
  end
  jump({ uri = node.uri, range = node.range }, graph.client)
end

local function show_graph(buf, result)
  local graph = graphs[buf]
  graph.nodes = {}
  for _, node in ipairs(result.nodes) do
    graph.nodes[node.revision] = node
  end
  local lines = vim.split(result.text, "\n", { plain = true })
  if lines[#lines] == "" then
    table.remove(lines)
  end
  if result.hidden > 0 then
    table.insert(lines, string.format("(%d older revisions not shown: :AlembicLintGraph without N shows all)", result.hidden))
  end
  vim.bo[buf].modifiable = true
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
end

local function fetch_graph(buf)
  local graph = graphs[buf]
  local params = { uri = graph.uri, format = "text", headsOnlyContext = graph.context }
  request(graph.client, M.GRAPH, params, function(err, result)
    if err then
      notify(err.message or tostring(err), vim.log.levels.ERROR)
    elseif result == nil or result == vim.NIL then
      notify("no Alembic versions folder holds " .. vim.uri_to_fname(graph.uri), vim.log.levels.WARN)
    elseif vim.api.nvim_buf_is_valid(buf) then
      show_graph(buf, result)
    end
  end, 0)
end

function M.graph(context)
  local source = vim.api.nvim_get_current_buf()
  local client = find_client(source)
  if client == nil then
    notify("the language server is not running (open a migration first)", vim.log.levels.WARN)
    return
  end
  local name = vim.api.nvim_buf_get_name(source)
  local uri = (name ~= "" and vim.bo[source].buftype == "") and vim.uri_from_fname(name)
    or vim.uri_from_fname(vim.fn.getcwd())
  vim.cmd("botright new")
  local buf = vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_set_name(buf, "alembic-lint graph " .. buf)
  for option, value in pairs({ buftype = "nofile", bufhidden = "wipe", swapfile = false, modifiable = false }) do
    vim.bo[buf][option] = value
  end
  vim.bo[buf].filetype = "alembiclintgraph"
  graphs[buf] = { client = client, uri = uri, context = context, nodes = {} }
  vim.api.nvim_create_autocmd("BufWipeout", {
    buffer = buf,
    callback = function()
      graphs[buf] = nil
    end,
  })
  local function map(lhs, fn)
    vim.keymap.set("n", lhs, fn, { buffer = buf, silent = true, nowait = true })
  end
  map("<CR>", function()
    open_revision(buf)
  end)
  map("r", function()
    fetch_graph(buf)
  end)
  map("q", "<cmd>close<CR>")
  fetch_graph(buf)
  return buf
end

-- :AlembicLintFixAll --------------------------------------------------------------------------
function M.offers(client, kind)
  local provider = client.server_capabilities.codeActionProvider
  if type(provider) ~= "table" then
    return false
  end
  for _, offered in ipairs(provider.codeActionKinds or {}) do
    if kind == offered or vim.startswith(kind, offered .. ".") then
      return true
    end
  end
  return false
end

function M.fix_all(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = find_client(bufnr)
  if client == nil or not vim.lsp.buf_is_attached(bufnr, client.id) then
    notify("the language server is not attached to this buffer", vim.log.levels.WARN)
    return false
  end
  if not M.offers(client, M.FIX_ALL) then
    notify("the server offers no fix-all (code action kind " .. M.FIX_ALL .. "); upgrade alembic-lint", vim.log.levels.WARN)
    return false
  end
  local last = vim.api.nvim_buf_line_count(bufnr)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = 0, character = 0 }, ["end"] = { line = last, character = 0 } },
    context = { only = { M.FIX_ALL }, diagnostics = {} },
  }
  local err, actions = request_sync(client, "textDocument/codeAction", params, bufnr)
  if err then
    notify(type(err) == "table" and (err.message or vim.inspect(err)) or err, vim.log.levels.ERROR)
    return false
  end
  local applied = 0
  for _, action in ipairs(actions ~= vim.NIL and actions or {}) do
    if action.kind == M.FIX_ALL or vim.startswith(action.kind or "", M.FIX_ALL .. ".") then
      local provider = client.server_capabilities.codeActionProvider
      if action.edit == nil and type(provider) == "table" and provider.resolveProvider then
        local resolve_err, resolved = request_sync(client, "codeAction/resolve", action, bufnr)
        if resolve_err == nil and resolved then
          action = resolved
        end
      end
      if action.edit then
        vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
        applied = applied + 1
      end
      if action.command then
        local command = type(action.command) == "table" and action.command or action
        request_sync(client, "workspace/executeCommand", command, bufnr)
        applied = applied + 1
      end
    end
  end
  if applied == 0 then
    notify("nothing to fix")
  end
  return applied > 0
end

-- setup ---------------------------------------------------------------------------------------
function M.create_commands()
  vim.api.nvim_create_user_command("AlembicLintGraph", function(args)
    M.graph(args.args ~= "" and tonumber(args.args) or nil)
  end, { nargs = "?", desc = "alembic-lint: the revision graph in a split" })
  vim.api.nvim_create_user_command("AlembicLintFixAll", function()
    M.fix_all(0)
  end, { desc = "alembic-lint: apply every fix the server offers for this buffer" })
end

function M.setup(opts)
  opts = vim.tbl_deep_extend("force", M.defaults, opts or {})
  M.options = opts
  M.create_commands()
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
