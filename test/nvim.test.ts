// Neovim's built-in LSP client against `dmalint lsp`, end to end: where nvim is installed
// (.ci/run installs Debian's), a headless Neovim opens a file of a fixture tree and must show
// the command line's findings for it. The test installs nothing itself.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI, dmalint, fixtureCopy, tempDir } from './helpers/cli.js';

const LUA = fileURLToPath(new URL('../../test/nvim/diagnostics.lua', import.meta.url));
const nvim = spawnSync('nvim', ['--version'], { stdio: 'ignore' }).status === 0;
const IPMMU = 'drivers/iommu/ipmmu-vmsa.c';

interface Shown {
  lnum: number;
  col: number;
  severity: number;
  source: string;
  code: string;
  message: string;
}

test('Neovim shows dmalint lsp diagnostics', { skip: nvim ? false : 'nvim is not installed (apt-get install neovim): the Neovim end-to-end test did not run' }, () => {
  const root = fixtureCopy('sample');
  // `dmalint` on PATH, as the README's recipe has it.
  const bin = tempDir('nvim-bin');
  writeFileSync(path.join(bin, 'dmalint'), `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`);
  chmodSync(path.join(bin, 'dmalint'), 0o755);
  const out = path.join(tempDir('nvim-out'), 'diagnostics.json');
  const r = spawnSync('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${LUA}`], {
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      ...process.env,
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      DMALINT_NVIM_ROOT: root,
      DMALINT_NVIM_FILE: path.join(root, IPMMU),
      DMALINT_NVIM_OUT: out,
      DMALINT_NVIM_CACHE: tempDir('nvim-cache'),
    },
  });
  assert.equal(r.status, 0, `nvim: ${r.stderr}${r.stdout}`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as { ok: boolean; diagnostics: Shown[] };
  assert.ok(result.ok, 'no diagnostics within 90 s');
  const cli = dmalint(['--root', root, path.join(root, IPMMU)]);
  const expected = [...cli.stdout.matchAll(/^(\S+):(\d+):(\d+): (error|warning): (.*) \[([\w-]+)\]$/gm)].map((m) => ({
    lnum: Number(m[2]) - 1,
    col: Number(m[3]) - 1,
    severity: m[4] === 'error' ? 1 : 2,
    source: 'dmalint',
    code: m[6]!,
    message: m[5]!,
  }));
  assert.ok(expected.length > 0);
  const key = (d: Shown) => `${d.lnum}:${d.col}:${d.code}`;
  assert.deepEqual(
    [...result.diagnostics].sort((a, b) => key(a).localeCompare(key(b))),
    expected.sort((a, b) => key(a).localeCompare(key(b))),
  );
});
