// Config-aware analysis: a .config (or, without one, the architecture) decides which .c files
// are compiled and which branches are live; undecided ones stay; findings name their condition.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../src/rules/load-config.js';
import { Configuration, liveSummary } from '../src/kconfig/configuration.js';
import { mergeDotConfigs, parseDotConfig } from '../src/kconfig/dotconfig.js';
import { type MacroOracle, UNDEFINED_MACRO, UNKNOWN_MACRO, evaluateCondition } from '../src/kconfig/expr.js';
import { Kbuild } from '../src/kconfig/kbuild.js';
import { KconfigDb } from '../src/kconfig/kconfig.js';
import { conditionNote } from '../src/kconfig/findings.js';
import { parserSettings, summarizeSource } from '../src/parser/parse-file.js';
import { CallGraph } from '../src/callgraph/graph.js';
import { ErrorPathAnalysis } from '../src/analysis/error-paths.js';
import { scan } from '../src/scan.js';
import { FIXTURES, dmalint, tree } from './helpers/cli.js';

const config = loadConfig();
const ROOT = path.join(FIXTURES, 'kconfig-multi');
const DOTCONFIG = path.join(ROOT, '.config');
const where = (r: { findings: { ruleId: string; location: { file: string; line: number } }[] }) =>
  r.findings.map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}`);

test('with the fixture .config: unbuilt files, =m and numeric branches leave the result', async () => {
  const r = await scan({ root: ROOT, config, workers: 0, cacheDir: false, kconfig: DOTCONFIG });
  assert.deepEqual(where(r), [
    'set-dma-ops-outside-setup-teardown arch/arm/mm/dma-mapping.c:18', // CONFIG_ARM_DMA_USE_IOMMU=y
    'set-dma-ops-outside-setup-teardown arch/arm/mm/dma-mapping.c:66', // IS_ENABLED() of an =m symbol
    'set-dma-ops-outside-setup-teardown drivers/iommu/foo-core.c:14', // under MODULE: undecided, kept
    'attach-before-setup drivers/iommu/mtk_iommu_v1.c:12', // obj-m
  ]);
  // Gone: CONFIG_NR_DMA_DOMAINS=4 > 8, #ifdef of an =m symbol, IPMMU_VMSA not set, the
  // composite part under ifdef CONFIG_FOO_IOMMU_NOTIFY, and the other-arch drivers.
  assert.equal(r.filesNotBuilt, 6);
  assert.ok(r.deadSites > 0);
  const attach = r.findings.find((f) => f.location.line === 18)!;
  assert.deepEqual(attach.conditions, ['defined(CONFIG_ARM_DMA_USE_IOMMU)']);
  assert.match(attach.message, /\(only with CONFIG_ARM_DMA_USE_IOMMU\)$/);
  const module = r.findings.find((f) => f.location.file === 'drivers/iommu/foo-core.c')!;
  assert.match(module.message, /\(only with MODULE\)$/);
});

test(
  'without a .config, the arch decides what it can; without config ' + 'awareness everything but #if 0 stays',
  async () => {
    const arm = await scan({ root: ROOT, config, workers: 0, cacheDir: false });
    assert.ok(!where(arm).some((f) => /acpi|amd|dma-iommu|virtio/.test(f)), 'other-arch drivers left out');
    assert.equal(arm.filesNotBuilt, 4);
    const all = await scan({ root: ROOT, config, workers: 0, cacheDir: false, configAware: false });
    const extra = where(all).filter((f) => !where(arm).includes(f));
    assert.deepEqual(extra, [
      'set-dma-ops-outside-setup-teardown arch/arm/mm/dma-mapping.c:41', // #ifdef CONFIG_X86
      'set-dma-ops-outside-setup-teardown arch/arm/mm/dma-mapping.c:59', // IS_ENABLED(CONFIG_X86_64)
      'set-dma-ops-outside-setup-teardown drivers/acpi/scan.c:10',
      'set-dma-ops-outside-setup-teardown drivers/iommu/amd/iommu.c:10',
      'set-dma-ops-outside-setup-teardown drivers/iommu/dma-iommu.c:10',
      'set-dma-ops-outside-setup-teardown drivers/iommu/virtio-iommu.c:10',
    ]);
    assert.ok(!where(all).some((f) => f.endsWith('dma-mapping.c:50')), '#if 0 is dead without any configuration');
  },
);

test('the CLI takes --kconfig; SARIF carries the conditions; a missing .config is a usage error', () => {
  const r = dmalint(['--format', 'sarif', '--kconfig', DOTCONFIG, ROOT]);
  assert.equal(r.code, 1, r.stderr);
  const results = JSON.parse(r.stdout).runs[0].results as { ruleId: string; properties?: { conditions: string[] } }[];
  assert.equal(results.length, 4);
  assert.deepEqual(results[0]!.properties, { conditions: ['defined(CONFIG_ARM_DMA_USE_IOMMU)'] });
  const missing = dmalint(['--kconfig', path.join(ROOT, 'no-such.config'), ROOT]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--kconfig .*no-such\.config: no such file/);
});

const oracle =
  (values: Record<string, number>): MacroOracle =>
  (name) =>
    name in values
      ? { defined: true, value: values[name] }
      : name.startsWith('CONFIG_')
        ? UNDEFINED_MACRO
        : UNKNOWN_MACRO;

test('conditions evaluate three-valued: undecided macros never make a branch dead', () => {
  const o = oracle({ CONFIG_A: 1, CONFIG_B_MODULE: 1, CONFIG_N: 8 });
  const cases: [string, boolean | undefined][] = [
    ['defined(CONFIG_A) && !defined(CONFIG_Z)', true],
    ['defined CONFIG_A', true],
    ['IS_ENABLED(CONFIG_B)', true],
    ['IS_BUILTIN(CONFIG_B)', false],
    ['IS_MODULE(CONFIG_B)', true],
    ['IS_REACHABLE(CONFIG_B)', undefined], // modular: reachable only from a module
    ['IS_REACHABLE(CONFIG_A)', true],
    ['!(IS_ENABLED(CONFIG_Z))', true],
    ['CONFIG_N >= 8 && CONFIG_N < 0x10', true],
    ['(1 << CONFIG_N) == 256', true],
    ['CONFIG_Z', false],
    ['FOO', undefined],
    ['FOO || defined(CONFIG_A)', true],
    ['FOO && defined(CONFIG_Z)', false],
    ['LINUX_VERSION_CODE > KERNEL_VERSION(4, 1, 0)', undefined],
    ['0', false],
    ['defined(CONFIG_A) &&', undefined], // not an expression: unknown, never dead
  ];
  for (const [cond, want] of cases) assert.equal(evaluateCondition(cond, o, config.parser.configTests), want, cond);
  assert.equal(
    conditionNote(['defined(CONFIG_A)', '!(IS_ENABLED(CONFIG_B))', 'CONFIG_N > 1']),
    'CONFIG_A && !CONFIG_B && CONFIG_N > 1',
  );
});

test('a .config: =y, =m, values, "is not set"; absent symbols are off only in a complete one', () => {
  const lines = 'CONFIG_A=y\nCONFIG_B=m\n# CONFIG_C is not set\nCONFIG_N=0x10\nCONFIG_S="text"\n';
  const fragment = parseDotConfig(lines);
  assert.equal(fragment.complete, false);
  assert.deepEqual(
    [...fragment.values],
    [
      ['A', 'y'],
      ['B', 'm'],
      ['C', 'n'],
      ['N', '0x10'],
      ['S', '"text"'],
    ],
  );
  const full = parseDotConfig(`#\n# Automatically generated file; DO NOT EDIT.\n#\n${lines}`);
  assert.equal(full.complete, true);
  const root = tree({});
  const decide = (c: ReturnType<typeof parseDotConfig>, cond: string) =>
    new Configuration(root, 'arm', config.parser.configTests, c).evaluate(cond);
  assert.equal(decide(fragment, 'defined(CONFIG_ABSENT)'), undefined);
  assert.equal(decide(full, 'defined(CONFIG_ABSENT)'), false);
  assert.equal(decide(full, 'defined(CONFIG_B)'), false);
  assert.equal(decide(full, 'defined(CONFIG_B_MODULE)'), true);
  assert.equal(decide(full, 'CONFIG_N == 16'), true);
  assert.equal(decide(fragment, 'defined(CONFIG_C)'), false);
});

