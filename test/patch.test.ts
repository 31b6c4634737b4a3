// Patch checks: --diff with a git format-patch mail or a plain diff, against the pre-patch
// tree and an already patched one, and --since in a real git repository.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { applyToTree } from '../src/patch/apply.js';
import { lineChanges } from '../src/patch/lines.js';
import { parsePatchText } from '../src/patch/read.js';
import { FIXTURES, dmalint, fixtureCopy, tempDir, tree, writeFiles } from './helpers/cli.js';
import { FOO_IOMMU } from './helpers/snippets.js';
import { commitAll, git } from './helpers/git.js';
import { validateSarif } from './helpers/sarif-schema.js';

const SAMPLE = path.join(FIXTURES, 'sample');

/**
 * The patch under test: it fixes highbank's notifier, adds an IOMMU driver that attaches in
 * add_device, and edits only the ops-table line through which ipmmu-vmsa's old attach is
 * reached: a line on that finding's path, which does not make the finding the patch's (it is
 * there before and after).
 */
function makeThePatch(root: string): void {
  const edit = (file: string, from: string, to: string) => {
    const text = readFileSync(path.join(root, file), 'utf8');
    assert.ok(text.includes(from), `${file} holds ${from}`);
    writeFileSync(path.join(root, file), text.replace(from, to));
  };
  edit(
    'arch/arm/mach-highbank/highbank.c',
    '\t\t/* ruleid: set-dma-ops-outside-setup-teardown direct what="set_dma_ops()"\n' +
      '\t\t * pair="arch_setup_dma_ops()/arch_teardown_dma_ops()" fn="highbank_platform_notifier"\n' +
      '\t\t * how="is the bus notifier callback, for BUS_NOTIFY_ADD_DEVICE, before arch_setup_dma_ops()" */\n' +
      '\t\tset_dma_ops(dev, &arm_coherent_dma_ops);\n',
    '\t\tdev->dma_coherent = true;\n',
  );
  edit(
    'drivers/iommu/ipmmu-vmsa.c',
    '\t.add_device\t= ipmmu_add_device,\n',
    '\t.add_device\t= ipmmu_add_device, /* before setup */\n',
  );
  writeFiles(root, { 'drivers/iommu/foo-iommu.c': FOO_IOMMU });
}

// A repository whose last commit is the patch; its mail has a body that looks like diff.
const repo = fixtureCopy('sample');
commitAll(repo, 'sample tree');
makeThePatch(repo);
commitAll(repo, 'iommu/foo: new driver\n\nThe body quotes a diff:\n--- not a header\n@@ -1 +1 @@\n');
const MAIL_TEXT = git(repo, 'format-patch', '-1', '--stdout');
const MAIL = path.join(tempDir('mail'), '0001-iommu-foo-new-driver.patch');
writeFileSync(MAIL, MAIL_TEXT);

/** What a text report says, one entry a finding: `file:line kind [rule]`; fixed ones as `fixed`. */
/** `file:line level [rule]` of each finding; `from`: the tree path of the directory it ran in. */
function brief(stdout: string, from = ''): string[] {
  return stdout.split('\n').flatMap((l) => {
    const m = /^([^:]+):(\d+):\d+: (error|warning|note): (fixed: )?.*\[([a-z-]+)\]$/.exec(l);
    return m ? [`${path.posix.join(from, m[1]!)}:${m[2]} ${m[4] ? 'fixed' : m[3]} [${m[5]}]`] : [];
  });
}

const INTRODUCED_AND_FIXED = [
  'arch/arm/mach-highbank/highbank.c:38 fixed [set-dma-ops-outside-setup-teardown]',
  'drivers/iommu/foo-iommu.c:5 error [attach-before-setup]',
];

