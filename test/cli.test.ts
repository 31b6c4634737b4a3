// The dmalint command as users run it: exit status, formats, paths, errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI, FIXTURES, dmalint, tree } from './helpers/cli.js';
import { NOTIFIER } from './helpers/snippets.js';
import { validateSarif } from './helpers/sarif-schema.js';
import { ruleIds } from '../src/rules/index.js';

test('with no path it scans the bundled sample tree and reports findings (exit 1)', () => {
  const r = dmalint([]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stdout,
    /^[\w/.-]+\.c:\d+:\d+: (warning|error): .+ \[(set-dma-ops-outside-setup-teardown|attach-before-setup|asymmetric-teardown)\]$/m,
  );
  for (const rule of ['set-dma-ops-outside-setup-teardown', 'attach-before-setup', 'asymmetric-teardown']) {
    assert.ok(r.stdout.includes(`[${rule}]`), `the sample shows ${rule}`);
  }
});

test('the package bin runs by itself, as npx runs it (executable, with its shebang)', () => {
  const bin = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')).bin
    .dmalint;
  const binPath = fileURLToPath(new URL(`../../${bin}`, import.meta.url));
  assert.equal(binPath, CLI, 'the tests run the same file the package exposes');
  const r = spawnSync(binPath, ['--no-cache', '--version'], { encoding: 'utf8' });
  assert.equal(r.error, undefined, `${binPath} cannot be executed: ${r.error?.message}`);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
});

test("the sample tree's SARIF validates against the SARIF 2.1.0 schema and carries every path", () => {
  const r = dmalint(['--format', 'sarif']);
  assert.equal(r.code, 1, r.stderr);
  const log = JSON.parse(r.stdout);
  assert.deepEqual(validateSarif(log), []);
  const run = log.runs[0];
  assert.deepEqual(run.tool.driver.rules.map((rule: { id: string }) => rule.id).sort(), ruleIds().sort());
  assert.ok(run.results.length >= 6);
  for (const result of run.results) {
    assert.ok(result.codeFlows[0].threadFlows[0].locations.length >= 1);
    assert.ok(
      !result.locations[0].physicalLocation.artifactLocation.uri.startsWith('/'),
      'URIs are relative to the tree root',
    );
  }
});

test('a clean tree exits 0 with no output; a finding exits 1 with its path as notes', () => {
  const clean = tree({ 'drivers/x/x.c': 'static int x_probe(struct platform_device *pdev)\n{\n\treturn 0;\n}\n' });
  assert.deepEqual(dmalint(['--root', clean]), { code: 0, stdout: '', stderr: '' });
  const dirty = tree({ 'arch/arm/mach-hb/hb.c': NOTIFIER });
  const r = dmalint([path.join(dirty, 'arch')]);
  assert.equal(r.code, 1);
  assert.equal(
    r.stdout,
    "arch/arm/mach-hb/hb.c:7:2: warning: set_dma_ops() writes the device's dma_ops outside " +
      'arch_setup_dma_ops()/arch_teardown_dma_ops(): hb_notifier() is the bus notifier callback, for ' +
      'BUS_NOTIFY_ADD_DEVICE, before arch_setup_dma_ops(); leave the ops to ' +
      'arch_setup_dma_ops()/arch_teardown_dma_ops(), or write them from a driver probe or bind whose remove or ' +
      'unbind undoes them [set-dma-ops-outside-setup-teardown]\n' +
      'arch/arm/mach-hb/hb.c:12:2: note: hb_notifier() is the bus notifier callback (hb_nb): called for bus ' +
      'events; BUS_NOTIFY_ADD_DEVICE fires from device_add(), before arch_setup_dma_ops(), and never again on ' +
      're-probe\n',
  );
});

test('positional paths limit what is reported, not what is analyzed', () => {
  const root = tree({
    'arch/arm/mach-hb/hb.c': NOTIFIER,
    'drivers/iommu/a.c':
      'static int a_add(struct device *dev)\n{\n\treturn helper(dev);\n}\nstatic const struct iommu_ops a_ops = ' +
      '{\n\t.add_device = a_add,\n};\n',
    'drivers/base/helper.c': 'int helper(struct device *dev)\n{\n\treturn arm_iommu_attach_device(dev, m);\n}\n',
  });
  const onlyBase = dmalint([path.join(root, 'drivers/base')]);
  assert.equal(onlyBase.code, 1);
  assert.match(
    onlyBase.stdout,
    /^drivers\/base\/helper\.c:3:9: error: arm_iommu_attach_device\(\) runs before arch_setup_dma_ops\(\)/,
  );
  assert.ok(!onlyBase.stdout.includes('hb.c:7'), 'arch/ findings are not reported');
  assert.match(onlyBase.stdout, /drivers\/iommu\/a\.c:3:9: note: a_add\(\) calls helper\(\)/, 'the path crosses files');
});

test('--format sarif --output writes a SARIF 2.1.0 log valid against the schema', () => {
  const root = tree({ 'arch/arm/mach-hb/hb.c': NOTIFIER });
  const out = path.join(root, 'out.sarif');
  const r = dmalint(['--root', root, '--format', 'sarif', '--output', out]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  const log = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(validateSarif(log), []);
  const result = log.runs[0].results[0];
  assert.equal(result.ruleId, 'set-dma-ops-outside-setup-teardown');
  assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, 'arch/arm/mach-hb/hb.c');
  assert.equal(result.codeFlows[0].threadFlows[0].locations.length, 2);
});

