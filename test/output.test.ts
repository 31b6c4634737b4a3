import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding, Notification } from '../src/model.js';
import type { RuleMeta } from '../src/rules/rule.js';
import { FINGERPRINT_KEY, fingerprint } from '../src/output/fingerprint.js';
import type { ReportedFinding } from '../src/output/reported.js';
import { renderSarif, sarifMessageString, type SarifInput } from '../src/output/sarif.js';
import { renderText } from '../src/output/text.js';
import { validateSarif } from './helpers/sarif-schema.js';

const setOpsRule: RuleMeta = {
  id: 'set-dma-ops-outside-setup-teardown',
  name: 'SetDmaOpsOutsideSetupTeardown',
  shortDescription: 'dev->dma_ops written outside arch_setup_dma_ops()/arch_teardown_dma_ops()',
  fullDescription: 'Only the arch setup/teardown pair may install or clear the DMA ops of a struct device.',
  help: {
    text: 'Move the write into arch_setup_dma_ops() or drop it.',
    markdown: 'Move the write into `arch_setup_dma_ops()` or drop it.',
  },
  defaultLevel: 'warning',
  tags: ['dma', 'correctness'],
  precision: 'high',
  messages: {
    notifier: 'dev->dma_ops written in {{fn}}, reached from a bus notifier',
    exported: 'dev->dma_ops written in exported {{fn}}',
  },
};

const attachRule: RuleMeta = {
  id: 'attach-before-setup',
  name: 'AttachBeforeSetup',
  shortDescription: 'IOMMU attach before arch_setup_dma_ops()',
  fullDescription: 'arm_iommu_attach_device() called from add_device/probe_device runs before setup.',
  help: { text: 'Attach from the driver probe instead.', markdown: 'Attach from the driver **probe** instead.' },
  defaultLevel: 'error',
  tags: ['dma', 'iommu'],
  precision: 'medium',
  messages: { addDevice: 'arm_iommu_attach_device() called from {{fn}} before DMA setup' },
};

const HB = 'arch/arm/mach-highbank/highbank.c';

// Three-step path (entry → notifier → write) plus a related location.
const notifierWrite: Finding = {
  ruleId: 'set-dma-ops-outside-setup-teardown',
  level: 'warning',
  messageId: 'notifier',
  message: 'dev->dma_ops written in highbank_set_coherent, reached from the notifier at line 98',
  messageData: { fn: 'highbank_set_coherent' },
  location: { file: HB, line: 85, col: 2, endLine: 85, endCol: 30 },
  function: 'highbank_set_coherent',
  kind: 'outside-pair',
  site: 'set_dma_ops(dev, &arm_coherent_dma_ops)',
  path: [
    { file: HB, line: 120, col: 2, function: 'highbank_init', message: 'registers highbank_platform_notifier' },
    {
      file: HB,
      line: 98,
      col: 3,
      function: 'highbank_platform_notifier',
      message: 'BUS_NOTIFY_ADD_DEVICE calls highbank_set_coherent',
    },
    {
      file: HB,
      line: 85,
      col: 2,
      endLine: 85,
      endCol: 30,
      function: 'highbank_set_coherent',
      message: 'set_dma_ops(dev, &arm_coherent_dma_ops)',
    },
  ],
  related: [
    {
      file: 'arch/arm/mm/dma-mapping.c',
      line: 2290,
      col: 2,
      message: 'arch_setup_dma_ops() returns early when dma_ops is set',
    },
  ],
  conditions: [],
};

// Compiled only under a Kconfig condition.
const addDeviceAttach: Finding = {
  ruleId: 'attach-before-setup',
  level: 'error',
  messageId: 'addDevice',
  message: 'arm_iommu_attach_device() called from msm_iommu_add_device before DMA setup',
  messageData: { fn: 'msm_iommu_add_device' },
  location: { file: 'drivers/iommu/msm_iommu.c', line: 400, col: 9 },
  function: 'msm_iommu_add_device',
  kind: 'before-setup',
  site: 'arm_iommu_attach_device(dev, mapping)',
  path: [
    {
      file: 'drivers/iommu/msm_iommu.c',
      line: 700,
      col: 14,
      function: 'msm_iommu_ops',
      message: '.add_device = msm_iommu_add_device',
    },
    {
      file: 'drivers/iommu/msm_iommu.c',
      line: 400,
      col: 9,
      function: 'msm_iommu_add_device',
      message: 'arm_iommu_attach_device(dev, mapping)',
    },
  ],
  related: [],
  conditions: ['CONFIG_ARM_DMA_USE_IOMMU', '!CONFIG_IOMMU_DMA'],
};

