// Workflows built on the whole-tree scan must never pass what it fails: a patch that only
// deletes lines, a run from a subdirectory of a tree whose arch/ has its own Kbuild, a patch
// from `git diff --relative`, a quoted-printable mail, a series given as several files, and a
// patch the .config does not build. Each is run as a user runs it, in a git copy of a fixture.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { encode as encodeQuotedPrintable, wrap } from 'libqp';
import { dmalint, fixtureCopy, tempDir, writeFiles } from './helpers/cli.js';
import { commitAll, git } from './helpers/git.js';
import { validateSarif } from './helpers/sarif-schema.js';

/** `file:line rule` of each finding a text report lists (fixed ones as `fixed rule`). */
/**
 * Each finding as `file:line rule`, in report order (file, line, rule): those another rule's
 * report of the same cause carries as `note: also <rule>` included. `from`: the tree path of the
 * directory it ran in, which paths start from (as gcc's).
 */
function brief(stdout: string, from = ''): string[] {
  const found = stdout.split('\n').flatMap((l) => {
    const m = /^([^:]+):(\d+):\d+: (?:error|warning|note): (fixed: )?.*\[([a-z-]+)\]$/.exec(l);
    if (m) return [{ file: path.posix.join(from, m[1]!), line: Number(m[2]), rule: `${m[3] ? 'fixed ' : ''}${m[4]}` }];
    const also = /^([^:]+):(\d+):\d+: note: also ([a-z-]+) \((?:error|warning|note)\): /.exec(l);
    return also ? [{ file: path.posix.join(from, also[1]!), line: Number(also[2]), rule: also[3]! }] : [];
  });
  return found
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.rule < b.rule ? -1 : 1)))
    .map((f) => `${f.file}:${f.line} ${f.rule}`);
}

function edit(root: string, file: string, from: string, to: string): void {
  const text = readFileSync(path.join(root, file), 'utf8');
  assert.ok(text.includes(from), `${file} holds ${JSON.stringify(from)}`);
  writeFileSync(path.join(root, file), text.replace(from, to));
}

/**
 * A git copy of the fixed ARM teardown with the Kbuild files a kernel has below its root
 * (arch/arm/Kbuild, arch/arm/mm/Makefile): the root is where MAINTAINERS is, not the top of
 * the Kbuild chain above arch/arm/mm.
 */
function teardownRepo(): string {
  const root = fixtureCopy('teardown-fixed');
  writeFiles(root, {
    'arch/arm/Kbuild': 'obj-y += mm/\n',
    'arch/arm/mm/Kbuild': 'obj-y += dma-mapping.o\n',
    'drivers/Kbuild': '',
  });
  commitAll(root, "ARM: dma-mapping: Don't tear third-party mappings");
  return root;
}

const DMA_MAPPING = 'arch/arm/mm/dma-mapping.c';
const GUARD =
  '\t/* only undo what arch_setup_dma_ops() itself set up */\n\tif (!dev->archdata.dma_ops_setup)\n\t\treturn;\n\n';
const UNGUARDED = [`${DMA_MAPPING}:117 asymmetric-teardown`];