test('configurations merged: what they agree on is known, what they disagree on is unknown', () => {
  const header = '# Automatically generated file; DO NOT EDIT.\n';
  const one = parseDotConfig(`${header}CONFIG_A=y\nCONFIG_B=y\nCONFIG_D=m\n# CONFIG_E is not set\n`);
  const two = parseDotConfig(`${header}CONFIG_A=y\nCONFIG_D=y\n`);
  const merged = mergeDotConfigs([one, two]);
  assert.deepEqual(
    [...merged.values],
    [
      ['A', 'y'],
      ['E', 'n'],
    ],
  );
  assert.deepEqual([...merged.unknown!].sort(), ['B', 'D']);
  assert.equal(merged.complete, true);
  const root = tree({ 'drivers/Makefile': 'obj-$(CONFIG_B) += b.o\nobj-$(CONFIG_C) += c.o\nobj-$(CONFIG_A) += a.o\n' });
  const c = new Configuration(root, 'arm', config.parser.configTests, merged);
  assert.deepEqual(
    ['defined(CONFIG_A)', 'IS_ENABLED(CONFIG_B)', 'defined(CONFIG_C)', 'IS_MODULE(CONFIG_D)', 'defined(CONFIG_E)'].map(
      (cond) => c.evaluate(cond),
    ),
    [true, undefined, false, undefined, false],
  );
  // A file either configuration may build is kept; one neither builds is not.
  assert.deepEqual(
    ['drivers/a.c', 'drivers/b.c', 'drivers/c.c'].map((f) => c.compiles(f)),
    [true, true, false],
  );
  // An incomplete one leaves what it does not mention unknown.
  const fragment = mergeDotConfigs([one, parseDotConfig('CONFIG_A=y\n')]);
  assert.equal(fragment.complete, false);
  assert.equal(
    new Configuration(root, 'arm', config.parser.configTests, fragment).evaluate('defined(CONFIG_C)'),
    undefined,
  );
});

