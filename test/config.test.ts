// rules.yaml problems are reported with file, line and key, and stop the run (exit 2).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { tempDir } from './helpers/cli.js';
import { ConfigError, DEFAULT_CONFIG_PATH } from '../src/config/load.js';
import { loadConfig } from '../src/rules/load-config.js';
import { activePairs, defaultSettings } from '../src/config/types.js';
import { RULES, ruleIds } from '../src/rules/index.js';

const dir = tempDir('config');
let n = 0;
function problemsOf(yaml: string): string[] {
  const file = path.join(dir, `c${n++}.yaml`);
  writeFileSync(file, yaml);
  try {
    loadConfig(file);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.problems.map((p) => p.replace(file, 'FILE'));
  }
  assert.fail('the configuration was accepted');
}

test("the bundled rules.yaml states every rule's defaults as its meta does, and only those", () => {
  // The defaults live in each rule's meta; rules.yaml shows them to users, so the two must agree.
  const bundled = (parse(readFileSync(DEFAULT_CONFIG_PATH, 'utf8')) as { rules: Record<string, object> }).rules;
  assert.deepEqual(Object.keys(bundled), ruleIds(), 'rules.yaml lists the rules in the registry order');
  for (const rule of RULES) assert.deepEqual(bundled[rule.meta.id], defaultSettings(rule.meta), rule.meta.id);
});

test('the bundled rules.yaml is valid against the schema and names the ARM pair', () => {
  const config = loadConfig(undefined, {}, { validateDefault: true });
  assert.equal(config.arch, 'arm');
  assert.deepEqual(activePairs(config)[0], { setup: 'arch_setup_dma_ops', teardown: 'arch_teardown_dma_ops' });
});

test('a user file replaces whole top-level keys and keeps the others', () => {
  const file = path.join(dir, 'arm64.yaml');
  writeFileSync(
    file,
    'arch: arm64\nrules:\n  set-dma-ops-outside-setup-teardown: {enabled: true, level: error}\n  ' +
      'attach-before-setup: {enabled: false, level: error, calls: [arm_iommu_attach_device]}\n  ' +
      'asymmetric-teardown: {enabled: true, level: note}\n' +
      '  error-path-leaves-dma-state: {enabled: false, level: note}\n',
  );
  const config = loadConfig(file);
  assert.equal(activePairs(config)[1]!.setup, 'iommu_setup_dma_ops');
  assert.equal(config.rules['attach-before-setup']!.enabled, false);
  assert.equal(config.device.opsMember, 'dma_ops');
});

test('rules are merged rule by rule: a file that switches one rule off keeps every other default', () => {
  const file = path.join(dir, 'one-off.yaml');
  writeFileSync(file, 'rules:\n  asymmetric-teardown: {enabled: false}\n  attach-before-setup: {level: note}\n');
  const config = loadConfig(file);
  assert.deepEqual(config.rules['asymmetric-teardown'], { enabled: false, level: 'warning' });
  assert.deepEqual(config.rules['attach-before-setup'], {
    enabled: true,
    level: 'note',
    calls: ['arm_iommu_attach_device'],
  });
  assert.deepEqual(config.rules['set-dma-ops-outside-setup-teardown'], {
    enabled: true,
    level: 'warning',
    apiDefinitions: 'note',
    selfMadeDevices: 'note',
  });
});

test("a rule's own options are checked against the schema its module declares", () => {
  assert.deepEqual(problemsOf('rules:\n  attach-before-setup:\n    calls: []\n'), [
    'FILE:3: rules.attach-before-setup.calls: must NOT have fewer than 1 items',
  ]);
  assert.deepEqual(problemsOf('rules:\n  asymmetric-teardown:\n    calls: [x]\n'), [
    "FILE:3: rules.asymmetric-teardown: unknown key 'calls'; expected one of: enabled, level",
  ]);
});

test('unknown key: line and the keys expected', () => {
  assert.deepEqual(problemsOf('arch: arm\nrules:\n  asymmetric-teardown:\n    enabled: true\n    levle: warning\n'), [
    "FILE:5: rules.asymmetric-teardown: unknown key 'levle'; expected one of: enabled, level",
  ]);
});

test('wrong type and bad enum values', () => {
  assert.deepEqual(problemsOf('device:\n  structs: device\n  opsMember: dma_ops\n  containers: {}\n'), [
    'FILE:2: device.structs: must be array',
  ]);
  assert.deepEqual(problemsOf('entryPoints:\n  - name: x\n    field: add_device\n    phase: early\n    when: now\n'), [
    'FILE:4: entryPoints.0.phase: expected one of before-setup, after-setup',
  ]);
});

test('parser.configTests: each test says y and m as true, false or unknown', () => {
  assert.deepEqual(
    problemsOf(
      'parser:\n  exportMacros: []\n  blank: []\n  blankWithArgs: []\n' +
        '  configTests:\n    IS_ENABLED: {y: true, m: maybe}\n',
    ),
    ['FILE:6: parser.configTests.IS_ENABLED.m: expected one of true, false, unknown'],
  );
});

test('unknown rule id', () => {
  assert.deepEqual(
    problemsOf(
      'rules:\n  attach-before-setup: {enabled: true, level: error, calls: [a]}\n  set-dma-ops: {enabled: true, ' +
        'level: error}\n',
    ),
    [`FILE:3: rules: unknown rule 'set-dma-ops'; expected one of: ${ruleIds().join(', ')}`],
  );
});