test('a patch that only deletes the ownership guard introduces what a whole-tree scan finds', () => {
  const root = teardownRepo();
  // The exported attach and detach helpers set the ops: findings before and after the patch.
  const before = brief(dmalint([], { cwd: root }).stdout);
  assert.deepEqual(before, [
    `${DMA_MAPPING}:36 set-dma-ops-outside-setup-teardown`,
    `${DMA_MAPPING}:58 set-dma-ops-outside-setup-teardown`,
  ]);
  edit(root, DMA_MAPPING, GUARD, '');
  const whole = dmalint([root]);
  assert.equal(whole.code, 1);
  assert.deepEqual(brief(whole.stdout), [...before, ...UNGUARDED]);

  const mm = path.join(root, 'arch/arm/mm');
  const runs = {
    'git diff | dmalint --diff - (at the root)': dmalint(['--diff', '-'], { cwd: root, input: git(root, 'diff') }),
    'git diff | dmalint --diff - (in arch/arm/mm)': dmalint(['--diff', '-'], { cwd: mm, input: git(root, 'diff') }),
    'git diff --relative | dmalint --diff - (in arch/arm/mm)': dmalint(['--diff', '-'], {
      cwd: mm,
      input: git(mm, 'diff', '--relative'),
    }),
    'dmalint --since HEAD (in arch/arm/mm)': dmalint(['--since', 'HEAD'], { cwd: mm }),
  };
  for (const [how, r] of Object.entries(runs)) {
    assert.equal(r.code, 1, `${how}: ${r.stderr}`);
    assert.equal(r.stderr, '', how);
    // Paths from where it ran, as gcc's.
    assert.deepEqual(brief(r.stdout, how.includes('arch/arm/mm') ? 'arch/arm/mm' : ''), UNGUARDED, how);
  }
  // A scan from the subdirectory is the whole tree's, limited to what is under it.
  for (const args of [['.'], []]) {
    const r = dmalint(args, { cwd: mm });
    assert.deepEqual(
      [r.code, r.stderr, brief(r.stdout, 'arch/arm/mm')],
      [1, '', brief(whole.stdout)],
      `dmalint ${args.join(' ')} in arch/arm/mm`,
    );
  }

  // The same as a mail, before and after git am, and quoted-printable as mail clients send it.
  git(root, 'commit', '-qam', 'ARM: dma-mapping: drop the ownership check');
  const mail = git(root, 'format-patch', '-1', '--stdout');
  const dir = tempDir('mails');
  const plain = path.join(dir, '0001-plain.patch');
  writeFileSync(plain, mail);
  const split = mail.indexOf('\n\n');
  const qp = path.join(dir, '0001-qp.patch');
  writeFileSync(
    qp,
    mail.slice(0, split).replace(/\n(MIME-Version|Content-Type|Content-Transfer-Encoding):.*/g, '') +
      '\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n\n' +
      wrap(encodeQuotedPrintable(mail.slice(split + 2)), 76),
  );
  assert.match(readFileSync(qp, 'utf8'), /=3D|=20|=\n/, 'the mail is quoted-printable');
  for (const file of [plain, qp]) {
    const applied = dmalint(['--diff', file], { cwd: root });
    assert.equal(applied.code, 1, applied.stderr);
    assert.deepEqual(brief(applied.stdout), UNGUARDED, `${file} on the patched tree`);
  }
  git(root, 'checkout', '-q', 'HEAD~1');
  for (const file of [plain, qp]) {
    const before = dmalint(['--diff', file], { cwd: root });
    assert.equal(before.code, 1, before.stderr);
    assert.deepEqual(brief(before.stdout), UNGUARDED, `${file} before git am`);
  }
});

test("--stats on a patch check says what each side's scan did", () => {
  const root = teardownRepo();
  edit(root, DMA_MAPPING, GUARD, '');
  const r = dmalint(['--stats', '--diff', '-'], { cwd: root, input: git(root, 'diff') });
  assert.equal(r.code, 1, r.stderr);
  const sides = r.stderr
    .split('\n')
    .filter((l) => / files listed, /.test(l))
    .map((l) => /^dmalint: (before|after) the change: \d+ files listed, (\d+) parsed/.exec(l)?.slice(1, 3));
  // Both sides, before then after, whichever ran first.
  assert.deepEqual(sides, [
    ['before', '3'],
    ['after', '3'],
  ]);
});