test('--diff with a git format-patch mail reports what the patch introduces, and what it fixes as a note', () => {
  const r = dmalint(['--root', SAMPLE, '--diff', MAIL]);
  assert.equal(r.stderr, '');
  assert.deepEqual(brief(r.stdout), INTRODUCED_AND_FIXED);
  assert.match(
    r.stdout,
    /\ndmalint: note: not shown: 5 findings also before the change \(--format sarif lists them\)\n$/,
  );
  assert.equal(r.code, 1);
  // Its path crosses the changed ops-table line, but the finding was there before the patch.
  assert.doesNotMatch(r.stdout, /ipmmu-vmsa\.c:\d+:\d+: (error|warning)/);
});

test('--diff on a tree that already has the patch reports the same', () => {
  assert.deepEqual(brief(dmalint(['--root', repo, '--diff', MAIL]).stdout), INTRODUCED_AND_FIXED);
});

test('--diff - reads the patch from stdin (git diff | dmalint --diff -), from inside the tree', () => {
  const r = dmalint(['--diff', '-'], { cwd: path.join(repo, 'drivers'), input: git(repo, 'diff', 'HEAD~1', 'HEAD') });
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(brief(r.stdout, 'drivers'), INTRODUCED_AND_FIXED);
});

test('a patch that touches no finding exits 0; one that only fixes exits 0 with the note', () => {
  const onlyFix = git(repo, 'diff', 'HEAD~1', 'HEAD', '--', 'arch');
  const r = dmalint(['--root', SAMPLE, '--diff', '-'], { input: onlyFix });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(brief(r.stdout), [INTRODUCED_AND_FIXED[0]]);
  // A comment before the first line: a hunk from line 1 with no context before its change.
  const comment =
    '--- a/drivers/of/device.c\n+++ b/drivers/of/device.c\n@@ -1 +1,2 @@\n+/* nothing */\n' +
    ` ${readFileSync(path.join(SAMPLE, 'drivers/of/device.c'), 'utf8').split('\n')[0]}\n`;
  // The findings the tree had before are only counted, as a baseline's unchanged ones are.
  assert.deepEqual(dmalint(['--root', SAMPLE, '--diff', '-'], { input: comment }), {
    code: 0,
    stdout: 'dmalint: note: not shown: 6 findings also before the change (--format sarif lists them)\n',
    stderr: '',
  });
});

test('--diff SARIF: introduced results are new, earlier ones unchanged, fixed ones absent, with file roles', () => {
  const r = dmalint(['--root', SAMPLE, '--diff', MAIL, '--format', 'sarif']);
  const log = JSON.parse(r.stdout);
  assert.deepEqual(validateSarif(log), []);
  const run = log.runs[0];
  assert.deepEqual(
    run.results.map(
      (x: {
        baselineState: string;
        ruleId: string;
        locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>;
      }) => [x.locations[0]!.physicalLocation.artifactLocation.uri, x.ruleId, x.baselineState],
    ),
    [
      ['arch/arm/mach-highbank/highbank.c', 'set-dma-ops-outside-setup-teardown', 'absent'],
      ['arch/arm/mm/dma-mapping.c', 'set-dma-ops-outside-setup-teardown', 'unchanged'],
      ['arch/arm/mm/dma-mapping.c', 'set-dma-ops-outside-setup-teardown', 'unchanged'],
      ['arch/arm/mm/dma-mapping.c', 'asymmetric-teardown', 'unchanged'],
      ['arch/arm/mm/dma-mapping.c', 'asymmetric-teardown', 'unchanged'],
      ['drivers/iommu/foo-iommu.c', 'attach-before-setup', 'new'],
      ['drivers/iommu/ipmmu-vmsa.c', 'attach-before-setup', 'unchanged'],
    ],
  );
  const roles = Object.fromEntries(
    run.artifacts.map((a: { location: { uri: string }; roles: string[] }) => [a.location.uri, a.roles]),
  );
  assert.deepEqual(roles['drivers/iommu/foo-iommu.c'], ['added', 'resultFile', 'tracedFile']);
  assert.deepEqual(roles['arch/arm/mach-highbank/highbank.c'], ['modified', 'resultFile', 'tracedFile']);
});

