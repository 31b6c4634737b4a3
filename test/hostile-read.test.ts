// dmalint reads only regular files, and only inside the tree: a FIFO where a Makefile, Kconfig,
// MAINTAINERS, .mailmap or patch should be, a link to a device, a Kconfig `source` that climbs
// out of the tree, are each a file that cannot be read, named in one line, and the run goes on
// at once (before, a FIFO blocked the run forever and /dev/zero filled the memory).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI, type Run, tempDir, tree, writeFiles } from './helpers/cli.js';
import { commitAll, IDENTITY } from './helpers/git.js';
import { LspClient } from './helpers/lsp-client.js';
import { NOTIFIER } from './helpers/snippets.js';

/** A hang or an unbounded read fails the test in seconds instead of stalling the suite. */
function bounded(args: string[], options: { cwd?: string; input?: string } = {}): Run {
  const r = spawnSync(process.execPath, [CLI, '--no-cache', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...IDENTITY, CI: 'true' },
    timeout: 20_000,
    killSignal: 'SIGKILL',
    ...options,
  });
  assert.equal(r.signal, null, `dmalint ${args.join(' ')}: killed after 20 s (${r.stderr})`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function mkfifo(file: string): void {
  assert.equal(spawnSync('mkfifo', [file]).status, 0, 'mkfifo');
}

const FINDING =
  "drivers/x/x.c:7:2: warning: set_dma_ops() writes the device's dma_ops outside " +
  'arch_setup_dma_ops()/arch_teardown_dma_ops(): hb_notifier() is the bus notifier callback, for ' +
  'BUS_NOTIFY_ADD_DEVICE, before arch_setup_dma_ops(); leave the ops to ' +
  'arch_setup_dma_ops()/arch_teardown_dma_ops(), or write them from a driver probe or bind whose remove or ' +
  'unbind undoes them [set-dma-ops-outside-setup-teardown]';

/** The finding's warning line and the notification lines: what the run said, without the path notes. */
function said(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l !== '' && !/^\S+:\d+:\d+: note: /.test(l));
}

/** A small configured tree whose Kbuild and Kconfig files reach drivers/x/x.c. */
function configuredTree(): string {
  return tree({
    'drivers/x/x.c': NOTIFIER,
    Kconfig: 'source "drivers/Kconfig"\nsource "arch/$(SRCARCH)/Kconfig"\nsource "../../../../../../etc/passwd"\n',
    Makefile: 'obj-y += drivers/\n',
    'drivers/Kconfig': 'config X\n\tbool "x"\n',
    'drivers/Makefile': 'obj-$(CONFIG_X) += x/ y/\n',
    'drivers/y/y.c': NOTIFIER.replace(/hb_/g, 'yy_'),
  });
}

test('FIFOs, devices and links out of the tree in Kbuild and Kconfig files: one error line each, at once', () => {
  const root = configuredTree();
  mkfifo(path.join(root, 'drivers/x/Makefile'));
  mkfifo(path.join(root, 'arch-Kconfig'));
  writeFiles(root, { 'arch/arm/.keep': '' });
  symlinkSync('../../arch-Kconfig', path.join(root, 'arch/arm/Kconfig'));
  symlinkSync('/dev/zero', path.join(root, 'drivers/y/Kbuild'));
  const r = bounded(['--root', root, '--arch', 'arm']);
  assert.deepEqual(said(r.stdout), [
    'Kconfig:3: error: source "../../../../../../etc/passwd" names a file outside the tree; not read, ' +
      'the symbols it defines are unknown',
    'arch/arm/Kconfig: error: cannot read it (a FIFO, not a regular file); the symbols it defines are unknown',
    'drivers/x/Makefile: error: cannot read it (a FIFO, not a regular file); the files it names are taken as built',
    'drivers/y/Kbuild: error: cannot read it (it lies outside the tree (through a link or ..)); the files it ' +
      'names are taken as built',
    FINDING,
    FINDING.replace(/drivers\/x\/x\.c/, 'drivers/y/y.c').replace(/hb_/g, 'yy_'),
  ]);
  assert.deepEqual({ code: r.code, stderr: r.stderr }, { code: 1, stderr: '' });
});

test('a FIFO as MAINTAINERS or .mailmap is an error line, one named by --diff exit 2: neither stops the run', () => {
  const root = tree({ 'drivers/x/x.c': NOTIFIER });
  rmSync(path.join(root, 'MAINTAINERS'));
  mkfifo(path.join(root, 'MAINTAINERS'));
  mkfifo(path.join(root, '.mailmap'));
  const routed = bounded(['--root', root, '--maintainers']);
  assert.equal(routed.code, 1, routed.stderr);
  assert.deepEqual(said(routed.stdout), [
    'MAINTAINERS: error: cannot read it (a FIFO, not a regular file); no one is named for the findings',
    FINDING,
  ]);
  // A MAINTAINERS that is read, beside a .mailmap that cannot be: its own line, and routing as written.
  rmSync(path.join(root, 'MAINTAINERS'));
  writeFiles(root, { MAINTAINERS: 'X DRIVER\nM:\tA <a@example.org>\nF:\tdrivers/x/\n' });
  const mapped = bounded(['--root', root, '--maintainers']);
  assert.equal(mapped.code, 1, mapped.stderr);
  assert.deepEqual(said(mapped.stdout), [
    '.mailmap: error: cannot read it (a FIFO, not a regular file); addresses are as MAINTAINERS writes them',
    FINDING,
  ]);
  assert.match(mapped.stdout, /: note: to: A <a@example\.org> \(unknown:X DRIVER\)\n/);
  const fifo = path.join(tempDir('patch'), 'fifo.patch');
  mkfifo(fifo);
  assert.deepEqual(bounded(['--root', tree({ 'drivers/x/x.c': NOTIFIER }), '--diff', fifo]), {
    code: 2,
    stdout: '',
    stderr: `dmalint: ${fifo}: cannot read the patch: a FIFO, not a regular file\n`,
  });
});