// Exported helper: no path, no related.
const exportedDetach: Finding = {
  ruleId: 'set-dma-ops-outside-setup-teardown',
  level: 'note',
  messageId: 'exported',
  message: 'dev->dma_ops written in exported arm_iommu_detach_device',
  messageData: { fn: 'arm_iommu_detach_device' },
  location: { file: 'arch/arm/mm/dma-mapping.c', line: 2210, col: 2 },
  function: 'arm_iommu_detach_device',
  kind: 'outside-pair',
  site: 'set_dma_ops(dev, NULL)',
  path: [],
  related: [],
  conditions: [],
};

const notifications: Notification[] = [
  { level: 'note', file: 'drivers/gpu/drm/odd name#1.c', message: 'skipped: not valid UTF-8' },
  { level: 'error', file: 'arch/arm/mach-mvebu/coherency.c', line: 50, message: 'cannot parse: unbalanced #if' },
  { level: 'warning', message: 'no entry points configured for bus notifiers' },
];

function input(overrides: Partial<SarifInput> = {}): SarifInput {
  return {
    findings: [addDeviceAttach, exportedDetach, notifierWrite],
    notifications,
    rules: [setOpsRule, attachRule],
    rootDir: '/src/linux tree',
    toolVersion: '0.1.0',
    commandLine: 'dmalint scan --format sarif /src/linux\\ tree',
    exitCode: 1,
    ...overrides,
  };
}

function run(log: ReturnType<typeof renderSarif>) {
  assert.equal(log.runs.length, 1);
  return log.runs[0]!;
}

test('SARIF validates against the SARIF 2.1.0 schema', () => {
  assert.deepEqual(validateSarif(renderSarif(input())), []);
  assert.deepEqual(validateSarif(renderSarif(input({ findings: [], notifications: [], rules: [] }))), []);
  const bare = input();
  delete bare.commandLine;
  delete bare.exitCode;
  assert.deepEqual(validateSarif(renderSarif(bare)), []);
});

test('schema helper reports violations', () => {
  const log = renderSarif(input()) as unknown as { runs: Array<{ results: Array<{ level: string }> }> };
  log.runs[0]!.results[0]!.level = 'fatal';
  const errors = validateSarif(log);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /^\/runs\/0\/results\/0\/level must be equal to one of the allowed values/);
});

test('SARIF header, driver and rules', () => {
  const log = renderSarif(input());
  assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
  assert.equal(log.version, '2.1.0');
  const r = run(log);
  const driver = r.tool.driver;
  assert.equal(driver.name, 'dmalint');
  assert.equal(driver.version, '0.1.0');
  assert.equal(driver.semanticVersion, '0.1.0');
  assert.equal(driver.informationUri, 'https://github.com/dmalint/dmalint');
  assert.deepEqual(
    driver.rules?.map((d) => d.id),
    ['attach-before-setup', 'set-dma-ops-outside-setup-teardown'],
  );
  assert.deepEqual(driver.rules?.[1], {
    id: 'set-dma-ops-outside-setup-teardown',
    name: 'SetDmaOpsOutsideSetupTeardown',
    shortDescription: { text: setOpsRule.shortDescription },
    fullDescription: { text: setOpsRule.fullDescription },
    messageStrings: {
      exported: { text: 'dev->dma_ops written in exported {0}.' },
      notifier: { text: 'dev->dma_ops written in {0}, reached from a bus notifier.' },
    },
    help: { text: setOpsRule.help.text, markdown: setOpsRule.help.markdown },
    defaultConfiguration: { level: 'warning' },
    properties: { tags: ['dma', 'correctness'], precision: 'high' },
  });
  assert.deepEqual(r.automationDetails, { id: 'dmalint/' });
  assert.deepEqual(r.originalUriBaseIds, { SRCROOT: { uri: 'file:///src/linux%20tree/' } });
});