test('YAML syntax error', () => {
  const problems = problemsOf('arch: arm\nrules: [\n');
  assert.equal(problems.length >= 1, true);
  assert.match(problems[0]!, /^FILE:\d+: YAML syntax error: /);
});

test('a pair naming a function twice, and an arch that is not configured', () => {
  assert.deepEqual(
    problemsOf(
      'arch: arm\narchitectures:\n  arm:\n    pairs:\n      - setup: arch_setup_dma_ops\n        teardown: ' +
        'arch_setup_dma_ops\n',
    ),
    [
      "FILE:6: architectures.arm.pairs: 'arch_setup_dma_ops' is named twice; a function belongs to one pair, in " +
        'one role',
    ],
  );
  assert.deepEqual(problemsOf('arch: mips\n'), ["FILE:1: arch: 'mips' is not among architectures (arm, arm64)"]);
});

test('a missing file is a configuration error, not a crash', () => {
  assert.throws(
    () => loadConfig(path.join(dir, 'nope.yaml')),
    (err: unknown) =>
      err instanceof ConfigError && /cannot read configuration: no such file or directory/.test(err.message),
  );
});

test('bad globs: unbalanced brackets, braces and parentheses, absolute paths, a lone backslash', () => {
  assert.deepEqual(
    problemsOf(
      'paths:\n  include: ["**/*.c", "drivers/[iommu/*.c"]\n  exclude: ["/usr/src/**", "drivers/iommu]/**", ' +
        '"x\\\\"]\n' +
        'suppressions:\n  - rule: attach-before-setup\n    path: "drivers/{a,b/*.c"\n    reason: known\n  - ' +
        'rule: attach-before-setup\n    path: "drivers/@(a/*.c"\n    reason: known\n',
    ),
    [
      "FILE:2: paths.include.1: bad glob 'drivers/[iommu/*.c': '[' is never closed (write \\[ to match it literally)",
      "FILE:3: paths.exclude.0: bad glob '/usr/src/**': expected a glob relative to the tree root, without a leading /",
      "FILE:3: paths.exclude.1: bad glob 'drivers/iommu]/**': ']' closes nothing (write \\] to match it literally)",
      "FILE:3: paths.exclude.2: bad glob 'x\\': ends with a lone backslash",
      "FILE:6: suppressions.0.path: bad glob 'drivers/{a,b/*.c': '{' is never closed (write \\{ to match it literally)",
      "FILE:9: suppressions.1.path: bad glob 'drivers/@(a/*.c': '(' is never closed (write \\( to match it literally)",
    ],
  );
  // Escaped characters and the usual shapes are fine.
  const file = path.join(dir, 'globs-ok.yaml');
  writeFileSync(
    file,
    'paths:\n  include: ["**/*.{c,h}", "drivers/\\\\[x\\\\]/*.c", "arch/[!x]*/**/*.c", "+(a|b)/*.c"]\n  exclude: []\n',
  );
  assert.deepEqual(loadConfig(file).paths.include.length, 4);
});

test('an effect naming a kind of state that states does not define', () => {
  assert.deepEqual(
    problemsOf(
      'apis:\n  setters: []\n  effects:\n    - name: f\n      establishes: [attach, domain]\n      undoes: []\n',
    ),
    ["FILE:5: apis.effects.0.establishes: 'domain' is not among states (ops, attach, mapping)"],
  );
  assert.deepEqual(problemsOf('states:\n  attach: {establish: a, undo: b, noun: c, held: d}\n'), [
    "FILE:1: states: missing required key 'ops'",
  ]);
});

test("paths.archDir: of the directories under it, only the configured architecture's is analyzed", async () => {
  const { analyzedPath } = await import('../src/path-filter.js');
  const config = loadConfig();
  const analyzed = analyzedPath(config);
  assert.equal(analyzed('arch/arm/mm/dma-mapping.c'), true);
  assert.equal(analyzed('arch/x86/kernel/pci-dma.c'), false);
  assert.equal(analyzed('drivers/.hidden/x.c'), false);
  const moved = analyzedPath({ ...config, paths: { ...config.paths, archDir: 'src/arch' } });
  assert.equal(moved('arch/x86/kernel/pci-dma.c'), true);
  assert.equal(moved('src/arch/x86/a.c'), false);
  assert.equal(moved('src/arch/arm/a.c'), true);
});

test('driverCore entries are checked in the file that sets them, not blamed on the bundled one', () => {
  const own = path.join(dir, 'entry-points-only.yaml');
  writeFileSync(
    own,
    'entryPoints:\n  - name: platform_driver.probe\n    struct: platform_driver\n    field: probe\n' +
      '    phase: after-setup\n    when: the driver probe\n',
  );
  assert.deepEqual(
    loadConfig(own).entryPoints.map((e) => e.name),
    ['platform_driver.probe'],
  );
  const steps = path.join(dir, 'driver-core.yaml');
  writeFileSync(steps, 'driverCore:\n  - function: f\n    call: g\n    after: failure\n    entries: [nope.probe]\n');
  assert.throws(
    () => loadConfig(steps),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.problems.length === 1 &&
      err.problems[0] === `${steps}:5: driverCore.0.entries: 'nope.probe' is not an entry point (entryPoints names)`,
  );
});
