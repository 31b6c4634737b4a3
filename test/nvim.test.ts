// Neovim's built-in LSP client against `dmalint lsp`, end to end: where nvim is installed
// (.ci/run installs Debian's), a headless Neovim runs the README's recipe as it stands, opens a
// file of a fixture tree and must show the command line's findings for it, with one server for
// two files of the tree. The test installs nothing itself.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fixtureCopy } from './helpers/cli.js';
import { cliFindingsIn, editorRun, installed, readmeRecipe, sorted } from './helpers/editors.js';

const LUA = fileURLToPath(new URL('../../test/nvim/diagnostics.lua', import.meta.url));
const IPMMU = 'drivers/iommu/ipmmu-vmsa.c';
const EXYNOS = 'drivers/gpu/drm/exynos/exynos_drm_iommu.c';

interface Shown {
  lnum: number;
  col: number;
  severity: number;
  source: string;
  code: string;
  message: string;
}

test(
  "Neovim shows dmalint lsp diagnostics through the README's recipe",
  {
    skip: installed('nvim')
      ? false
      : 'nvim is not installed (apt-get install neovim): the Neovim end-to-end test did not run',
  },
  () => {
    const root = fixtureCopy('sample');
    const lua = readmeRecipe('Neovim', 'lua');
    const arch = /init_options = \{ arch = '(\w+)' \}/.exec(lua)?.[1];
    assert.ok(arch, "the recipe's init_options name an arch");
    const run = editorRun(lua, 'init.lua');
    const r = spawnSync('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${LUA}`], {
      encoding: 'utf8',
      timeout: 120_000,
      env: {
        ...run.env,
        DMALINT_NVIM_RECIPE: run.recipe,
        DMALINT_NVIM_FILE: path.join(root, IPMMU),
        DMALINT_NVIM_OTHER: path.join(root, EXYNOS),
        DMALINT_NVIM_OUT: run.out,
      },
    });
    assert.equal(r.status, 0, `nvim: ${r.stderr}${r.stdout}`);
    const result = JSON.parse(readFileSync(run.out, 'utf8')) as {
      ok: boolean;
      diagnostics: Shown[];
      clients: number;
      attachedToBoth: number;
    };
    assert.ok(result.ok, 'no diagnostics within 90 s');
    assert.deepEqual([result.clients, result.attachedToBoth], [1, 1], 'one dmalint server for both files of the tree');
    const expected = cliFindingsIn(root, IPMMU, ['--arch', arch]).map((f) => ({
      lnum: f.line,
      col: f.character,
      severity: f.level === 'error' ? 1 : 2,
      source: 'dmalint',
      code: f.rule,
      message: f.message,
    }));
    assert.deepEqual(sorted(result.diagnostics), sorted(expected));
  },
);