test('SARIF artifacts, uris and indexes', () => {
  const r = run(renderSarif(input()));
  const uris = [
    'arch/arm/mach-highbank/highbank.c',
    'arch/arm/mach-mvebu/coherency.c',
    'arch/arm/mm/dma-mapping.c',
    'drivers/gpu/drm/odd%20name%231.c',
    'drivers/iommu/msm_iommu.c',
  ];
  const roles = [
    ['resultFile', 'tracedFile'],
    ['analysisTarget'],
    ['resultFile', 'tracedFile'],
    ['analysisTarget'],
    ['resultFile', 'tracedFile'],
  ];
  assert.deepEqual(
    r.artifacts,
    uris.map((uri, i) => ({ location: { uri, uriBaseId: 'SRCROOT' }, roles: roles[i] })),
  );

  const results = r.results!;
  assert.deepEqual(
    results.map((x) => [x.ruleId, x.ruleIndex, x.level]),
    [
      ['set-dma-ops-outside-setup-teardown', 1, 'warning'], // highbank.c
      ['set-dma-ops-outside-setup-teardown', 1, 'note'], // dma-mapping.c
      ['attach-before-setup', 0, 'error'], // msm_iommu.c
    ],
  );
  assert.deepEqual(results[0]!.locations, [
    {
      physicalLocation: {
        artifactLocation: { uri: 'arch/arm/mach-highbank/highbank.c', uriBaseId: 'SRCROOT', index: 0 },
        region: { startLine: 85, startColumn: 2, endLine: 85, endColumn: 30 },
      },
      logicalLocations: [{ name: 'highbank_set_coherent', kind: 'function' }],
    },
  ]);
  assert.deepEqual(results[2]!.locations?.[0]?.physicalLocation, {
    artifactLocation: { uri: 'drivers/iommu/msm_iommu.c', uriBaseId: 'SRCROOT', index: 4 },
    region: { startLine: 400, startColumn: 9 },
  });
  // Every artifactLocation.index points at the artifact with the same uri.
  const json = JSON.stringify(r);
  for (const m of json.matchAll(/"uri":"([^"]*)","uriBaseId":"SRCROOT","index":(\d+)/g)) {
    assert.equal(uris[Number(m[2])], m[1]);
  }
});

test('SARIF code flow, related locations, conditions', () => {
  const results = run(renderSarif(input())).results!;
  const first = results[0]!;
  const steps = first.codeFlows?.[0]?.threadFlows[0]?.locations ?? [];
  assert.equal(first.codeFlows?.length, 1);
  assert.deepEqual(
    steps.map((s) => [
      s.executionOrder,
      s.nestingLevel,
      s.location?.physicalLocation?.region?.startLine,
      s.location?.logicalLocations?.[0]?.name,
      s.location?.message?.text,
    ]),
    [
      [1, 0, 120, 'highbank_init', 'registers highbank_platform_notifier'],
      [2, 1, 98, 'highbank_platform_notifier', 'BUS_NOTIFY_ADD_DEVICE calls highbank_set_coherent'],
      [3, 2, 85, 'highbank_set_coherent', 'set_dma_ops(dev, &arm_coherent_dma_ops)'],
    ],
  );
  assert.deepEqual(
    first.relatedLocations?.map((l) => [
      l.id,
      l.physicalLocation?.artifactLocation?.index,
      l.physicalLocation?.region?.startLine,
      l.message?.text,
    ]),
    [
      [1, 0, 120, 'registers highbank_platform_notifier'],
      [2, 0, 98, 'BUS_NOTIFY_ADD_DEVICE calls highbank_set_coherent'],
      [3, 0, 85, 'set_dma_ops(dev, &arm_coherent_dma_ops)'],
      [4, 2, 2290, 'arch_setup_dma_ops() returns early when dma_ops is set'],
    ],
  );
  assert.equal(first.properties, undefined);

  const noPath = results[1]!;
  assert.equal(noPath.codeFlows, undefined);
  assert.equal(noPath.relatedLocations, undefined);

  assert.deepEqual(results[2]!.properties, { conditions: ['CONFIG_ARM_DMA_USE_IOMMU', '!CONFIG_IOMMU_DMA'] });
});

