-- Headless Neovim as a developer runs it: the built-in LSP client starts `dmalint lsp` for a C
-- buffer of the tree, and the diagnostics it shows are written to $DMALINT_NVIM_OUT as JSON.
-- vim.lsp.start is Neovim 0.8; Debian 12's 0.7 has start_client and buf_attach_client.
local root = os.getenv('DMALINT_NVIM_ROOT')
local file = os.getenv('DMALINT_NVIM_FILE')
local out = os.getenv('DMALINT_NVIM_OUT')
local config = {
  name = 'dmalint',
  cmd = { 'dmalint', 'lsp' },
  root_dir = root,
  init_options = { cacheDir = os.getenv('DMALINT_NVIM_CACHE') },
}

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
if vim.lsp.start then
  vim.lsp.start(config)
else
  vim.lsp.buf_attach_client(buf, vim.lsp.start_client(config))
end

local ok = vim.wait(90000, function()
  return #vim.diagnostic.get(buf) > 0
end, 100)

local shown = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  table.insert(shown, { lnum = d.lnum, col = d.col, severity = d.severity, source = d.source, code = d.user_data and d.user_data.lsp and d.user_data.lsp.code or d.code, message = d.message })
end
local f = assert(io.open(out, 'w'))
f:write(vim.fn.json_encode({ ok = ok, diagnostics = shown }))
f:close()
vim.cmd('qall!')
