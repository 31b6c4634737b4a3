// What the cache returns is checked before it is used: an entry of the wrong shape, or one made
// from another file's content, is a miss (the file is parsed again), never a crash or a finding
// the tree does not have.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { dmalint, tempDir, tree } from './helpers/cli.js';
import { NOTIFIER } from './helpers/snippets.js';

/** Every summary entry in the cache, by path. */
function summaryFiles(cache: string): string[] {
  const dir = path.join(cache, 'summaries');
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

test('cached summaries of the wrong shape or of another file are misses, and are repaired', () => {
  const root = tree({
    'drivers/x/x.c': NOTIFIER,
    // Its finding three lines further down: a swapped summary would put each at the other's line.
    'drivers/x/y.c': `\n\n\n${NOTIFIER.replace(/hb_/g, 'yy_')}`,
  });
  const cache = tempDir('cache');
  const expected = dmalint(['--root', root]);
  assert.equal(expected.code, 1, expected.stderr);
  const again = (what: string) => {
    // Without the findings of the last run, which would be replayed without reading summaries.
    rmSync(path.join(cache, 'findings'), { recursive: true, force: true });
    assert.deepEqual(dmalint(['--root', root], { cacheDir: cache }), expected, what);
  };
  again('cold');
  const entries = summaryFiles(cache);
  assert.equal(entries.length, 2);

  // Each entry swapped for the other's.
  const [a, b] = entries.map((f) => readFileSync(f, 'utf8'));
  writeFileSync(entries[0]!, b!);
  writeFileSync(entries[1]!, a!);
  again('swapped');
  assert.deepEqual(
    entries.map((f) => readFileSync(f, 'utf8')),
    [a, b],
    'repaired',
  );

  for (const wrong of ['{}', '[]', 'null', '{"functions": 1}', JSON.stringify({ key: 'x', summary: {} })]) {
    for (const f of entries) writeFileSync(f, wrong);
    again(wrong);
  }
});