test("SARIF messages: the text, and the rule's message string id with the data as its arguments", () => {
  const results = run(renderSarif(input())).results!;
  assert.deepEqual(
    results.map((x) => x.message),
    [
      {
        text: 'dev->dma_ops written in highbank_set_coherent, reached from the notifier at line 98',
        id: 'notifier',
        arguments: ['highbank_set_coherent'],
      },
      {
        text: 'dev->dma_ops written in exported arm_iommu_detach_device',
        id: 'exported',
        arguments: ['arm_iommu_detach_device'],
      },
      {
        text: 'arm_iommu_attach_device() called from msm_iommu_add_device before DMA setup',
        id: 'addDevice',
        arguments: ['msm_iommu_add_device'],
      },
    ],
  );
  // Arguments follow the placeholders' numbering, whatever the order of the data's keys.
  const twice: RuleMeta = { ...setOpsRule, messages: { both: '{{b}} then {{a}}, {{b}} again' } };
  const both = { ...exportedDetach, messageId: 'both', message: 'B then A, B again', messageData: { a: 'A', b: 'B' } };
  const [r] = run(renderSarif(input({ findings: [both], rules: [twice] }))).results!;
  assert.deepEqual(r!.message, { text: 'B then A, B again', id: 'both', arguments: ['B', 'A'] });
  // A result read back from a baseline log knows its text, not its data: the text alone, never an
  // id whose placeholders have no arguments.
  const [old] = run(renderSarif(input({ findings: [{ ...exportedDetach, messageData: {} }] }))).results!;
  assert.deepEqual(old!.message, { text: 'dev->dma_ops written in exported arm_iommu_detach_device' });
});

test('SARIF invocation and notifications', () => {
  const r = run(renderSarif(input()));
  assert.deepEqual(r.invocations, [
    {
      executionSuccessful: false,
      commandLine: 'dmalint scan --format sarif /src/linux\\ tree',
      exitCode: 1,
      toolExecutionNotifications: [
        { level: 'warning', message: { text: 'no entry points configured for bus notifiers' } },
        {
          level: 'error',
          message: { text: 'cannot parse: unbalanced #if' },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: 'arch/arm/mach-mvebu/coherency.c', uriBaseId: 'SRCROOT', index: 1 },
                region: { startLine: 50 },
              },
            },
          ],
        },
        {
          level: 'note',
          message: { text: 'skipped: not valid UTF-8' },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: 'drivers/gpu/drm/odd%20name%231.c', uriBaseId: 'SRCROOT', index: 3 },
              },
            },
          ],
        },
      ],
    },
  ]);
  const ok = run(renderSarif(input({ notifications: notifications.filter((n) => n.level !== 'error') })));
  assert.equal(ok.invocations?.[0]?.executionSuccessful, true);
});

test('fingerprints survive line moves and another explanation, not a change of function, kind or site', () => {
  // Moved, and explained through another caller (what the message says is not the identity).
  const moved: Finding = {
    ...notifierWrite,
    messageId: 'exported',
    message: 'dev->dma_ops written in exported highbank_set_coherent',
    location: { ...notifierWrite.location, line: 91, endLine: 91 },
    path: notifierWrite.path.map((s) => ({ ...s, line: s.line + 6 })),
  };
  const otherFunction: Finding = { ...notifierWrite, function: 'highbank_set_noncoherent' };
  assert.notEqual(fingerprint({ ...notifierWrite, site: 'set_dma_ops(dev, NULL)' }), fingerprint(notifierWrite));
  assert.notEqual(fingerprint({ ...notifierWrite, kind: 'left-behind' }), fingerprint(notifierWrite));
  assert.equal(fingerprint({ ...notifierWrite, messageData: { fn: 'elsewhere' } }), fingerprint(notifierWrite));
  const prints = run(renderSarif(input({ findings: [notifierWrite, moved, otherFunction] }))).results!.map(
    (x) => x.partialFingerprints?.[FINGERPRINT_KEY],
  );
  assert.equal(prints.length, 3);
  for (const p of prints) assert.match(p ?? '', /^[0-9a-f]{64}$/);
  assert.equal(fingerprint(moved), fingerprint(notifierWrite));
  assert.notEqual(fingerprint(otherFunction), fingerprint(notifierWrite));
  assert.equal(new Set(prints).size, 2);
  assert.notEqual(fingerprint(addDeviceAttach), fingerprint(notifierWrite));
});