test('dead sites leave a summary without changing it; a file that defines a CONFIG_ macro keeps it undecided', () => {
  const options = parserSettings(config.parser);
  const s = summarizeSource(
    '#ifdef CONFIG_X\nvoid a(void) { x(); }\n#endif\nvoid b(void)\n{\n\tif ' +
      '(IS_ENABLED(CONFIG_X))\n\t\ty();\n\telse\n\t\tz();\n}\n',
    'f.c',
    options,
  );
  const before = JSON.stringify(s);
  const live = liveSummary(s, (c) => c === 'defined(CONFIG_X)' || c === 'IS_ENABLED(CONFIG_X)');
  assert.equal(JSON.stringify(s), before);
  assert.deepEqual(
    live.functions.map((f) => [f.name, f.calls.map((c) => c.callee)]),
    [['b', ['IS_ENABLED', 'z']]],
  );
  const root = tree({});
  const full = parseDotConfig('# Automatically generated file; DO NOT EDIT.\n');
  const own = summarizeSource('#define CONFIG_X 1\n#ifdef CONFIG_X\nvoid a(void) { x(); }\n#endif\n', 'g.c', options);
  assert.deepEqual(
    new Configuration(root, 'arm', config.parser.configTests, full).live(own).functions.map((f) => f.name),
    ['a'],
  );
  assert.deepEqual(
    new Configuration(root, 'arm', config.parser.configTests, full).live(s).functions.map((f) => f.name),
    ['b'],
  );
});

test('the Kconfig tests are those of rules.yaml, for the extractor and the evaluator alike', () => {
  // Another tree's family: MY_ON() true only for built-in symbols; IS_ENABLED is not one of it.
  const tests = { MY_ON: { y: true, m: false } as const };
  const settings = parserSettings({ ...config.parser, configTests: tests });
  const s = summarizeSource(
    'void f(void)\n{\n\tif (MY_ON(CONFIG_X) && !MY_ON(CONFIG_Y))\n\t\ta();\n' +
      '\tif (IS_ENABLED(CONFIG_X))\n\t\tb();\n\tif (MY_ON(CONFIG_X) && ready)\n\t\tc();\n}\n',
    'f.c',
    settings,
  );
  assert.deepEqual(
    s.functions[0]!.calls.filter((c) => /^[abc]$/.test(c.callee)).map((c) => [c.callee, c.cond]),
    [
      ['a', ['MY_ON(CONFIG_X) && !MY_ON(CONFIG_Y)']],
      ['b', []],
      ['c', ['MY_ON(CONFIG_X)']],
    ],
  );
  const root = tree({});
  const decide = (dotconfig: string, cond: string) =>
    new Configuration(
      root,
      'arm',
      tests,
      parseDotConfig(`# Automatically generated file; DO NOT EDIT.\n${dotconfig}`),
    ).evaluate(cond);
  assert.equal(decide('CONFIG_X=y\n', 'MY_ON(CONFIG_X)'), true);
  assert.equal(decide('CONFIG_X=m\n', 'MY_ON(CONFIG_X)'), false);
  // Not a test here: a function-like macro whose expansion is unknown.
  assert.equal(decide('CONFIG_X=y\n', 'IS_ENABLED(CONFIG_X)'), undefined);
  assert.equal(decide('CONFIG_X=y\n', 'IS_ENABLED(CONFIG_X)'), undefined);
});

