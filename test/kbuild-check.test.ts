// `make C=1 CHECK=dmalint`: Kbuild runs the checker once per C file with the compiler's
// arguments, in the build directory. Tested as Kbuild calls it, with a recorded ARM command line.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { isKbuildCall, parseKbuildCall } from '../src/cli/kbuild-args.js';
import { CLI, fixtureCopy, tempDir, writeFiles } from './helpers/cli.js';
import { generatedDriver } from './helpers/trees.js';

/**
 * What Linux 6.1's Kbuild passes for a module of multi_v7_defconfig (`$(CHECK) $(CHECKFLAGS)
 * $(c_flags) $<`): sparse's CHECKFLAGS, then gcc's flags. `src` is how the build names the
 * source tree: `.` in it, an absolute path from an O= object tree.
 */
function armCommandLine(file: string, src = '.'): string[] {
  const base = path.basename(file, '.c');
  const dir = path.dirname(file);
  return [
    '-D__linux__',
    '-Dlinux',
    '-D__STDC__',
    '-Dunix',
    '-D__unix__',
    '-Wbitwise',
    '-Wno-return-void',
    '-Wno-unknown-attribute',
    '-D__arm__',
    '--arch=arm',
    '-mlittle-endian',
    '-m32',
    `-Wp,-MMD,${dir}/.${base}.o.d`,
    '-nostdinc',
    `-I${src}/arch/arm/include`,
    '-I./arch/arm/include/generated',
    `-I${src}/include`,
    '-I./include',
    `-I${src}/arch/arm/include/uapi`,
    '-I./arch/arm/include/generated/uapi',
    `-I${src}/include/uapi`,
    '-I./include/generated/uapi',
    '-include',
    `${src}/include/linux/compiler-version.h`,
    '-include',
    `${src}/include/linux/kconfig.h`,
    '-include',
    `${src}/include/linux/compiler_types.h`,
    '-D__KERNEL__',
    '-mlittle-endian',
    `-fmacro-prefix-map=${src}/=`,
    '-Wall',
    '-Wundef',
    '-Werror=strict-prototypes',
    '-Wno-trigraphs',
    '-fno-strict-aliasing',
    '-fno-common',
    '-fshort-wchar',
    '-fno-PIE',
    '-Werror=implicit-function-declaration',
    '-Werror=implicit-int',
    '-Werror=return-type',
    '-Wno-format-security',
    '-std=gnu11',
    '-fno-dwarf2-cfi-asm',
    '-mno-fdpic',
    '-fno-ipa-sra',
    '-mabi=aapcs-linux',
    '-mfpu=vfp',
    '-funwind-tables',
    '-marm',
    '-Wa,-mno-warn-deprecated',
    '-D__LINUX_ARM_ARCH__=7',
    '-march=armv7-a',
    '-msoft-float',
    '-Uarm',
    '-fno-delete-null-pointer-checks',
    '-Wno-frame-address',
    '-Wno-address-of-packed-member',
    '-O2',
    '-fno-allow-store-data-races',
    '-Wframe-larger-than=1024',
    '-fstack-protector-strong',
    '-Wno-main',
    '-Wno-unused-but-set-variable',
    '-Wno-unused-const-variable',
    '-Wno-dangling-pointer',
    '-fomit-frame-pointer',
    '-ftrivial-auto-var-init=zero',
    '-fno-stack-clash-protection',
    '-Wdeclaration-after-statement',
    '-Wvla',
    '-Wno-pointer-sign',
    '-Wcast-function-type',
    '-Wno-stringop-truncation',
    '-Wno-stringop-overflow',
    '-Wno-restrict',
    '-Wno-maybe-uninitialized',
    '-Wno-alloc-size-larger-than',
    '-Wimplicit-fallthrough=5',
    '-fno-strict-overflow',
    '-fno-stack-check',
    '-fconserve-stack',
    '-Werror=date-time',
    '-Werror=incompatible-pointer-types',
    '-Werror=designated-init',
    '-Wno-packed-not-aligned',
    '-g',
    '-mstack-protector-guard=tls',
    '-mstack-protector-guard-offset=1128',
    '-I',
    `${src}/${dir}`,
    '-I',
    `./${dir}`,
    '-DMODULE',
    `-DKBUILD_MODFILE="${dir}/${base}"`,
    `-DKBUILD_BASENAME="${base}"`,
    `-DKBUILD_MODNAME="${base}"`,
    `-D__KBUILD_MODNAME=kmod_${base}`,
    src === '.' ? file : `${src}/${file}`,
  ];
}