test('--since: untracked links to a FIFO, a device or a file outside the tree are never read', () => {
  const root = tree({ 'drivers/x/x.c': NOTIFIER });
  commitAll(root, 'the tree');
  mkfifo(path.join(root, 'fifo'));
  symlinkSync('../fifo', path.join(root, 'drivers/fifo.c'));
  symlinkSync('/dev/zero', path.join(root, 'drivers/zero.c'));
  symlinkSync('/etc/passwd', path.join(root, 'drivers/passwd.c'));
  writeFiles(root, { 'drivers/x/new.c': NOTIFIER.replace(/hb_/g, 'nn_') });
  const r = bounded(['--root', root, '--since', 'HEAD']);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(said(r.stdout), [
    'drivers/passwd.c: warning: symbolic link to /etc/passwd, outside the tree; not analyzed',
    'drivers/zero.c: warning: symbolic link to /dev/zero, outside the tree; not analyzed',
    FINDING.replace('drivers/x/x.c', 'drivers/x/new.c').replace(/hb_/g, 'nn_'),
    'dmalint: note: not shown: 1 finding also before the change (--format sarif lists them)',
  ]);
});

test('the language server opening a FIFO analyzes its buffer, and exits when its client goes', async () => {
  const root = tree({ 'drivers/x/x.c': NOTIFIER });
  const fifo = path.join(root, 'drivers/x/fifo.c');
  mkfifo(fifo);
  const client = new LspClient();
  try {
    await client.initialize(root, { cacheDir: false });
    await client.nextAnalysis(20_000);
    client.open(fifo, NOTIFIER.replace(/hb_/g, 'ff_'));
    await client.nextAnalysis(20_000);
    assert.deepEqual(published(client, root), [
      'drivers/x/fifo.c:7:2 set-dma-ops-outside-setup-teardown',
      'drivers/x/x.c:7:2 set-dma-ops-outside-setup-teardown',
    ]);
    const exited = await Promise.race([client.shutdown(), new Promise((r) => setTimeout(() => r('hung'), 20_000))]);
    assert.equal(exited, 0);
  } finally {
    client.kill();
  }
});

/** `file:line:col rule` of every diagnostic published. */
function published(client: LspClient, root: string): string[] {
  return [...client.diagnostics]
    .flatMap(([u, list]) => {
      const file = path.relative(root, fileURLToPath(u));
      return list.map((d) => `${file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${String(d.code)}`);
    })
    .sort();
}

test('--since runs no program that the .git/config of the tree names (core.fsmonitor, an external diff)', () => {
  const root = tree({ 'drivers/x/x.c': NOTIFIER });
  commitAll(root, 'the tree');
  const marker = path.join(tempDir('marker'), 'ran');
  const hook = path.join(tempDir('hook'), 'hook.sh');
  writeFileSync(hook, `#!/bin/sh\necho "$0" >> ${marker}\n`, { mode: 0o755 });
  for (const key of ['core.fsmonitor', 'diff.external'])
    assert.equal(spawnSync('git', ['config', key, hook], { cwd: root }).status, 0);
  writeFiles(root, { 'drivers/x/new.c': NOTIFIER.replace(/hb_/g, 'nn_') });
  const r = bounded(['--root', root, '--since', 'HEAD']);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(said(r.stdout), [
    FINDING.replace('drivers/x/x.c', 'drivers/x/new.c').replace(/hb_/g, 'nn_'),
    'dmalint: note: not shown: 1 finding also before the change (--format sarif lists them)',
  ]);
  assert.equal(existsSync(marker), false, 'the hook ran');
});

test('MAINTAINERS patterns run in linear time: N: (a+)+$ against a path of 40 a’s answers at once', () => {
  const file = `drivers/x/${'a'.repeat(40)}.c`;
  const root = tree({ [file]: NOTIFIER });
  writeFiles(root, {
    MAINTAINERS:
      'X DRIVER\nM:\tA <a@example.org>\nN:\t(a+)+$\nK:\t(\\w+\\s*)+;$\nN:\tx(?=y)\n\n' +
      'THE REST\nM:\tR <r@example.org>\nF:\t*\nF:\t*/\n',
  });
  const started = Date.now();
  const r = bounded(['--root', root, '--maintainers']);
  assert.ok(Date.now() - started < 10_000, `${Date.now() - started} ms`);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(said(r.stdout), [
    "MAINTAINERS:5: warning: 'N: x(?=y)' is not a regular expression dmalint can read " +
      '(invalid or unsupported Perl syntax: `(?=`); entry ignored',
    FINDING.replace('drivers/x/x.c', file),
  ]);
  assert.match(r.stdout, /: note: to: R <r@example\.org> \(unknown:THE REST\)\n/);
});

test('a Kconfig file nesting if blocks 100,000 deep is read in linear time', () => {
  const depth = 100_000;
  const root = configuredTree();
  const ifs = Array.from({ length: depth }, (_, i) => `if DEEP${i}\n`).join('');
  writeFiles(root, { Kconfig: `${ifs}config X\n\tbool "x"\n${'endif\n'.repeat(depth)}` });
  const started = Date.now();
  const r = bounded(['--root', root, '--arch', 'arm']);
  assert.ok(Date.now() - started < 10_000, `${Date.now() - started} ms`);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(said(r.stdout), [FINDING, FINDING.replace('drivers/x/x.c', 'drivers/y/y.c').replace(/hb_/g, 'yy_')]);
});
