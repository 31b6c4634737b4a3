// Input given on the command line that is not what it should be: a directory on stdin for
// --diff -, a baseline of the wrong shape, a baseline an editor saved with a byte-order mark.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CLI, dmalint, tempDir, tree } from './helpers/cli.js';
import { NOTIFIER } from './helpers/snippets.js';

test('--diff - with a directory on stdin is an error, not an empty patch', () => {
  const root = tree({ 'drivers/x/x.c': NOTIFIER });
  const dir = openSync(root, 'r');
  try {
    const r = spawnSync(process.execPath, [CLI, '--no-cache', '--root', root, '--diff', '-'], {
      stdio: [dir, 'pipe', 'pipe'],
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    });
    assert.deepEqual(
      { code: r.status, stdout: r.stdout, stderr: r.stderr },
      { code: 2, stdout: '', stderr: 'dmalint: <stdin>: cannot read the patch: is a directory\n' },
    );
  } finally {
    closeSync(dir);
  }
});

test('a baseline of the wrong shape names where; one with a byte-order mark is read', () => {
  const root = tree({ 'drivers/x/x.c': NOTIFIER });
  const dir = tempDir('baseline');
  const run = { tool: { driver: { name: 'dmalint' } } };
  const cases: Array<[unknown, string]> = [
    [{ runs: [{ ...run, results: 5 }] }, 'runs[0].results: not a list of results'],
    [{ runs: [{ ...run, results: [7] }] }, 'runs[0].results[0]: not a result'],
  ];
  for (const [log, where] of cases) {
    const file = path.join(dir, 'bad.sarif');
    writeFileSync(file, JSON.stringify(log));
    assert.deepEqual(dmalint(['--root', root, '--baseline', file]), {
      code: 2,
      stdout: '',
      stderr: `dmalint: ${file}: ${where}; expected a SARIF log written by dmalint --format sarif\n`,
    });
  }
  const sarif = dmalint(['--root', root, '--format', 'sarif']);
  assert.equal(sarif.code, 1, sarif.stderr);
  const bom = path.join(dir, 'bom.sarif');
  writeFileSync(bom, `\ufeff${sarif.stdout}`);
  assert.deepEqual(dmalint(['--root', root, '--baseline', bom]), {
    code: 0,
    stdout: 'dmalint: note: not shown: 1 finding also in the baseline (--format sarif lists them)\n',
    stderr: '',
  });
});

test('a .config over its limit is one line naming it, exit 2', () => {
  const root = tree({ 'drivers/x/x.c': NOTIFIER });
  const big = path.join(tempDir('config'), 'big.config');
  writeFileSync(big, `CONFIG_X=y\n${'# padding\n'.repeat(500_000)}`);
  assert.deepEqual(dmalint(['--root', root, '--kconfig', big]), {
    code: 2,
    stdout: '',
    stderr: `dmalint: ${big}: cannot read it (4.8 MiB, larger than the .config limit 4 MiB)\n`,
  });
});
