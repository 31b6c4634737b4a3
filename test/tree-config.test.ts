// The configuration a tree keeps (.dmalint.yaml at its root), met through the command line: it
// is found without -c, merged over the bundled rules, -c adds its suppressions to the tree's,
// a stale entry is a warning at its own line, and only a regular file is read.
import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { dmalint, fixtureCopy, tempDir } from './helpers/cli.js';

const FILE = 'drivers/bus/vexpress-dma-bridge.c';

function suppression(rule: string, fn: string, file = FILE): string {
  return `  - rule: ${rule}\n    path: ${file}\n    function: ${fn}\n    reason: accepted for the test\n`;
}

test('a tree .dmalint.yaml is found and honoured; -c adds its suppressions to it', () => {
  const root = fixtureCopy('set-dma-ops');
  const before = dmalint(['--root', root, path.join(root, FILE)]);
  assert.match(before.stdout, /:31:2: warning: .*\[set-dma-ops-outside-setup-teardown\]/);
  writeFileSync(
    path.join(root, '.dmalint.yaml'),
    `suppressions:\n${suppression('set-dma-ops-outside-setup-teardown', 'vexpress_bridge_fixup_child')}`,
  );
  const tree = dmalint(['--root', root, path.join(root, FILE)]);
  assert.doesNotMatch(tree.stdout, /:31:2: warning:/);
  assert.match(tree.stdout, /not shown: 1 suppressed finding/);
  const extra = path.join(tempDir('tree-config'), 'mine.yaml');
  writeFileSync(extra, `suppressions:\n${suppression('asymmetric-teardown', 'vexpress_dma_bridge_probe')}`);
  const both = dmalint(['--root', root, '-c', extra, path.join(root, FILE)]);
  assert.doesNotMatch(both.stdout, /:31:2: warning:/, 'the tree suppression still holds with -c');
  assert.match(both.stdout, /not shown: 2 suppressed findings/);
  // A CI job gating the tree's own change to that file reads only what it is given.
  const ci = dmalint(['--root', root, '--no-tree-config', '-c', extra, path.join(root, FILE)]);
  assert.match(ci.stdout, /:31:2: warning: .*\[set-dma-ops-outside-setup-teardown\]/);
  assert.match(ci.stdout, /not shown: 1 suppressed finding\b/);
});

test("a stale suppression of the tree's file is a warning at its line there", () => {
  const root = fixtureCopy('set-dma-ops');
  writeFileSync(
    path.join(root, '.dmalint.yaml'),
    `# kept for the old driver\nsuppressions:\n${suppression('attach-before-setup', 'gone', 'drivers/gone/*.c')}`,
  );
  const r = dmalint(['--root', root]);
  // A tree path, as findings are: vim's quickfix opens it.
  assert.match(
    r.stdout + r.stderr,
    /^\.dmalint\.yaml:3: warning: suppression of attach-before-setup in drivers\/gone/m,
  );
});

test('a .dmalint.yaml that is a link is refused with one line, exit 2', () => {
  const root = fixtureCopy('set-dma-ops');
  const elsewhere = path.join(tempDir('tree-config-link'), 'x.yaml');
  writeFileSync(elsewhere, 'suppressions: []\n');
  symlinkSync(elsewhere, path.join(root, '.dmalint.yaml'));
  const r = dmalint(['--root', root]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /\.dmalint\.yaml: not a regular file \(a symbolic link\)/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});
