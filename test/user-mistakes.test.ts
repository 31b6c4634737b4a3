// Mistakes a newcomer makes on the command line are reported where they were made: the
// rules file's line, the option typed, the path given, in words rather than errno codes.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { dmalint, FIXTURES, tempDir } from './helpers/cli.js';

const SAMPLE = path.join(FIXTURES, 'sample');
const dir = tempDir('user-mistakes');

function withRules(name: string, yaml: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, yaml);
  return file;
}

test('a YAML syntax error in a rules file names the line the mistake is on', () => {
  const cases: Array<[string, string, number]> = [
    ['unclosed.yaml', 'arch: arm\nrules:\n  attach-before-setup:\n    level: error\n\n\n\nsuppressions: [oops\n', 8],
    ['unclosed-mid.yaml', 'arch: arm\nexclude: [drivers/staging/**,\n  lib/**\nrules:\n  attach-before-setup: {}\n', 2],
    ['tab.yaml', 'arch: arm\n\trules: {}\n', 2],
    ['indent.yaml', 'arch: arm\nrules:\n  attach-before-setup:\n    level: error\n   enabled: true\n', 5],
    ['duplicate.yaml', 'arch: arm\narch: arm64\n', 2],
    ['quote.yaml', 'arch: arm\nexclude:\n  - "drivers/**\n', 3],
  ];
  for (const [name, yaml, line] of cases) {
    const file = withRules(name, yaml);
    const r = dmalint(['-c', file, SAMPLE]);
    assert.equal(r.code, 2, name);
    assert.equal(r.stdout, '', name);
    assert.match(r.stderr, new RegExp(`^dmalint: ${file.replace(/[.]/g, '\\.')}:${line}: YAML syntax error: `), name);
  }
});

test('an --arch the rules do not know is a mistake in the option, an arch: line in a user file is that line', () => {
  assert.deepEqual(dmalint(['--arch', 'sparc', SAMPLE]), {
    code: 2,
    stdout: '',
    stderr: 'dmalint: --arch sparc: not among the architectures rules.yaml knows (arm, arm64)\n',
  });
  const own = withRules('arch.yaml', 'rules: {}\narch: sparc\n');
  assert.deepEqual(dmalint(['-c', own, SAMPLE]), {
    code: 2,
    stdout: '',
    stderr: `dmalint: ${own}:2: arch: 'sparc' is not among architectures (arm, arm64)\n`,
  });
  // With the user's architectures, --arch is checked against the user's file.
  const archs = withRules(
    'archs.yaml',
    'architectures:\n  arm:\n    pairs:\n      - setup: arch_setup_dma_ops\n        teardown: arch_teardown_dma_ops\n',
  );
  assert.deepEqual(dmalint(['-c', archs, '--arch', 'arm64', SAMPLE]), {
    code: 2,
    stdout: '',
    stderr: `dmalint: --arch arm64: not among the architectures ${archs} knows (arm)\n`,
  });
});

test('an unreadable baseline, rules file or patch is said in words; a directory after --diff gets a hint', () => {
  assert.deepEqual(dmalint(['--baseline', path.join(dir, 'none.sarif'), SAMPLE]), {
    code: 2,
    stdout: '',
    stderr: `dmalint: ${path.join(dir, 'none.sarif')}: cannot read the baseline: no such file or directory\n`,
  });
  assert.deepEqual(dmalint(['-c', path.join(dir, 'none.yaml'), SAMPLE]), {
    code: 2,
    stdout: '',
    stderr: `dmalint: ${path.join(dir, 'none.yaml')}: cannot read configuration: no such file or directory\n`,
  });
  const patch = path.join(dir, 'p.patch');
  writeFileSync(patch, '--- a/drivers/iommu/ipmmu-vmsa.c\n+++ b/drivers/iommu/ipmmu-vmsa.c\n@@ -1 +1 @@\n-a\n+b\n');
  assert.deepEqual(dmalint(['--diff', patch, 'drivers/iommu'], { cwd: SAMPLE }), {
    code: 2,
    stdout: '',
    stderr:
      'dmalint: drivers/iommu: cannot read the patch: is a directory (--diff takes patch files; put the paths ' +
      'to check before --diff)\n',
  });
});
