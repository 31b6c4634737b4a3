// --baseline: results are new, unchanged or absent against an earlier SARIF log, and only new
// ones fail the run, so a tree with known findings can gate on regressions.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { dmalint, fixtureCopy, tempDir, writeFiles } from './helpers/cli.js';
import { FOO_IOMMU } from './helpers/snippets.js';
import { validateSarif } from './helpers/sarif-schema.js';

const root = fixtureCopy('sample');
const BASELINE = path.join(tempDir('baseline'), 'dmalint.sarif');
const made = dmalint(['--root', root, '--format', 'sarif', '--output', BASELINE]);
assert.equal(made.code, 1, made.stderr);
const KNOWN = JSON.parse(readFileSync(BASELINE, 'utf8')).runs[0].results.length as number;

interface Result {
  ruleId: string;
  baselineState: string;
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>;
}

function states(stdout: string): string[] {
  return (JSON.parse(stdout).runs[0].results as Result[]).map(
    (r) => `${r.baselineState} ${r.locations[0]!.physicalLocation.artifactLocation.uri} ${r.ruleId}`,
  );
}

test('a tree with known findings passes against its own baseline, even after lines move', () => {
  const moved = fixtureCopy('sample');
  const file = path.join(moved, 'drivers/iommu/ipmmu-vmsa.c');
  writeFileSync(file, `/* three */\n/* new */\n/* lines */\n${readFileSync(file, 'utf8')}`);
  const r = dmalint(['--root', moved, '--baseline', BASELINE]);
  assert.deepEqual(r, {
    code: 0,
    stdout: `dmalint: note: not shown: ${KNOWN} findings also in the baseline (--format sarif lists them)\n`,
    stderr: '',
  });
});

test('new findings fail the run; fixed ones are reported absent', () => {
  const changed = fixtureCopy('sample');
  const hb = path.join(changed, 'arch/arm/mach-highbank/highbank.c');
  writeFileSync(
    hb,
    readFileSync(hb, 'utf8').replace('set_dma_ops(dev, &arm_coherent_dma_ops);', 'dev->dma_coherent = true;'),
  );
  writeFiles(changed, { 'drivers/iommu/foo-iommu.c': FOO_IOMMU });

  const text = dmalint(['--root', changed, '--baseline', BASELINE]);
  assert.equal(text.code, 1, text.stderr);
  const lines = text.stdout.trimEnd().split('\n');
  assert.match(
    lines[0]!,
    /^arch\/arm\/mach-highbank\/highbank\.c:41:3: note: fixed: set_dma_ops\(\) writes .* \[set-dma-ops-outside-setup-teardown\]$/,
  );
  assert.match(
    lines[1]!,
    /^drivers\/iommu\/foo-iommu\.c:5:9: error: arm_iommu_attach_device\(\) runs before arch_setup_dma_ops\(\).* \[attach-before-setup\]$/,
  );
  assert.equal(
    lines.at(-1),
    `dmalint: note: not shown: ${KNOWN - 1} findings also in the baseline (--format sarif lists them)`,
  );

  const sarif = dmalint(['--root', changed, '--baseline', BASELINE, '--format', 'sarif']);
  assert.equal(sarif.code, 1);
  assert.deepEqual(validateSarif(JSON.parse(sarif.stdout)), []);
  const all = states(sarif.stdout);
  assert.equal(all.length, KNOWN + 1);
  assert.deepEqual(
    all.filter((s) => !s.startsWith('unchanged')),
    [
      'absent arch/arm/mach-highbank/highbank.c set-dma-ops-outside-setup-teardown',
      'new drivers/iommu/foo-iommu.c attach-before-setup',
    ],
  );
  // For code scanning, which ignores baselineState: leave out what is gone.
  const upload = dmalint(['--root', changed, '--baseline', BASELINE, '--format', 'sarif', '--omit', 'absent']);
  assert.equal(upload.code, 1);
  assert.deepEqual(
    states(upload.stdout).filter((s) => !s.startsWith('unchanged')),
    ['new drivers/iommu/foo-iommu.c attach-before-setup'],
  );
  assert.equal(
    states(
      dmalint(['--root', changed, '--baseline', BASELINE, '--format', 'sarif', '--omit', 'absent,unchanged']).stdout,
    ).length,
    1,
  );
});

test('a bad or unreadable baseline is a one-line error naming the file, exit 2', () => {
  const dir = tempDir('bad-baseline');
  const write = (name: string, text: string) => {
    writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const cases: Array<[string, RegExp]> = [
    [path.join(dir, 'missing.sarif'), /: cannot read the baseline: no such file or directory$/],
    [
      write('syntax.sarif', '{\n  "version": "2.1.0",\n  "runs": [,]\n}\n'),
      /syntax\.sarif:3: the baseline is not JSON: /,
    ],
    [
      write(
        'other.sarif',
        JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'cppcheck' } }, results: [] }] }),
      ),
      /other\.sarif: runs: no run of dmalint; expected a SARIF log written by dmalint --format sarif$/,
    ],
    [
      write(
        'nofp.sarif',
        JSON.stringify({
          version: '2.1.0',
          runs: [{ tool: { driver: { name: 'dmalint' } }, results: [{ ruleId: 'x', message: { text: 'm' } }] }],
        }),
      ),
      /nofp\.sarif: runs\[0\]\.results\[0\]: no partialFingerprints\["dmalintFingerprint\/v2"\]; expected/,
    ],
    [write('array.sarif', '[]'), /array\.sarif: \(top level\): not a SARIF log \(no runs\)/],
  ];
  for (const [file, message] of cases) {
    const r = dmalint(['--root', root, '--baseline', file]);
    assert.equal(r.code, 2, file);
    assert.equal(r.stdout, '');
    assert.ok(r.stderr.startsWith(`dmalint: ${file}`), r.stderr);
    assert.match(r.stderr.trimEnd(), message);
    assert.equal(r.stderr.split('\n').length, 2, 'one line');
  }
  const both = dmalint(['--root', root, '--baseline', BASELINE, '--diff', '-'], { input: '' });
  assert.equal(both.code, 2);
  assert.match(both.stderr, /cannot be used with/);
});

test('a baseline written before fingerprint v2 is compared by the v1 identity it recorded', () => {
  const log = JSON.parse(readFileSync(BASELINE, 'utf8'));
  for (const r of log.runs[0].results) {
    // What v1 recorded: rule, file, function and the message without digits.
    const key = [
      r.ruleId,
      r.locations[0].physicalLocation.artifactLocation.uri,
      r.locations[0].logicalLocations[0].name,
      r.message.text.replace(/[0-9]/g, ''),
    ].join('\0');
    r.partialFingerprints = { 'dmalintFingerprint/v1': createHash('sha256').update(key, 'utf8').digest('hex') };
  }
  const old = path.join(tempDir('baseline-v1'), 'old.sarif');
  writeFileSync(old, JSON.stringify(log));
  const r = dmalint(['--root', root, '--baseline', old]);
  assert.deepEqual(r, {
    code: 0,
    stdout: `dmalint: note: not shown: ${KNOWN} findings also in the baseline (--format sarif lists them)\n`,
    stderr: '',
  });
});
