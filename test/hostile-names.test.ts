// Names a user writes (an architecture on the command line, in rules.yaml, in a .config header)
// are looked up among dmalint's own names only: `toString` or `__proto__` is not an
// architecture because every JavaScript object has such a property.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { dmalint, tree, writeFiles } from './helpers/cli.js';
import { inProcess } from './helpers/in-process.js';
import { NOTIFIER } from './helpers/snippets.js';

const NAMES = ['toString', 'constructor', '__proto__', 'hasOwnProperty'];

test('--arch, arch: in rules.yaml and a .config header name only architectures rules.yaml defines', async () => {
  const root = tree({ 'drivers/x/x.c': NOTIFIER });
  for (const name of NAMES) {
    const config = path.join(root, `rules-${name}.yaml`);
    const dotconfig = path.join(root, `${name}.config`);
    writeFiles(root, {
      [path.basename(config)]: `arch: ${name}\n`,
      [path.basename(dotconfig)]:
        `#\n# Automatically generated file; DO NOT EDIT.\n# Linux/${name} 6.1.0 Kernel Configuration\n#\nCONFIG_X=y\n`,
    });
    const cases: Array<[string[], string]> = [
      [['--arch', name], `dmalint: --arch ${name}: not among the architectures rules.yaml knows (arm, arm64)\n`],
      [['--config', config], `dmalint: ${config}:1: arch: '${name}' is not among architectures (arm, arm64)\n`],
      [
        ['--kconfig', dotconfig],
        `dmalint: --kconfig ${dotconfig} (written for ${name}): ` +
          'not among the architectures rules.yaml knows (arm, arm64)\n',
      ],
    ];
    for (const [args, stderr] of cases) {
      const r = await inProcess(['--no-cache', '--root', root, ...args]);
      assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code: 2, stdout: '', stderr }, name);
    }
  }
});

test('control characters in file names and MAINTAINERS names are escaped in text output, one line each', () => {
  const evil = 'drivers/x/a\x1b[2Jb\nfake.c:1:1: error: injected.c';
  const root = tree({ [evil]: NOTIFIER });
  writeFiles(root, { MAINTAINERS: 'X DRIVER\nM:\tMallory\x1b]0;owned\x07 <m@example.org>\nF:\tdrivers/x/\n' });
  const r = dmalint(['--root', root, '--maintainers']);
  const shown = 'drivers/x/a\\x1b[2Jb\\x0afake.c:1:1: error: injected.c';
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(r.stdout.split('\n'), [
    `${shown}:7:2: warning: set_dma_ops() writes the device's dma_ops outside ` +
      'arch_setup_dma_ops()/arch_teardown_dma_ops(): hb_notifier() is the bus notifier callback, for ' +
      'BUS_NOTIFY_ADD_DEVICE, before arch_setup_dma_ops(); leave the ops to ' +
      'arch_setup_dma_ops()/arch_teardown_dma_ops(), or write them from a driver probe or bind whose remove or ' +
      'unbind undoes them [set-dma-ops-outside-setup-teardown]',
    `${shown}:12:2: note: hb_notifier() is the bus notifier callback (hb_nb): called for bus events; ` +
      'BUS_NOTIFY_ADD_DEVICE fires from device_add(), before arch_setup_dma_ops(), and never again on re-probe',
    `${shown}:7:2: note: to: "Mallory\\x1b]0;owned\\x07" <m@example.org> (unknown:X DRIVER)`,
    '',
  ]);
});

test('a YAML alias bomb and a rules file over its limit are one line each, exit 2', async () => {
  const root = tree({ 'drivers/x/x.c': NOTIFIER });
  // Seven levels of nine: 4.8 million nodes once expanded.
  const levels = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
  for (const [i, name] of [...'bcdefg'].entries()) {
    const prev = 'abcdefg'[i]!;
    levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
  }
  const bomb = path.join(root, 'bomb.yaml');
  const big = path.join(root, 'big.yaml');
  writeFiles(root, { 'bomb.yaml': `${levels.join('\n')}\n`, 'big.yaml': `# ${'x'.repeat(5 * 1024 * 1024)}\n` });
  const cases: Array<[string, string]> = [
    [bomb, `dmalint: ${bomb}: YAML aliases expand too far (over 100 nodes an alias, the limit); not read\n`],
    [big, `dmalint: ${big}: cannot read configuration: 5.0 MiB, larger than the configuration file limit 4 MiB\n`],
  ];
  for (const [file, stderr] of cases) {
    const r = await inProcess(['--no-cache', '--root', root, '--config', file]);
    assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code: 2, stdout: '', stderr });
  }
});

test('--max-file-size has a ceiling: above it is a usage error, and 0 still stops at it', async () => {
  const root = tree({ 'drivers/x/x.c': NOTIFIER });
  const r = await inProcess(['--no-cache', '--root', root, '--max-file-size', '64M']);
  assert.deepEqual(
    { code: r.code, stdout: r.stdout, stderr: r.stderr },
    {
      code: 2,
      stdout: '',
      stderr:
        "error: option '--max-file-size <size>' argument '64M' is invalid. " +
        "at most 16 MiB: larger files' summaries outgrow memory\n",
    },
  );
  writeFiles(root, { 'drivers/x/huge.c': `${'/* padding */\n'.repeat(1_250_000)}${NOTIFIER}` }); // 16.7 MiB
  const unlimited = dmalint(['--root', root, '--max-file-size', '0', '--parse-timeout', '0']);
  assert.equal(unlimited.code, 1, unlimited.stderr);
  assert.equal(
    unlimited.stdout.split('\n')[0],
    'drivers/x/huge.c: error: 16.7 MiB, larger than the 16 MiB dmalint analyzes at most, whatever ' +
      '--max-file-size says; not analyzed',
  );
});

test('a file or directory whose name is not UTF-8 is named in an error line, not dropped', () => {
  const root = tree({ 'drivers/x/x.c': NOTIFIER });
  // Latin-1 names: the bytes 0xe9 alone are no UTF-8.
  const latin1 = (name: string) => Buffer.from(path.join(root, name), 'latin1');
  writeFileSync(latin1('drivers/x/café.c'), NOTIFIER.replace(/hb_/g, 'cc_'));
  mkdirSync(latin1('drivers/dé'));
  writeFileSync(latin1('drivers/dé/d.c'), NOTIFIER.replace(/hb_/g, 'dd_'));
  const r = dmalint(['--root', root]);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(
    r.stdout.split('\n').filter((l) => / (error|warning): /.test(l)),
    [
      'drivers/d\ufffd: error: directory name is not UTF-8; its files are not analyzed',
      'drivers/x/caf\ufffd.c: error: file name is not UTF-8; not analyzed',
      "drivers/x/x.c:7:2: warning: set_dma_ops() writes the device's dma_ops outside " +
        'arch_setup_dma_ops()/arch_teardown_dma_ops(): hb_notifier() is the bus notifier callback, for ' +
        'BUS_NOTIFY_ADD_DEVICE, before arch_setup_dma_ops(); leave the ops to ' +
        'arch_setup_dma_ops()/arch_teardown_dma_ops(), or write them from a driver probe or bind whose remove or ' +
        'unbind undoes them [set-dma-ops-outside-setup-teardown]',
    ],
  );
});