test('deleting a break, or replacing a guard by a comment, introduces the finding the full scan has', () => {
  const root = teardownRepo();
  writeFiles(root, {
    'drivers/foo/foo.c': `#include <linux/device.h>

static int foo_notifier(struct notifier_block *nb, unsigned long event, void *data)
{
	struct device *dev = data;

	switch (event) {
	case BUS_NOTIFY_ADD_DEVICE:
		foo_note(dev);
		break;
	case BUS_NOTIFY_BOUND_DRIVER:
		arm_iommu_attach_device(dev, foo_mapping);
		break;
	}
	return NOTIFY_OK;
}

static struct notifier_block foo_nb = {
	.notifier_call = foo_notifier,
};
`,
  });
  commitAll(root, 'foo: attach once the driver is bound');
  edit(root, 'drivers/foo/foo.c', '\t\tfoo_note(dev);\n\t\tbreak;\n', '\t\tfoo_note(dev);\n');
  const fallThrough = dmalint(['--diff', '-'], { cwd: path.join(root, 'drivers'), input: git(root, 'diff') });
  assert.equal(fallThrough.code, 1, fallThrough.stderr);
  assert.deepEqual(brief(fallThrough.stdout, 'drivers'), ['drivers/foo/foo.c:11 attach-before-setup']);

  git(root, 'checkout', '-q', '--', '.');
  edit(root, DMA_MAPPING, '\tif (!dev->archdata.dma_ops_setup)\n\t\treturn;\n', '\t/* every device is ours */\n');
  const comment = dmalint(['--since', 'HEAD'], { cwd: root });
  assert.equal(comment.code, 1, comment.stderr);
  assert.deepEqual(brief(comment.stdout), [`${DMA_MAPPING}:120 asymmetric-teardown`]);

  // Undone, the same check reports it fixed and passes.
  commitAll(root, 'drop the guard');
  edit(root, DMA_MAPPING, '\t/* every device is ours */\n', '\tif (!dev->archdata.dma_ops_setup)\n\t\treturn;\n');
  const fixed = dmalint(['--since', 'HEAD'], { cwd: root });
  assert.equal(fixed.code, 0, fixed.stderr);
  assert.deepEqual(brief(fixed.stdout), [`${DMA_MAPPING}:121 fixed asymmetric-teardown`]);
});

test('paths are relative to the current directory; the root is where MAINTAINERS is', () => {
  const root = fixtureCopy('sample');
  writeFiles(root, {
    'arch/arm/Kbuild': 'obj-y += mm/ mach-highbank/\n',
    'arch/arm/mm/Kbuild': 'obj-y += dma-mapping.o\n',
  });
  const whole = brief(dmalint([root]).stdout);
  const under = (...dirs: string[]) => whole.filter((f) => dirs.some((d) => f.startsWith(`${d}/`)));
  const mm = path.join(root, 'arch/arm/mm');
  const two = dmalint(['.', '../../../drivers/iommu'], { cwd: mm });
  assert.equal(two.code, 1, two.stderr);
  assert.deepEqual(brief(two.stdout, 'arch/arm/mm'), under('arch/arm/mm', 'drivers/iommu'));
  assert.ok(under('drivers/iommu').length > 0);
  const here = dmalint([], { cwd: path.join(root, 'arch/arm') });
  assert.deepEqual(brief(here.stdout, 'arch/arm'), whole, 'no path in a tree: the whole tree');
  assert.equal(here.stderr, '');
});

test('outside a kernel tree, no path scans the bundled sample and says so first; a guessed root is said', () => {
  const outside = tempDir('outside');
  const sample = dmalint([], { cwd: outside });
  assert.equal(sample.code, 1);
  assert.match(
    sample.stderr.split('\n')[0]!,
    /^dmalint: not inside a kernel tree: scanning the bundled sample tree .*fixtures\/sample/,
  );
  // Kbuild files without MAINTAINERS: the outermost is a guess, and said to be one.
  writeFiles(outside, {
    'linux/Kbuild': '',
    'linux/drivers/Kbuild': '',
    'linux/drivers/foo/foo.c': 'int foo(void) { return 0; }\n',
  });
  const guessed = dmalint(['foo'], { cwd: path.join(outside, 'linux/drivers') });
  assert.equal(guessed.code, 0, guessed.stderr);
  assert.equal(
    guessed.stderr,
    `dmalint: note: no MAINTAINERS above ${path.join(outside, 'linux/drivers/foo')}; taking ` +
      `${path.join(outside, 'linux')}, the outermost directory with Kbuild, as the tree root (give --root to choose)\n`,
  );
});