test('a patch that does not apply names the patch line, the file and the hunk, exit 2', () => {
  const moved = fixtureCopy('sample');
  writeFiles(moved, {
    'drivers/iommu/ipmmu-vmsa.c': readFileSync(path.join(SAMPLE, 'drivers/iommu/ipmmu-vmsa.c'), 'utf8').replace(
      '.add_device\t= ipmmu_add_device,',
      '.add_device = ipmmu_add_device,',
    ),
  });
  const hunkLine =
    MAIL_TEXT.split('\n').findIndex(
      (l, i, all) => l.startsWith('@@') && all[i - 1] === '+++ b/drivers/iommu/ipmmu-vmsa.c',
    ) + 1;
  const r = dmalint(['--root', moved, '--diff', MAIL]);
  assert.deepEqual(r, {
    code: 2,
    stdout: '',
    stderr: `dmalint: ${MAIL}:${hunkLine}: drivers/iommu/ipmmu-vmsa.c: hunk #1 does not apply\n`,
  });

  const missing = dmalint(['--root', SAMPLE, '--diff', '-'], {
    input: '--- a/drivers/none.c\n+++ b/drivers/none.c\n@@ -1 +1 @@\n-a\n+b\n',
  });
  assert.deepEqual(missing, {
    code: 2,
    stdout: '',
    stderr: 'dmalint: <stdin>:3: drivers/none.c: no such file in the tree\n',
  });
  const prose = dmalint(['--root', SAMPLE, '--diff', '-'], { input: 'just some words\n' });
  assert.deepEqual(prose, { code: 2, stdout: '', stderr: 'dmalint: <stdin>: not a patch: no file changes in it\n' });
  const unreadable = dmalint(['--root', SAMPLE, '--diff', path.join(moved, 'no.patch')]);
  assert.deepEqual(unreadable, {
    code: 2,
    stdout: '',
    stderr: `dmalint: ${path.join(moved, 'no.patch')}: cannot read the patch: no such file or directory\n`,
  });
});

test('--since REV compares the working tree with REV in a git checkout', () => {
  const r = dmalint(['--since', 'HEAD~1'], { cwd: path.join(repo, 'arch') });
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(brief(r.stdout, 'arch'), INTRODUCED_AND_FIXED);
  // Uncommitted edits are part of the working tree.
  const work = fixtureCopy('sample');
  commitAll(work, 'sample tree');
  writeFiles(work, { 'drivers/iommu/foo-iommu.c': FOO_IOMMU });
  // Untracked files count as added, unless git ignores them.
  assert.deepEqual(brief(dmalint(['--since', 'HEAD', '--root', work]).stdout), [
    'drivers/iommu/foo-iommu.c:5 error [attach-before-setup]',
  ]);
  writeFiles(work, { '.gitignore': 'foo-*.c\n' });
  assert.deepEqual(dmalint(['--since', 'HEAD', '--root', work]), {
    code: 0,
    stdout: '',
    stderr: 'dmalint: note: no change since HEAD to a file dmalint analyzes: nothing to check\n',
  });
});

test('with a warm cache from before the change, both sides still see every file as it is', () => {
  // The cache's tree index was saved before the patch; the patched files are then changed on
  // disk (--since, --diff of an applied patch) or only in memory (--diff of a new patch).
  const cacheDir = tempDir('cache');
  const work = fixtureCopy('sample');
  commitAll(work, 'sample tree');
  assert.equal(dmalint(['--root', work], { cacheDir }).code, 1);
  const pristine = fixtureCopy('sample');
  assert.equal(dmalint(['--root', pristine], { cacheDir }).code, 1);
  makeThePatch(work);
  assert.deepEqual(brief(dmalint(['--since', 'HEAD', '--root', work], { cacheDir }).stdout), INTRODUCED_AND_FIXED);
  assert.deepEqual(brief(dmalint(['--diff', MAIL, '--root', work], { cacheDir }).stdout), INTRODUCED_AND_FIXED);
  assert.deepEqual(brief(dmalint(['--diff', MAIL, '--root', pristine], { cacheDir }).stdout), INTRODUCED_AND_FIXED);
});

