// Which side of a patch the tree holds, as the user meets it: `git diff --relative | dmalint
// --diff -` in a subdirectory of a tree that has the change (patched), and the same diff saved
// to a file and checked after `git stash` (pre-patch). Both must give the same findings, at lines
// of the patched file, including for hunks at the end of a file, which have no trailing context.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { dmalint, fixtureCopy, tempDir, tree } from './helpers/cli.js';
import { commitAll, git } from './helpers/git.js';

const IPMMU = 'drivers/iommu/ipmmu-vmsa.c';
const EXPORTED =
  'EXPORT_SYMBOL(ipmmu_force_ops);\nvoid ipmmu_force_ops(struct device *dev) { set_dma_ops(dev, &ipmmu_ops_x); }\n';

/**
 * Text findings as `file:line:column kind [rule]`, fixed ones as `fixed`, files as tree paths:
 * the runs are from drivers/iommu, which the text's paths start from.
 */
function brief(stdout: string): string[] {
  return stdout.split('\n').flatMap((l) => {
    const m = /^([^:]+)(:\d+:\d+): (error|warning|note): (fixed: )?.*\[([a-z-]+)\]$/.exec(l);
    return m ? [`${path.posix.join('drivers/iommu', m[1]!)}${m[2]} ${m[4] ? 'fixed' : m[3]} [${m[5]}]`] : [];
  });
}

/**
 * Commits the sample tree with ipmmu-vmsa.c as `before` makes it, then writes `after` of that
 * over it: the results of checking the diff on the patched tree (from stdin) and on the
 * pre-patch tree (from a file), both run from drivers/iommu.
 */
function checkBothSides(before: (text: string) => string, after: (text: string) => string) {
  const repo = fixtureCopy('sample');
  const file = path.join(repo, IPMMU);
  const base = before(readFileSync(file, 'utf8'));
  writeFileSync(file, base);
  commitAll(repo, 'base');
  writeFileSync(file, after(base));
  const cwd = path.join(repo, 'drivers/iommu');
  const diff = git(cwd, 'diff', '--relative');
  const patched = dmalint(['--diff', '-'], { cwd, input: diff });
  const patchFile = path.join(tempDir('patch'), 'change.patch');
  writeFileSync(patchFile, diff);
  git(repo, 'stash', '-q');
  const unpatched = dmalint(['--diff', patchFile], { cwd });
  return { diff, patched, unpatched };
}

const SET_DMA_OPS = '[set-dma-ops-outside-setup-teardown]';

test('a function appended at the end of a file is found at its line, whichever side the tree holds', () => {
  const { diff, patched, unpatched } = checkBothSides(
    (text) => text,
    (text) => text + EXPORTED,
  );
  // The hunk has leading context only: on the patched tree it also fits before the appended lines.
  assert.match(diff, /^@@ -110,3 \+110,5 @@/m);
  for (const r of [patched, unpatched]) {
    assert.equal(r.stderr, '');
    assert.deepEqual(brief(r.stdout), [`${IPMMU}:114:44 warning ${SET_DMA_OPS}`]);
    assert.equal(r.code, 1);
  }
});

test('a function deleted at the end of a file is fixed, whichever side the tree holds', () => {
  const { patched, unpatched } = checkBothSides(
    (text) => text + EXPORTED,
    (text) => text.slice(0, -EXPORTED.length),
  );
  for (const r of [patched, unpatched]) {
    assert.equal(r.stderr, '');
    // Lines are the patched file's: the deleted line 114 went to where the file now ends.
    assert.deepEqual(brief(r.stdout), [`${IPMMU}:112:44 fixed ${SET_DMA_OPS}`]);
    assert.equal(r.code, 0);
  }
});

test('an append to a file without a newline at its end (\\ No newline at end of file) reads both sides', () => {
  const { diff, patched, unpatched } = checkBothSides(
    (text) => text.replace(/\n$/, ''),
    (text) => `${text}\n${EXPORTED.replace(/\n$/, '')}`,
  );
  assert.match(diff, /^\\ No newline at end of file$/m);
  for (const r of [patched, unpatched]) {
    assert.equal(r.stderr, '');
    assert.deepEqual(brief(r.stdout), [`${IPMMU}:114:44 warning ${SET_DMA_OPS}`]);
    assert.equal(r.code, 1);
  }
});

test('a patch that applies both forwards and in reverse is an error naming it, not a guess', () => {
  // The same block twice, once with each side of the change: both sides fit somewhere.
  const block = (x: string) => ['{', 'a();', 'b();', x, 'c();', 'd();', '}'];
  const lines = ['/* head */', '', '', '', ...block('x();'), '', '', '', ...block('y();'), '', '', '/* tail */'];
  const root = tree({ 'drivers/a.c': lines.join('\n') + '\n' });
  const patch = '--- a/drivers/a.c\n+++ b/drivers/a.c\n@@ -6,6 +6,6 @@\n a();\n b();\n-x();\n+y();\n c();\n d();\n }\n';
  assert.deepEqual(dmalint(['--root', root, '--diff', '-'], { input: patch }), {
    code: 2,
    stdout: '',
    stderr:
      'dmalint: <stdin>:3: drivers/a.c: the patch applies both to the tree and in reverse, so whether the tree ' +
      'already has it cannot be told; check it on a tree without it, or use --since REV\n',
  });
  // Where only one side fits, that side is the one the tree holds.
  const once = tree({ 'drivers/a.c': lines.slice(0, 14).join('\n') + '\n' });
  assert.equal(dmalint(['--root', once, '--diff', '-'], { input: patch }).code, 0);
});