test('a --root that is not a kernel tree is an error, and scanned with a warning only when forced', () => {
  const dir = tempDir('not-kernel');
  writeFiles(dir, { 'stdio.h': 'int printf(const char *, ...);\n' });
  const why = `${dir} does not look like a kernel tree (no MAINTAINERS, and no Kbuild or Makefile beside arch/)`;
  const refused = dmalint(['--root', dir]);
  assert.deepEqual(
    [refused.code, refused.stdout, refused.stderr],
    [2, '', `dmalint: --root ${dir}: ${why}; give --force-root to scan it anyway\n`],
  );
  const forced = dmalint(['--root', dir, '--force-root']);
  assert.deepEqual([forced.code, forced.stderr], [0, `dmalint: warning: ${why}\n`]);
});

test('an empty patch on stdin is nothing to check (exit 0); an empty patch file is not a patch (exit 2)', () => {
  const root = teardownRepo();
  const stdin = dmalint(['--diff', '-'], { cwd: root, input: '' });
  assert.deepEqual(
    [stdin.code, stdin.stdout, stdin.stderr],
    [0, '', 'dmalint: note: the patch on stdin is empty: nothing to check\n'],
  );
  const since = dmalint(['--since', 'HEAD'], { cwd: root });
  assert.deepEqual(
    [since.code, since.stderr],
    [0, 'dmalint: note: no change since HEAD to a file dmalint analyzes: nothing to check\n'],
  );
  const empty = path.join(tempDir('empty'), 'empty.patch');
  writeFileSync(empty, '');
  const file = dmalint(['--diff', empty], { cwd: root });
  assert.deepEqual([file.code, file.stderr], [2, `dmalint: ${empty}: not a patch: no file changes in it\n`]);
});

test('--diff takes a series as several files, applied in order; an error names the file it is in', () => {
  const root = teardownRepo();
  edit(root, DMA_MAPPING, GUARD, '');
  commitAll(root, 'drop the guard');
  writeFiles(root, { 'drivers/foo/foo.c': 'int foo(void) { return 0; }\n' });
  commitAll(root, 'foo');
  const dir = tempDir('series');
  git(root, 'format-patch', '-q', '-2', '-o', dir);
  git(root, 'checkout', '-q', 'HEAD~2');
  const files = ['0001-drop-the-guard.patch', '0002-foo.patch'].map((f) => path.join(dir, f));
  const r = dmalint(['--diff', ...files], { cwd: root });
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(brief(r.stdout), UNGUARDED);
  const twice = dmalint(['--diff', files[1]!, files[1]!], { cwd: root });
  assert.equal(twice.code, 2);
  assert.match(
    twice.stderr,
    new RegExp(
      `^dmalint: ${files[1]}:\\d+: drivers/foo/foo\\.c: the patch creates it, but the tree already has it\\n$`,
    ),
  );
});

const CONFIG_HEADER = '#\n# Automatically generated file; DO NOT EDIT.\n# Linux/arm 6.1.0 Kernel Configuration\n#\n';