test('text output', () => {
  assert.equal(
    renderText([addDeviceAttach, exportedDetach, notifierWrite], notifications),
    [
      'dmalint: warning: no entry points configured for bus notifiers',
      'arch/arm/mach-mvebu/coherency.c:50: error: cannot parse: unbalanced #if',
      'drivers/gpu/drm/odd name#1.c: note: skipped: not valid UTF-8',
      'arch/arm/mach-highbank/highbank.c:85:2: warning: dev->dma_ops written in highbank_set_coherent, reached ' +
        'from the notifier at line 98 [set-dma-ops-outside-setup-teardown]',
      'arch/arm/mach-highbank/highbank.c:120:2: note: registers highbank_platform_notifier',
      'arch/arm/mach-highbank/highbank.c:98:3: note: BUS_NOTIFY_ADD_DEVICE calls highbank_set_coherent',
      'arch/arm/mm/dma-mapping.c:2290:2: note: arch_setup_dma_ops() returns early when dma_ops is set',
      'arch/arm/mm/dma-mapping.c:2210:2: note: dev->dma_ops written in exported arm_iommu_detach_device ' +
        '[set-dma-ops-outside-setup-teardown]',
      'drivers/iommu/msm_iommu.c:400:9: error: arm_iommu_attach_device() called from msm_iommu_add_device ' +
        'before DMA setup [attach-before-setup]',
      'drivers/iommu/msm_iommu.c:700:14: note: .add_device = msm_iommu_add_device',
      '',
    ].join('\n'),
  );
  assert.equal(renderText([], []), '');
  assert.equal(renderText([], [{ level: 'error', message: 'two\nlines' }]), 'dmalint: error: two lines\n');
});

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

test('shuffled input gives byte-identical output', () => {
  // Same file, line, column and rule: only the tie-break keeps these two apart.
  const twin: Finding = { ...exportedDetach, function: 'arm_iommu_release_mapping' };
  const findings = [notifierWrite, addDeviceAttach, exportedDetach, twin];
  const expectedSarif = JSON.stringify(renderSarif(input({ findings })));
  const expectedText = renderText(findings, notifications);
  const rulesOrders = permutations([setOpsRule, attachRule]);
  const notificationOrders = permutations(notifications);
  permutations(findings).forEach((order, i) => {
    const rules = rulesOrders[i % rulesOrders.length]!;
    const notes = notificationOrders[i % notificationOrders.length]!;
    assert.equal(JSON.stringify(renderSarif(input({ findings: order, rules, notifications: notes }))), expectedSarif);
    assert.equal(renderText(order, notes), expectedText);
  });
  // Rendering leaves its inputs alone.
  assert.deepEqual(findings, [notifierWrite, addDeviceAttach, exportedDetach, twin]);
});

test(
  'rule message templates become SARIF message strings: numbered placeholders, literal braces doubled, a ' +
    'closing period',
  () => {
    assert.equal(sarifMessageString('{{fn}} calls {{ callee }} from {{fn}}'), '{0} calls {1} from {0}.');
    assert.equal(sarifMessageString('struct {x} in {{fn}}?'), 'struct {{x}} in {0}?');
    assert.equal(sarifMessageString('done.'), 'done.');
  },
);

