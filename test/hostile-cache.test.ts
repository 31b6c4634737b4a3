// What the cache returns is checked before it is used: an entry of the wrong shape, or one made
// from another file's content, is a miss (the file is parsed again), never a crash or a finding
// the tree does not have.
import assert from 'node:assert/strict';
import { lstatSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

/** Every file in the cache directory, relative to it. */
function cacheFiles(cache: string): string[] {
  return readdirSync(cache, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(cache, path.join(e.parentPath, e.name)))
    .sort();
}

test('a link planted at a cache file or its temporary name is never written through', () => {
  const root = tree({ 'drivers/x/x.c': NOTIFIER, Kconfig: 'config X\n\tbool "x"\n' });
  const cache = tempDir('cache');
  const expected = dmalint(['--root', root], { cacheDir: cache });
  assert.equal(expected.code, 1, expected.stderr);
  const files = cacheFiles(cache);
  // The summaries, the tree index, the Kconfig reading and the findings: each kind a link.
  for (const kind of ['summaries/', 'trees/', 'kconfig/', 'findings/'])
    assert.ok(
      files.some((f) => f.startsWith(kind)),
      `${kind} in ${files.join(' ')}`,
    );
  const victims = tempDir('victims');
  files.forEach((f, i) => {
    const victim = path.join(victims, `precious${i}`);
    writeFileSync(victim, 'keep me\n');
    rmSync(path.join(cache, f));
    symlinkSync(victim, path.join(cache, f));
    // And at the temporary names an earlier dmalint derived from its pid.
    symlinkSync(victim, path.join(cache, path.dirname(f), `.${path.basename(f)}.${process.pid}.tmp`));
  });
  assert.deepEqual(dmalint(['--root', root], { cacheDir: cache }), expected);
  for (const v of readdirSync(victims)) assert.equal(readFileSync(path.join(victims, v), 'utf8'), 'keep me\n', v);
  // The links at the cache's own names are replaced by its files; the planted temporary links stay.
  for (const f of files) assert.ok(lstatSync(path.join(cache, f)).isFile(), f);
  assert.deepEqual(dmalint(['--root', root], { cacheDir: cache }), expected, 'warm');
});