interface Check {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The checker as make runs it: in the build directory, with CF= options among CHECKFLAGS. */
function check(cwd: string, args: string[], env: Record<string, string> = {}): Check {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The kconfig-multi fixture (its .config: CONFIG_MTK_IOMMU_V1=m) and two drivers whose paths cross files. */
function buildTree(): string {
  const root = fixtureCopy('kconfig-multi');
  writeFiles(root, { 'drivers/gen/drv0.c': generatedDriver(0, 2), 'drivers/gen/drv1.c': generatedDriver(1, 2) });
  return root;
}

test('the recorded ARM command line is recognised and gives the file, the arch and CF= options', () => {
  const args = armCommandLine('drivers/iommu/mtk_iommu_v1.c');
  assert.ok(args.length >= 90, `${args.length} arguments`);
  assert.ok(isKbuildCall(args));
  assert.deepEqual(parseKbuildCall(args), { source: 'drivers/iommu/mtk_iommu_v1.c', arch: 'arm', fail: false });
  assert.deepEqual(parseKbuildCall(['-D__linux__', '--dmalint-fail', '--dmalint-config=my.yaml', '-I', 'x.c', 'y.c']), {
    source: 'y.c',
    fail: true,
    config: 'my.yaml',
  });
  // dmalint's own command lines are never taken for a build's.
  for (const own of [
    ['-f', 'sarif', '.'],
    ['--format=sarif', '--arch', 'arm', 'drivers/'],
    ['--kconfig', '.config', '-j', '2'],
  ]) {
    assert.ok(!isKbuildCall(own), own.join(' '));
  }
});

test('in the source tree: each file prints its own findings (primary or path step) in gcc format and exits 0', () => {
  const root = buildTree();
  const env = { XDG_CACHE_HOME: tempDir('kbuild-cache') };
  const mtk = check(root, armCommandLine('drivers/iommu/mtk_iommu_v1.c'), env);
  assert.equal(mtk.code, 0, mtk.stderr);
  assert.equal(mtk.stdout, '');
  assert.equal(
    mtk.stderr,
    'drivers/iommu/mtk_iommu_v1.c:12:2: error: arm_iommu_attach_device() runs before arch_setup_dma_ops(): it ' +
      'is reached from the iommu_ops.probe_finalize callback mtk_iommu_v1_probe_finalize(); ' +
      'arch_setup_dma_ops() returns early when the device already has ops, so the architecture never sets ' +
      'this device up, and arch_teardown_dma_ops() leaves it alone; attach once arch_setup_dma_ops() has run, ' +
      "from the device's probe or bind [attach-before-setup]\n" +
      'drivers/iommu/mtk_iommu_v1.c:21:2: note: mtk_iommu_v1_probe_finalize() is the iommu_ops.probe_finalize ' +
      'callback (mtk_iommu_v1_ops): called after probe_device, before arch_setup_dma_ops()\n',
  );
  // drv0.c holds the set_dma_ops() of one finding and the notifier that leads to the other's.
  const drv0 = check(root, armCommandLine('drivers/gen/drv0.c'), env);
  assert.equal(drv0.code, 0, drv0.stderr);
  assert.deepEqual(
    drv0.stderr
      .split('\n')
      .filter((l) => / (warning|error): /.test(l))
      .map((l) => l.slice(0, l.indexOf(': '))),
    ['drivers/gen/drv0.c:6:2', 'drivers/gen/drv1.c:6:2'],
  );
  assert.match(drv0.stderr, /^drivers\/gen\/drv0\.c:\d+:\d+: note: drv0_notifier\(\) is the bus notifier callback/m);
  // No finding is in or through these: nothing at all is printed.
  for (const quiet of ['drivers/iommu/ipmmu-vmsa.c', 'drivers/iommu/foo-notify.c']) {
    const r = check(root, armCommandLine(quiet), env);
    assert.deepEqual(r, { code: 0, stdout: '', stderr: '' }, quiet);
  }
  // One analysis for the build: the later calls answered from the findings cache.
  assert.equal(
    readdirSync(path.join(env.XDG_CACHE_HOME, 'dmalint', 'findings')).filter((f) => f.endsWith('.json')).length,
    1,
  );
});

test('CF=--dmalint-fail makes a file with findings fail the build; a file without still passes', () => {
  const root = buildTree();
  const env = { XDG_CACHE_HOME: tempDir('kbuild-cache') };
  const failing = (file: string) => ['--dmalint-fail', ...armCommandLine(file)];
  assert.equal(check(root, failing('drivers/iommu/mtk_iommu_v1.c'), env).code, 1);
  assert.equal(check(root, failing('drivers/iommu/ipmmu-vmsa.c'), env).code, 0);
  const bad = check(root, ['--dmalint-bogus', ...armCommandLine('drivers/iommu/ipmmu-vmsa.c')], env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^dmalint: --dmalint-bogus: unknown option; .*\n$/);
  // Kbuild's --arch=$(SRCARCH) for an architecture rules.yaml has no pair for names that option.
  // Names are looked up among rules.yaml's own: toString is not an architecture (issue 25).
  for (const arch of ['sparc', 'toString', 'constructor']) {
    const other = armCommandLine('drivers/iommu/ipmmu-vmsa.c').map((a) => (a === '--arch=arm' ? `--arch=${arch}` : a));
    assert.deepEqual(check(root, other, env), {
      code: 2,
      stdout: '',
      stderr: `dmalint: --arch=${arch}: not among the architectures rules.yaml knows (arm, arm64)\n`,
    });
  }
});

test("a release tree's arch/arm/mm passes CF=--dmalint-fail: the arch API's own writes are notes", () => {
  // teardown-fixed is the tree as released: the guarded teardown of 2017, the exported API.
  const root = fixtureCopy('teardown-fixed');
  const env = { XDG_CACHE_HOME: tempDir('kbuild-cache') };
  const r = check(root, ['--dmalint-fail', ...armCommandLine('arch/arm/mm/dma-mapping.c')], env);
  assert.equal(r.code, 0, r.stderr);
  const findings = r.stderr.split('\n').filter((l) => / \[[a-z-]+\]$/.test(l));
  assert.deepEqual(
    findings.map((l) => l.slice(0, l.indexOf(': ', l.indexOf(': ') + 1))),
    ['arch/arm/mm/dma-mapping.c:36:2: note', 'arch/arm/mm/dma-mapping.c:58:2: note'],
  );
  assert.match(findings[0]!, /in arm_iommu_attach_device\(\), an API drivers are told to call after setup/);
  // rules.yaml can make them warnings again, and the build fails on them.
  const strict = path.join(root, 'strict.yaml');
  writeFileSync(strict, 'rules:\n  set-dma-ops-outside-setup-teardown:\n    apiDefinitions: warning\n');
  const again = check(
    root,
    ['--dmalint-fail', `--dmalint-config=${strict}`, ...armCommandLine('arch/arm/mm/dma-mapping.c')],
    env,
  );
  assert.equal(again.code, 1, again.stderr);
});

test('a cache directory that cannot serve is one warning; the file is still checked and the build goes on', () => {
  const root = buildTree();
  // A path through a file: nothing can be created there, whoever runs the build.
  const blocker = path.join(tempDir('kbuild-cache'), 'a-file');
  writeFileSync(blocker, '');
  const r = check(root, [`--dmalint-cache-dir=${blocker}/dmalint`, ...armCommandLine('drivers/iommu/mtk_iommu_v1.c')]);
  assert.equal(r.code, 0, r.stderr);
  const [warning, ...rest] = r.stderr.split('\n');
  assert.match(
    warning!,
    /^dmalint: warning: cache directory .*a-file\/dmalint cannot be used \(.*\); running without a cache$/,
  );
  assert.match(
    rest.join('\n'),
    /^drivers\/iommu\/mtk_iommu_v1\.c:12:2: error: arm_iommu_attach_device\(\) runs before/,
  );
});

test('with O=: absolute source paths from the object tree, whose .config (or $KCONFIG_CONFIG) decides', () => {
  const root = buildTree();
  const objtree = tempDir('kbuild-obj');
  // This build leaves the MediaTek driver out: its finding is not the build's.
  const dotconfig = readFileSync(path.join(root, '.config'), 'utf8').replace(
    'CONFIG_MTK_IOMMU_V1=m',
    '# CONFIG_MTK_IOMMU_V1 is not set',
  );
  writeFileSync(path.join(objtree, '.config'), dotconfig);
  const env = { XDG_CACHE_HOME: tempDir('kbuild-cache') };
  const mtk = check(objtree, armCommandLine('drivers/iommu/mtk_iommu_v1.c', root), env);
  assert.deepEqual(mtk, { code: 0, stdout: '', stderr: '' });
  const arm = check(objtree, armCommandLine('arch/arm/mm/dma-mapping.c', root), env);
  assert.equal(arm.code, 0, arm.stderr);
  assert.deepEqual(
    arm.stderr
      .split('\n')
      .filter((l) => / \[set-dma-ops-outside-setup-teardown\]$/.test(l))
      .map((l) => l.slice(0, l.indexOf(': '))),
    [`${root}/arch/arm/mm/dma-mapping.c:18:2`], // the IS_ENABLED(CONFIG_MTK_IOMMU_V1) one at :66 is gone too
  );
  // KCONFIG_CONFIG names another file of the object tree: the source tree's configuration again.
  mkdirSync(path.join(objtree, 'configs'));
  writeFileSync(path.join(objtree, 'configs', 'full'), readFileSync(path.join(root, '.config')));
  const full = check(objtree, armCommandLine('drivers/iommu/mtk_iommu_v1.c', root), {
    ...env,
    KCONFIG_CONFIG: 'configs/full',
  });
  assert.equal(full.code, 0, full.stderr);
  assert.match(
    full.stderr,
    new RegExp(`^${root}/drivers/iommu/mtk_iommu_v1\\.c:12:2: error: .*\\[attach-before-setup\\]$`, 'm'),
  );
});

test('a directory where the findings lock goes is no lock: each call checks its file at once', () => {
  const root = buildTree();
  const env = { XDG_CACHE_HOME: tempDir('kbuild-cache') };
  const line = armCommandLine('drivers/iommu/mtk_iommu_v1.c');
  const first = check(root, line, env);
  assert.equal(first.code, 0, first.stderr);
  const findings = path.join(env.XDG_CACHE_HOME, 'dmalint', 'findings');
  const [entry] = readdirSync(findings).filter((f) => f.endsWith('.json'));
  // Stale (an hour old) and fresh: neither may stop the build (exit 3) or hold it (ten minutes).
  for (const age of [3600, 0]) {
    rmSync(path.join(findings, entry!), { force: true });
    const lock = path.join(findings, `${entry}.lock`);
    mkdirSync(lock, { recursive: true });
    const then = Date.now() / 1000 - age;
    utimesSync(lock, then, then);
    const started = Date.now();
    const r = spawnSync(process.execPath, [CLI, ...line], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, ...env },
      timeout: 20_000,
      killSignal: 'SIGKILL',
    });
    assert.deepEqual({ code: r.status, stderr: r.stderr }, { code: first.code, stderr: first.stderr }, `age ${age}`);
    assert.ok(Date.now() - started < 15_000);
  }
});