test('baseline states and suppressions in SARIF; a rules file outside the tree gets an absolute URI', () => {
  const findings: ReportedFinding[] = [
    { ...notifierWrite, baselineState: 'new' },
    {
      ...addDeviceAttach,
      baselineState: 'unchanged',
      suppression: { reason: 'owned by the driver', at: { file: '/etc/dmalint/rules.yaml', line: 7 } },
    },
    { ...exportedDetach, baselineState: 'absent', fingerprint: 'f'.repeat(64) },
  ];
  const log = renderSarif(
    input({ findings, artifactRoles: new Map([['/etc/dmalint/rules.yaml', ['userSpecifiedConfiguration']]]) }),
  );
  assert.deepEqual(validateSarif(log), []);
  const r = run(log);
  assert.deepEqual(
    r.results!.map((x) => [
      x.locations?.[0]?.physicalLocation?.artifactLocation?.uri,
      x.baselineState,
      x.partialFingerprints?.[FINGERPRINT_KEY],
    ]),
    [
      ['arch/arm/mach-highbank/highbank.c', 'new', fingerprint(notifierWrite)],
      ['arch/arm/mm/dma-mapping.c', 'absent', 'f'.repeat(64)],
      ['drivers/iommu/msm_iommu.c', 'unchanged', fingerprint(addDeviceAttach)],
    ],
  );
  const rulesFile = r.artifacts!.findIndex((a) => a.location?.uri === 'file:///etc/dmalint/rules.yaml');
  assert.deepEqual(r.artifacts![rulesFile], {
    location: { uri: 'file:///etc/dmalint/rules.yaml' },
    roles: ['userSpecifiedConfiguration'],
  });
  assert.deepEqual(r.results![2]!.suppressions, [
    {
      kind: 'external',
      status: 'accepted',
      justification: 'owned by the driver',
      location: {
        physicalLocation: {
          artifactLocation: { uri: 'file:///etc/dmalint/rules.yaml', index: rulesFile },
          region: { startLine: 7 },
        },
      },
    },
  ]);
});

test('text lists new findings, notes fixed ones, and only counts unchanged and suppressed ones', () => {
  const text = renderText(
    [
      { ...notifierWrite, baselineState: 'new' },
      { ...addDeviceAttach, baselineState: 'unchanged' },
      { ...exportedDetach, baselineState: 'absent' },
      { ...exportedDetach, function: 'other', suppression: { reason: 'r', at: { file: 'rules.yaml', line: 3 } } },
    ],
    [],
  );
  assert.deepEqual(text.split('\n'), [
    'arch/arm/mach-highbank/highbank.c:85:2: warning: dev->dma_ops written in highbank_set_coherent, reached ' +
      'from the notifier at line 98 [set-dma-ops-outside-setup-teardown]',
    'arch/arm/mach-highbank/highbank.c:120:2: note: registers highbank_platform_notifier',
    'arch/arm/mach-highbank/highbank.c:98:3: note: BUS_NOTIFY_ADD_DEVICE calls highbank_set_coherent',
    'arch/arm/mm/dma-mapping.c:2290:2: note: arch_setup_dma_ops() returns early when dma_ops is set',
    'arch/arm/mm/dma-mapping.c:2210:2: note: fixed: dev->dma_ops written in exported arm_iommu_detach_device ' +
      '[set-dma-ops-outside-setup-teardown]',
    'dmalint: note: not shown: 1 finding also in the baseline, 1 suppressed finding (--format sarif lists them)',
    '',
  ]);
});

test('text prints a last path step that is not the primary location (SARIF has it too)', () => {
  const teardown: Finding = {
    ...exportedDetach,
    ruleId: 'attach-before-setup',
    message: 'the teardown detaches without checking',
    location: { file: 'arch/arm/mm/dma-mapping.c', line: 119, col: 2 },
    path: [
      { file: 'arch/arm/mm/dma-mapping.c', line: 115, col: 1, function: 'teardown', message: 'is the teardown' },
      { file: 'arch/arm/mm/dma-mapping.c', line: 119, col: 2, function: 'teardown', message: 'calls helper()' },
      { file: 'arch/arm/mm/dma-mapping.c', line: 47, col: 2, function: 'helper', message: 'detaches here' },
    ],
  };
  assert.deepEqual(renderText([teardown], []).split('\n').slice(1, -1), [
    'arch/arm/mm/dma-mapping.c:115:1: note: is the teardown',
    'arch/arm/mm/dma-mapping.c:119:2: note: calls helper()',
    'arch/arm/mm/dma-mapping.c:47:2: note: detaches here',
  ]);
  const flow = run(renderSarif(input({ findings: [teardown] }))).results![0]!.codeFlows![0]!.threadFlows[0]!;
  assert.equal(flow.locations.length, 3);
});
