// Names a user writes (an architecture on the command line, in rules.yaml, in a .config header)
// are looked up among dmalint's own names only: `toString` or `__proto__` is not an
// architecture because every JavaScript object has such a property.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { tree, writeFiles } from './helpers/cli.js';
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