test('Kbuild: directories, composite objects, ifeq/else, paths named from above; unnamed files are unknown', () => {
  const root = tree({
    Kbuild: 'obj-y += drivers/ arch/$(SRCARCH)/\n',
    'drivers/Makefile': 'obj-$(CONFIG_FOO) += foo/\nobj-y += bar/sub/\nobj-$(CONFIG_BAZ) += baz/baz.o\n',
    'drivers/foo/Makefile': 'obj-y += foo.o\n',
    'drivers/bar/sub/Makefile':
      'obj-m += mod.o\nmod-objs := a.o\nmod-$(CONFIG_B) += b.o\nifeq ($(CONFIG_C),y)\nmod-y += c.o\nelse\nmod-y ' +
      '+= d.o\nendif\n',
    'arch/arm/Makefile': 'obj-y := arm.o\n',
  });
  const values: Record<string, string> = { FOO: '', B: 'y', C: '', BAZ: 'm' };
  const kb = new Kbuild(root, 'arm', (n) => values[n]);
  const status = (f: string) => kb.fileStatus(f);
  assert.equal(status('drivers/foo/foo.c'), false); // its directory is off
  assert.equal(status('drivers/bar/sub/a.c'), true);
  assert.equal(status('drivers/bar/sub/b.c'), true);
  assert.equal(status('drivers/bar/sub/c.c'), false);
  assert.equal(status('drivers/bar/sub/d.c'), true);
  assert.equal(status('drivers/baz/baz.c'), true); // named by drivers/Makefile
  assert.equal(status('drivers/bar/sub/other.c'), undefined); // no Makefile names it
  assert.equal(status('arch/arm/arm.c'), true);
  const unknown = new Kbuild(root, 'arm', () => undefined);
  assert.equal(unknown.fileStatus('drivers/foo/foo.c'), undefined);
});

test('Kconfig without a .config: other-arch symbols, unmet depends, selects; help text is not read', () => {
  const db = KconfigDb.load(ROOT, 'arm');
  assert.equal(db.possible('X86_64'), false);
  assert.equal(db.possible('ACPI'), false); // only other architectures source its Kconfig
  assert.equal(db.possible('AMD_IOMMU'), false);
  assert.equal(db.possible('VIRTIO_IOMMU'), false);
  assert.equal(db.possible('IOMMU_DMA'), false);
  assert.equal(db.possible('ARM_DMA_USE_IOMMU'), undefined); // selected by IPMMU_VMSA and MTK_IOMMU_V1
  assert.equal(db.possible('IPMMU_VMSA'), undefined);
  assert.equal(db.possible('FOO'), undefined); // only named in help text: not defined
  assert.equal(KconfigDb.load(ROOT, 'x86').possible('ACPI'), undefined);
  assert.equal(KconfigDb.load(ROOT, 'x86').possible('ARM_DMA_USE_IOMMU'), false);
  assert.equal(KconfigDb.load(ROOT, 'x86').possible('MTK_IOMMU_V1'), false); // depends on ARM
});

test('a dead call leaves the flow pointing at the calls that stay: error paths see the attach where it is', () => {
  const options = parserSettings(config.parser);
  const src = `struct device { const struct dma_map_ops *dma_ops; };
struct platform_device { struct device dev; };
static int quirky_probe(struct platform_device *pdev)
{
	int ret;

	if (IS_ENABLED(CONFIG_X86))
		quirky_x86_fixup(pdev);
	ret = arm_iommu_attach_device(&pdev->dev, quirky_mapping);
	if (ret)
		return ret;
	ret = quirky_hw_init(pdev);
	if (ret)
		return ret;
	return 0;
}
`;
  const live = liveSummary(summarizeSource(src, 'drivers/quirky.c', options), (c) => c === 'IS_ENABLED(CONFIG_X86)');
  const graph = new CallGraph([live]);
  const analysis = new ErrorPathAnalysis(graph, config);
  const leaks = analysis.of(graph.named('quirky_probe')[0]!).leaks;
  // Only the return after quirky_hw_init() fails leaks; the failed attach itself does not.
  assert.deepEqual(
    leaks.map((l) => [l.at.line, l.leaked.map((e) => `${e.kind} ${e.what} ${e.site.line}`)]),
    [[14, ['attach arm_iommu_attach_device() 9', 'ops arm_iommu_attach_device() 9']]],
  );
});