test('--since with a bad revision or outside git is a one-line error, exit 2', () => {
  const bad = dmalint(['--since', 'no-such-rev', '--root', repo]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^dmalint: --since no-such-rev: fatal: .*no-such-rev.*\n$/);
  const notGit = dmalint(['--since', 'HEAD', '--root', tree({})]);
  assert.equal(notGit.code, 2);
  assert.match(notGit.stderr, /^dmalint: --since HEAD: fatal: not a git repository.*\n$/);
  const both = dmalint(['--since', 'HEAD', '--diff', MAIL]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /cannot be used with/);
});

test('a plain diff -urN (linux.orig/ linux/, a new file from nothing) resolves against the tree', () => {
  const root = tree({ 'drivers/a.c': 'one\ntwo\nthree\n' });
  const patch = parsePatchText(
    [
      'diff -urN linux.orig/drivers/a.c linux/drivers/a.c',
      '--- linux.orig/drivers/a.c\t2024-01-01 00:00:00.000000000 +0000',
      '+++ linux/drivers/a.c\t2024-01-02 00:00:00.000000000 +0000',
      '@@ -1,3 +1,3 @@',
      ' one',
      '-two',
      '+TWO',
      ' three',
      'diff -urN linux.orig/drivers/new/b.c linux/drivers/new/b.c',
      '--- linux.orig/drivers/new/b.c\t1970-01-01 00:00:00.000000000 +0000',
      '+++ linux/drivers/new/b.c\t2024-01-02 00:00:00.000000000 +0000',
      '@@ -0,0 +1 @@',
      '+b',
      '',
    ].join('\n'),
    'p.diff',
    root,
  );
  assert.deepEqual(applyToTree(root, patch), {
    disk: 'old',
    files: [
      { path: 'drivers/a.c', old: 'one\ntwo\nthree\n', new: 'one\nTWO\nthree\n' },
      { path: 'drivers/new/b.c', old: null, new: 'b\n' },
    ],
  });
});

test('a format-patch series applies mail after mail; renames move the file', () => {
  const root = tree({ 'drivers/f.c': 'a\nb\nc\n' });
  commitAll(root, 'base');
  writeFiles(root, { 'drivers/f.c': 'a\nB\nc\n' });
  commitAll(root, 'first');
  git(root, 'mv', 'drivers/f.c', 'drivers/g.c');
  writeFiles(root, { 'drivers/g.c': 'a\nB\nC\n' });
  commitAll(root, 'second');
  const series = git(root, 'format-patch', '-M', '-2', '--stdout');
  git(root, 'checkout', '-q', 'HEAD~2');
  assert.deepEqual(applyToTree(root, parsePatchText(series, 'series.mbox', root)), {
    disk: 'old',
    files: [
      { path: 'drivers/f.c', old: 'a\nb\nc\n', new: null },
      { path: 'drivers/g.c', old: null, new: 'a\nB\nC\n' },
    ],
  });
});

test('changed lines and where old lines went', () => {
  const c = lineChanges('a\nb\nc\nd\n', 'a\nX\nc\nd\ne\n');
  assert.deepEqual([...c.added].sort(), [2, 5]);
  assert.deepEqual(
    [1, 2, 3, 4].map((l) => c.newLineOf(l)),
    [1, 2, 3, 4],
  );
  const removed = lineChanges('a\nb\nc\n', 'a\nc\n');
  assert.deepEqual([...removed.added], []);
  assert.deepEqual(
    [1, 2, 3].map((l) => removed.newLineOf(l)),
    [1, 2, 2],
  );
  assert.equal(lineChanges('a\nb\n', 'a\n').newLineOf(2), 1);
});