test('usage and configuration errors exit 2 with a one-line reason and no stack trace', () => {
  const root = tree({});
  const badFormat = dmalint(['--format', 'xml', '--root', root]);
  assert.equal(badFormat.code, 2);
  assert.match(badFormat.stderr, /argument 'xml' is invalid/);
  const unknown = dmalint(['--frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown option '--frobnicate'/);
  const missing = dmalint([path.join(root, 'no/such/dir')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file or directory/);
  const cfg = path.join(root, 'bad.yaml');
  writeFileSync(
    cfg,
    'arch: arm\nrules:\n  attach-before-setup:\n    enabled: yes please\n    level: error\n    calls: ' +
      '[arm_iommu_attach_device]\n',
  );
  const bad = dmalint(['--root', root, '--config', cfg]);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, `dmalint: ${cfg}:4: rules.attach-before-setup.enabled: must be boolean\n`);
  for (const r of [badFormat, unknown, missing, bad]) assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
});

test('the root is found by walking up to MAINTAINERS', () => {
  const root = tree({ 'arch/arm/mach-hb/hb.c': NOTIFIER });
  const r = dmalint(['mach-hb/hb.c'], { cwd: path.join(root, 'arch/arm') });
  assert.equal(r.code, 1);
  // Paths from where it runs, as gcc's: an editor started there opens them.
  assert.match(r.stdout, /^mach-hb\/hb\.c:7:2: /);
  assert.ok(!existsSync(path.join(root, 'out.sarif')));
});

test("the README's rules section is the one generated from the rules' metadata", async () => {
  const { withRulesSection } = await import('../src/rules/docs.js');
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  assert.equal(readme, withRulesSection(readme), 'run `npm run docs`');
});

test('a rules file that only switches one rule off, and --rule, leave the other rules as they were', () => {
  const all = dmalint([]);
  assert.equal(all.code, 1, all.stderr);
  const lines = (out: string, rule: string) => out.split('\n').filter((l) => l.endsWith(`[${rule}]`));
  const teardown = lines(all.stdout, 'asymmetric-teardown');
  const others = all.stdout.split('\n').filter((l) => / \[[\w-]+\]$/.test(l) && !teardown.includes(l));
  assert.ok(teardown.length > 0 && others.length > 0);

  const rules = path.join(tree({}), 'one-rule-off.yaml');
  writeFileSync(rules, 'rules:\n  asymmetric-teardown: {enabled: false}\n');
  for (const args of [
    ['--config', rules],
    ['--rule', 'asymmetric-teardown=off'],
  ]) {
    const r = dmalint(args);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(lines(r.stdout, 'asymmetric-teardown'), [], args.join(' '));
    assert.deepEqual(
      r.stdout.split('\n').filter((l) => / \[[\w-]+\]$/.test(l)),
      others,
      args.join(' '),
    );
  }

  // A level per rule, repeatable, the last one winning; an unknown id lists the ids.
  const levels = dmalint(['--rule', 'attach-before-setup=off', '--rule', 'attach-before-setup=note']);
  assert.ok(lines(levels.stdout, 'attach-before-setup').every((l) => /: note: /.test(l)));
  assert.ok(lines(levels.stdout, 'attach-before-setup').length > 0);
  // Notes inform and fail nothing: every rule at note level, findings printed, exit 0.
  const notes = dmalint(
    ruleIds()
      .map((id) => ['--rule', `${id}=note`])
      .flat(),
  );
  assert.equal(notes.code, 0, notes.stderr);
  assert.ok(
    notes.stdout.split('\n').some((l) => /: note: .* \[[\w-]+\]$/.test(l)),
    notes.stdout,
  );
  const unknown = dmalint(['--rule', 'set-dma-ops=off']);
  assert.equal(unknown.code, 2);
  assert.ok(
    unknown.stderr.includes(`unknown rule 'set-dma-ops'; expected one of: ${ruleIds().join(', ')}`),
    unknown.stderr,
  );
  assert.equal(dmalint(['--rule', 'attach-before-setup=loud']).code, 2);
});

test('--parse-all parses every file and reports what the prefiltered scan reports', () => {
  const root = path.join(FIXTURES, 'set-dma-ops');
  const run = (extra: string[]) => dmalint(['--root', root, '--no-cache', '--stats', '-f', 'sarif', ...extra, root]);
  const prefiltered = run([]);
  const everything = run(['--parse-all']);
  assert.equal(everything.code, prefiltered.code);
  const results = (r: { stdout: string }) =>
    (JSON.parse(r.stdout) as { runs: { results: unknown[] }[] }).runs[0]!.results;
  assert.deepEqual(results(everything), results(prefiltered));
  const parsed = (r: { stderr: string }) => /(\d+) files listed, (\d+) parsed/.exec(r.stderr)!.slice(1).map(Number);
  const [listed, some] = parsed(prefiltered);
  assert.ok(some! < listed!, 'the prefilter leaves files out of this tree');
  assert.deepEqual(parsed(everything), [listed, listed]);
});
