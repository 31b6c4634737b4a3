// One cause, one report (output/causes.ts), met as a user meets it: the text a CI log shows,
// the SARIF a code-scanning upload makes alerts of, a baseline written from that SARIF, and a
// suppression of one of the rules.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { dmalint, fixtureCopy, tempDir } from './helpers/cli.js';

// vexpress_dma_bridge_probe() assigns pdev->dev.dma_ops at line 45 (outside the arch pair, no
// remove to undo it) and returns an error at line 54 with it still installed: three rules, one
// statement.
const root = fixtureCopy('set-dma-ops');
const FILE = 'drivers/bus/vexpress-dma-bridge.c';
const at = (line: number, col: number) => `${FILE}:${line}:${col}`;

interface SarifResult {
  ruleId: string;
  level: string;
  locations: Array<{ physicalLocation: { region: { startLine: number; startColumn: number } } }>;
  partialFingerprints: Record<string, string>;
  relatedLocations?: Array<{ message: { text: string } }>;
  properties?: { alsoReportedBy?: SarifResult[] };
}

const where = (r: SarifResult) =>
  `${r.locations[0]!.physicalLocation.region.startLine}:${r.locations[0]!.physicalLocation.region.startColumn}`;

test('a statement three rules flag is one warning in the text, the other rules as notes', () => {
  const r = dmalint(['--root', root, path.join(root, FILE)]);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.split('\n').filter((l) => l.startsWith(FILE));
  const at45 = lines.filter((l) => l.startsWith(`${at(45, 2)}: warning:`) || l.startsWith(`${at(54, 3)}: warning:`));
  assert.deepEqual(
    at45.map((l) => l.slice(l.lastIndexOf('['))),
    ['[set-dma-ops-outside-setup-teardown]'],
    'one warning for the cause',
  );
  const also = lines.filter((l) => l.includes(': note: also '));
  assert.deepEqual(
    also.map((l) => l.slice(0, l.indexOf(': note:')) + ' ' + l.split(': note: also ')[1]!.split(':')[0]),
    [`${at(45, 2)} asymmetric-teardown (warning)`, `${at(54, 3)} error-path-leaves-dma-state (warning)`],
  );
  // The other warning of the file (a different statement) is its own.
  assert.ok(lines.some((l) => l.startsWith(`${at(31, 2)}: warning:`)));
});

test('SARIF has one result per cause, the other rules folded in with their own fingerprints', () => {
  const r = dmalint(['--root', root, '-f', 'sarif', path.join(root, FILE)]);
  assert.equal(r.code, 1, r.stderr);
  const results = JSON.parse(r.stdout).runs[0].results as SarifResult[];
  const cause = results.filter((x) => where(x) === '45:2' || where(x) === '54:3');
  assert.equal(cause.length, 1, 'one result, one code-scanning alert');
  const [one] = cause;
  assert.equal(one!.ruleId, 'set-dma-ops-outside-setup-teardown');
  const folded = one!.properties?.alsoReportedBy ?? [];
  assert.deepEqual(
    folded.map((f) => `${f.ruleId} ${f.level} ${where(f)}`),
    ['asymmetric-teardown warning 45:2', 'error-path-leaves-dma-state warning 54:3'],
  );
  for (const f of folded) assert.equal(typeof f.partialFingerprints['dmalintFingerprint/v2'], 'string');
  const notes = (one!.relatedLocations ?? []).map((l) => l.message.text).filter((t) => t.startsWith('also '));
  assert.equal(notes.length, 2, 'viewers without the property see the other rules as related locations');
});

test('a baseline written from folded SARIF knows every rule: nothing is new, nothing absent', () => {
  const baseline = path.join(tempDir('causes'), 'base.sarif');
  const made = dmalint(['--root', root, '-f', 'sarif', '-o', baseline]);
  assert.equal(made.code, 1, made.stderr);
  const r = dmalint(['--root', root, '--baseline', baseline, '-f', 'sarif']);
  assert.equal(r.code, 0, r.stdout);
  const states = (JSON.parse(r.stdout).runs[0].results as Array<SarifResult & { baselineState: string }>).flatMap(
    (x) => [x.baselineState, ...(x.properties?.alsoReportedBy ?? []).map(() => x.baselineState)],
  );
  assert.ok(states.length > 0);
  assert.deepEqual([...new Set(states)], ['unchanged']);
});

test('suppressing one rule of a cause leaves the others reported, and folds nothing into it', () => {
  const config = path.join(tempDir('causes-config'), 'rules.yaml');
  writeFileSync(
    config,
    [
      'suppressions:',
      '  - rule: set-dma-ops-outside-setup-teardown',
      `    path: ${FILE}`,
      '    function: vexpress_dma_bridge_probe',
      '    reason: the bridge owns its children and is never unbound',
      '',
    ].join('\n'),
  );
  const r = dmalint(['--root', root, '-c', config, path.join(root, FILE)]);
  assert.equal(r.code, 1, r.stderr);
  const warnings = r.stdout
    .split('\n')
    .filter((l) => / warning: /.test(l) && (l.includes(':45:') || l.includes(':54:')));
  assert.deepEqual(
    warnings.map((l) => l.slice(l.lastIndexOf('['))),
    ['[asymmetric-teardown]'],
    'the next rule of the cause becomes its report',
  );
  assert.match(r.stdout, /:54:3: note: also error-path-leaves-dma-state \(warning\)/);
  assert.match(r.stdout, /not shown: 1 suppressed finding/);
});