const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;

/** The checker's command line for `file` as a recipe of make gives it to the shell. */
const checker = (file: string) => [process.execPath, CLI, ...armCommandLine(file)].map(quote).join(' ');

/** A shell command that takes the attach out of mtk_iommu_v1.c's probe_finalize. */
const dropAttach = (file: string) => `sed -i 's/arm_iommu_attach_device(dev, mtk_mapping);/;/' ${quote(file)}`;

const noMake = spawnSync('make', ['--version']).status === 0 ? false : 'make is not installed';

/** A Makefile whose one target runs `steps` (shell commands) in order, as make runs a checker, in `dir`. */
function underMake(dir: string, steps: string[], env: Record<string, string>): Check {
  const makefile = path.join(tempDir('kbuild-make'), 'Makefile');
  writeFileSync(makefile, `all:\n${steps.map((s) => `\t${s.replace(/\$/g, '$$$$')}\n`).join('')}`);
  const r = spawnSync('make', ['-s', '-f', makefile], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test(
  'the later calls of one make answer from its first call, the tree as it was then; the next make sees the edit',
  { skip: noMake },
  () => {
    const root = buildTree();
    const env = { XDG_CACHE_HOME: tempDir('kbuild-cache') };
    const mtk = 'drivers/iommu/mtk_iommu_v1.c';
    const attach = /^drivers\/iommu\/mtk_iommu_v1\.c:12:2: error: arm_iommu_attach_device\(\) runs before/m;
    // Between the calls the file loses its attach: the build goes on with the tree it started from.
    const edit = dropAttach(mtk);
    const first = underMake(root, [checker(mtk), edit, checker(mtk), checker('drivers/gen/drv1.c')], env);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stderr.match(new RegExp(attach.source, 'gm'))?.length, 2, first.stderr);
    assert.match(first.stderr, /^drivers\/gen\/drv1\.c:6:2: /m);
    const kept = readdirSync(path.join(env.XDG_CACHE_HOME, 'dmalint', 'builds'));
    assert.equal(kept.length, 1, kept.join(' '));
    // The next build analyzes the edited tree, and the ended build's result is removed.
    const next = underMake(root, [checker(mtk)], env);
    assert.equal(next.code, 0, next.stderr);
    assert.doesNotMatch(next.stderr, attach);
    // Without its attach, the release's detach undoes what the probe never set up.
    assert.match(next.stderr, /^drivers\/iommu\/mtk_iommu_v1\.c:17:2: warning: .*\[asymmetric-teardown\]$/m);
    assert.equal(readdirSync(path.join(env.XDG_CACHE_HOME, 'dmalint', 'builds')).length, 1);
    assert.notDeepEqual(readdirSync(path.join(env.XDG_CACHE_HOME, 'dmalint', 'builds')), kept);
  },
);

test(
  'a make working outside the tree and the build directory is no build: each call sees the tree as it is',
  {
    skip: noMake,
  },
  () => {
    const root = buildTree();
    const env = { XDG_CACHE_HOME: tempDir('kbuild-cache') };
    const mtk = `cd ${quote(root)} && ${checker('drivers/iommu/mtk_iommu_v1.c')}`;
    const edit = dropAttach(path.join(root, 'drivers/iommu/mtk_iommu_v1.c'));
    const r = underMake(tempDir('elsewhere'), [mtk, edit, mtk], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.match(/^drivers\/iommu\/mtk_iommu_v1\.c:12:2: error: /gm)?.length, 1, r.stderr);
    assert.match(r.stderr, /^drivers\/iommu\/mtk_iommu_v1\.c:17:2: warning: .*\[asymmetric-teardown\]$/m);
  },
);

test(
  'a kept build result of the wrong shape is no result: the call analyzes, as a first call does',
  { skip: noMake },
  () => {
    const root = buildTree();
    const env = { XDG_CACHE_HOME: tempDir('kbuild-cache') };
    const mtk = checker('drivers/iommu/mtk_iommu_v1.c');
    const builds = path.join(env.XDG_CACHE_HOME, 'dmalint', 'builds');
    // Each step spoils the kept result before the next call of the same build reads it.
    const spoil = (text: string) => `for f in ${quote(builds)}/*.json; do printf %s ${quote(text)} > "$f"; done`;
    const wrong = ['{}', 'null', '{"version":1,"findings":[1],"notifications":[]}', '{"version":1,"findings":[{}]}'];
    const r = underMake(root, [mtk, ...wrong.flatMap((w) => [spoil(w), mtk])], env);
    assert.equal(r.code, 0, r.stderr);
    const attach = /^drivers\/iommu\/mtk_iommu_v1\.c:12:2: error: arm_iommu_attach_device\(\) runs before/gm;
    assert.equal(r.stderr.match(attach)?.length, 1 + wrong.length, r.stderr);
  },
);
