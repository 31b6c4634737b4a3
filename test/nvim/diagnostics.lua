-- Headless Neovim as a developer runs it: the README's recipe ($DMALINT_NVIM_RECIPE, the lua
-- block of its Neovim section, as it stands) is sourced like init.lua, a C file of the tree is
-- opened, and the diagnostics shown for it are written to $DMALINT_NVIM_OUT as JSON, with the
-- number of dmalint clients once a second file of the same tree is open (one server a tree).
local file = os.getenv('DMALINT_NVIM_FILE')
local other = os.getenv('DMALINT_NVIM_OTHER')
local out = os.getenv('DMALINT_NVIM_OUT')

vim.cmd('filetype on') -- on by default; `-u NONE` turns it off
dofile(os.getenv('DMALINT_NVIM_RECIPE'))

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local ok = vim.wait(90000, function()
  return #vim.diagnostic.get(buf) > 0
end, 100)

local shown = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  table.insert(shown, { lnum = d.lnum, col = d.col, severity = d.severity, source = d.source, code = d.user_data and d.user_data.lsp and d.user_data.lsp.code or d.code, message = d.message })
end

vim.cmd('edit ' .. vim.fn.fnameescape(other))
local other_buf = vim.api.nvim_get_current_buf()
local clients, attached = 0, 0
for _, c in pairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
  if c.name == 'dmalint' then
    clients = clients + 1
    if vim.lsp.buf_is_attached(buf, c.id) and vim.lsp.buf_is_attached(other_buf, c.id) then attached = attached + 1 end
  end
end

local f = assert(io.open(out, 'w'))
f:write(vim.fn.json_encode({ ok = ok, diagnostics = shown, clients = clients, attachedToBoth = attached }))
f:close()
vim.cmd('qall!')