test(
  '--kconfig: a changed file the .config does not build is a warning, in ' + 'text and SARIF; its arch must match',
  () => {
    const root = fixtureCopy('kconfig-multi');
    commitAll(root, 'tree');
    edit(
      root,
      'drivers/iommu/Makefile',
      'obj-$(CONFIG_FOO_IOMMU) += foo-iommu.o\n',
      'obj-$(CONFIG_FOO_IOMMU) += foo-iommu.o\nobj-$(CONFIG_BAR_IOMMU) += bar-iommu.o\n',
    );
    writeFiles(root, {
      'drivers/iommu/bar-iommu.c': `#include <linux/device.h>

static int bar_add_device(struct device *dev)
{
	return arm_iommu_attach_device(dev, bar_mapping);
}

static const struct iommu_ops bar_ops = {
	.add_device = bar_add_device,
};
`,
    });
    const dotconfig = path.join(tempDir('kbuild'), '.config');
    writeFileSync(dotconfig, `${CONFIG_HEADER}CONFIG_ARM=y\nCONFIG_IOMMU_SUPPORT=y\n`);
    const warning =
      `drivers/iommu/bar-iommu.c: warning: not built with the configuration of --kconfig ` +
      `${dotconfig}: what the change does in it is not analyzed\n`;
    const r = dmalint(['--kconfig', dotconfig, '--since', 'HEAD'], { cwd: root });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, warning, '']);
    const sarif = dmalint(['--kconfig', dotconfig, '--since', 'HEAD', '--format', 'sarif'], { cwd: root });
    assert.equal(sarif.stderr, warning);
    const log = JSON.parse(sarif.stdout);
    validateSarif(log);
    const notes = log.runs[0].invocations[0].toolExecutionNotifications;
    assert.deepEqual(
      notes.map((n: { level: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => [
        n.level,
        n.locations[0]!.physicalLocation.artifactLocation.uri,
      ]),
      [['warning', 'drivers/iommu/bar-iommu.c']],
    );
    // With the symbol on, the new driver's finding is introduced.
    writeFileSync(
      dotconfig,
      `${CONFIG_HEADER}CONFIG_ARM=y\nCONFIG_ARM_DMA_USE_IOMMU=y\nCONFIG_IOMMU_SUPPORT=y\nCONFIG_BAR_IOMMU=y\n`,
    );
    assert.deepEqual(brief(dmalint(['--kconfig', dotconfig, '--since', 'HEAD'], { cwd: root }).stdout), [
      'drivers/iommu/bar-iommu.c:5 asymmetric-teardown',
      'drivers/iommu/bar-iommu.c:5 attach-before-setup',
    ]);

    // A .config for arm64 sets the architecture (arch/arm is then another arch's, not analyzed),
    // and contradicting it is a usage error.
    const arm64 = path.join(path.dirname(dotconfig), 'arm64.config');
    writeFileSync(
      arm64,
      CONFIG_HEADER.replace('Linux/arm ', 'Linux/arm64 ') +
        'CONFIG_ARM64=y\nCONFIG_IOMMU_SUPPORT=y\nCONFIG_BAR_IOMMU=y\n',
    );
    const wrongArch = dmalint(['--kconfig', arm64, '--arch', 'arm', root]);
    assert.deepEqual(
      [wrongArch.code, wrongArch.stderr],
      [2, `dmalint: --kconfig ${arm64} was written for arm64 (its header says so), not for --arch arm\n`],
    );
    const asArm = brief(dmalint(['--kconfig', dotconfig, root]).stdout);
    const asArm64 = brief(dmalint(['--kconfig', arm64, root]).stdout);
    assert.ok(
      asArm.some((f) => f.startsWith('arch/arm/')),
      'arm analyzes arch/arm',
    );
    assert.deepEqual(
      asArm64,
      asArm.filter((f) => !f.startsWith('arch/arm/')),
    );
    assert.deepEqual(brief(dmalint(['--kconfig', arm64, '--arch', 'arm64', root]).stdout), asArm64);
  },
);

test('--jobs beyond twice the cores is clamped with a warning, and the result is the same', () => {
  const root = fixtureCopy('sample');
  const r = dmalint(['--jobs', '1000', root]);
  const cores = (r.stderr.match(/twice the (\d+) cores/) ?? [])[1];
  assert.equal(
    r.stderr,
    `dmalint: warning: --jobs 1000 is more than twice the ${cores} cores; using ${2 * Number(cores)} threads\n`,
  );
  assert.deepEqual([r.code, r.stdout], [1, dmalint([root]).stdout]);
});
