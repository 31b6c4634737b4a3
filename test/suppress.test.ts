// rules.yaml `suppressions`: validated like every key, kept in SARIF with their reason, left
// out of the exit status, and reported when they match nothing.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../src/config/load.js';
import { loadConfig } from '../src/rules/load-config.js';
import { ruleIds } from '../src/rules/index.js';
import { dmalint, tempDir, tree } from './helpers/cli.js';
import { NOTIFIER } from './helpers/snippets.js';
import { validateSarif } from './helpers/sarif-schema.js';

const RULES = `# suppressions only: every other key keeps the bundled default
suppressions:
  - rule: set-dma-ops-outside-setup-teardown
    path: arch/arm/mach-*/**
    function: hb_notifier
    reason: the highbank notifier predates arch_setup_dma_ops ownership
  - rule: attach-before-setup
    path: drivers/gone/*.c
    reason: fixed long ago
`;

function problems(yaml: string): string[] {
  const file = path.join(tempDir('suppress-config'), 'rules.yaml');
  writeFileSync(file, yaml);
  try {
    loadConfig(file);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems.map((p) => p.replace(file, 'FILE'));
  }
  return [];
}

test('suppressions are checked like every key: a reason is required, rules and keys must exist', () => {
  assert.deepEqual(problems('suppressions:\n  - rule: attach-before-setup\n    path: drivers/**\n'), [
    "FILE:2: suppressions.0: missing required key 'reason'",
  ]);
  assert.deepEqual(problems('suppressions:\n  - rule: attach-early\n    path: x.c\n    reason: r\n'), [
    `FILE:2: suppressions.0.rule: expected one of ${ruleIds().join(', ')}`,
  ]);
  assert.deepEqual(
    problems('suppressions:\n  - rule: attach-before-setup\n    path: x.c\n    reason: r\n    file: y.c\n'),
    ["FILE:5: suppressions.0: unknown key 'file'; expected one of: rule, path, function, reason"],
  );
  assert.deepEqual(problems('suppressions:\n  - {rule: attach-before-setup, path: x.c, reason: "  "}\n'), [
    'FILE:2: suppressions.0.reason: say why the finding is acceptable',
  ]);
  assert.deepEqual(
    problems('suppressions:\n  - {rule: attach-before-setup, path: x.c, function: "a b", reason: r}\n'),
    ['FILE:2: suppressions.0.function: expected a C identifier'],
  );
  const config = loadConfig(writeRules(tree({}), RULES));
  assert.deepEqual(
    config.suppressions.map((s) => s.at.line),
    [3, 7],
  );
});

function writeRules(root: string, text: string): string {
  const file = path.join(root, 'dmalint-rules.yaml');
  writeFileSync(file, text);
  return file;
}

test(
  'a suppressed finding is not printed and does not fail the run; a ' + 'stale suppression is a warning at its line',
  () => {
    const root = tree({ 'arch/arm/mach-hb/hb.c': NOTIFIER });
    const rules = writeRules(root, RULES);
    const r = dmalint(['--root', root, '--config', rules]);
    assert.deepEqual(r, {
      code: 0,
      stdout:
        'dmalint-rules.yaml:7: warning: suppression of attach-before-setup in drivers/gone/*.c matches no ' +
        'finding; remove it if the code was fixed\n' +
        'dmalint: note: not shown: 1 suppressed finding (--format sarif lists them)\n',
      stderr: '',
    });
    // The root given as the path is still the whole tree.
    assert.deepEqual(dmalint(['--config', rules, '.'], { cwd: root }), r);
    // A report on part of the tree cannot know whether a suppression for the rest is stale.
    assert.equal(
      dmalint(['--config', rules, path.join(root, 'arch')]).stdout,
      'dmalint: note: not shown: 1 suppressed finding (--format sarif lists them)\n',
    );
  },
);

test('SARIF keeps a suppressed result with its reason and where the suppression is written', () => {
  const root = tree({ 'arch/arm/mach-hb/hb.c': NOTIFIER });
  const rules = writeRules(root, RULES);
  const r = dmalint(['--root', root, '--config', rules, '--format', 'sarif']);
  assert.equal(r.code, 0);
  const log = JSON.parse(r.stdout);
  assert.deepEqual(validateSarif(log), []);
  const run = log.runs[0];
  const rulesIndex = run.artifacts.findIndex(
    (a: { location: { uri: string } }) => a.location.uri === 'dmalint-rules.yaml',
  );
  assert.deepEqual(run.artifacts[rulesIndex].roles, ['userSpecifiedConfiguration']);
  assert.deepEqual(run.results[0].suppressions, [
    {
      kind: 'external',
      status: 'accepted',
      justification: 'the highbank notifier predates arch_setup_dma_ops ownership',
      location: {
        physicalLocation: {
          artifactLocation: { uri: 'dmalint-rules.yaml', uriBaseId: 'SRCROOT', index: rulesIndex },
          region: { startLine: 3 },
        },
      },
    },
  ]);
  assert.deepEqual(run.invocations[0].toolExecutionNotifications[0].locations[0].physicalLocation.region, {
    startLine: 7,
  });
  // Code scanning ignores suppressions: --omit suppressed leaves them out of the upload.
  const upload = JSON.parse(
    dmalint(['--root', root, '--config', rules, '--format', 'sarif', '--omit', 'suppressed']).stdout,
  );
  assert.deepEqual(upload.runs[0].results, []);
});

test('--omit takes only known kinds', () => {
  const r = dmalint(['--omit', 'new']);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /option '--omit <kinds>' argument 'new' is invalid\. expected a comma-separated list of unchanged, absent, suppressed/,
  );
});
