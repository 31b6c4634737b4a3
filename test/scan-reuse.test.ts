// A re-scan of an unchanged tree replays the last scan's findings (src/cache/scan-reuse.ts):
// the report must be the one a fresh scan gives, and anything the answer depends on (a source
// file, a Makefile, the .config, the rules) must make it analyze again.
import assert from 'node:assert/strict';
import { appendFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { NOTIFIER_SETTING_OPS, type Run, dmalint, fixtureCopy, tempDir } from './helpers/cli.js';

const REPLAYED = /tree unchanged: the findings of the last scan \(\d+ files parsed\) replayed/;

/** A run with the cache, and the same run without one: same status and report. */
function againstFresh(args: string[], cacheDir: string): Run {
  const cached = dmalint(['--stats', ...args], { cacheDir });
  const fresh = dmalint(args);
  assert.equal(cached.stdout, fresh.stdout);
  assert.equal(cached.code, fresh.code);
  return cached;
}

/** Moves a file's mtime on, as an editor saving it a little later would. */
function touchLater(file: string, seconds: number): void {
  const at = new Date(Date.now() + seconds * 1000);
  utimesSync(file, at, at);
}

test('an unchanged tree replays its findings; a changed file, Makefile, .config or rule analyzes again', () => {
  const root = fixtureCopy('kconfig-multi');
  const cacheDir = tempDir('reuse-cache');
  const args = ['--root', root, '--kconfig', path.join(root, '.config'), root];
  const first = againstFresh(args, cacheDir);
  assert.equal(first.code, 1);
  assert.doesNotMatch(first.stderr, REPLAYED);
  const second = againstFresh(args, cacheDir);
  assert.match(second.stderr, REPLAYED);
  assert.equal(second.stdout, first.stdout);

  // Positional paths filter the replayed findings as they filter analyzed ones.
  const part = againstFresh([...args.slice(0, -1), path.join(root, 'drivers')], cacheDir);
  assert.match(part.stderr, REPLAYED);
  assert.notEqual(part.stdout, first.stdout);

  // A source file: a new driver that installs ops from a notifier.
  const added = path.join(root, 'drivers/iommu/new-notifier.c');
  writeFileSync(added, NOTIFIER_SETTING_OPS);
  appendFileSync(path.join(root, 'drivers/iommu/Makefile'), 'obj-y += new-notifier.o\n');
  touchLater(path.join(root, 'drivers/iommu/Makefile'), 2);
  const added1 = againstFresh(args, cacheDir);
  assert.doesNotMatch(added1.stderr, REPLAYED);
  assert.match(added1.stdout, /new-notifier\.c/);
  assert.match(againstFresh(args, cacheDir).stderr, REPLAYED);

  // A Makefile alone (read by the configuration, not listed): the IPMMU driver becomes built.
  const makefile = path.join(root, 'drivers/iommu/Makefile');
  appendFileSync(makefile, 'obj-y += ipmmu-vmsa.o\n');
  touchLater(makefile, 4);
  const built = againstFresh(args, cacheDir);
  assert.doesNotMatch(built.stderr, REPLAYED);
  assert.notEqual(built.stdout, added1.stdout);

  // The .config's content, not its name, and the rules are part of the key.
  const dotconfig = path.join(root, '.config');
  appendFileSync(dotconfig, '# CONFIG_ARM_DMA_USE_IOMMU is not set\n');
  assert.doesNotMatch(againstFresh(args, cacheDir).stderr, REPLAYED);
  const ruleOff = againstFresh(['--rule', 'attach-before-setup=off', ...args], cacheDir);
  assert.doesNotMatch(ruleOff.stderr, REPLAYED);
  assert.match(againstFresh(['--rule', 'attach-before-setup=off', ...args], cacheDir).stderr, REPLAYED);
});

test('a scan that left a file unanalyzed is not replayed: the next run tries again', () => {
  const root = fixtureCopy('sample');
  const cacheDir = tempDir('reuse-cache');
  const args = ['--max-file-size', '1k', '--root', root, root];
  const first = againstFresh(args, cacheDir);
  assert.match(first.stdout, /larger than --max-file-size 1 KiB; not analyzed/);
  const second = againstFresh(args, cacheDir);
  assert.doesNotMatch(second.stderr, REPLAYED);
  assert.equal(second.stdout, first.stdout);
});
