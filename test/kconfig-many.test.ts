// Many configurations in one run: each finding once, naming the configurations it occurs in.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FIXTURES, dmalint, tempDir } from './helpers/cli.js';

const ROOT = path.join(FIXTURES, 'kconfig-multi');

/**
 * Two builds of the fixture: `mtk` is its own .config (CONFIG_MTK_IOMMU_V1=m, IPMMU_VMSA off),
 * `ipmmu` the other way round. Written into `dir` under these names.
 */
function twoConfigs(dir: string): { mtk: string; ipmmu: string } {
  const text = readFileSync(path.join(ROOT, '.config'), 'utf8');
  const mtk = path.join(dir, 'mtk.config');
  const ipmmu = path.join(dir, 'ipmmu.config');
  writeFileSync(mtk, text);
  writeFileSync(
    ipmmu,
    text
      .replace('CONFIG_MTK_IOMMU_V1=m', '# CONFIG_MTK_IOMMU_V1 is not set')
      .replace('# CONFIG_IPMMU_VMSA is not set', 'CONFIG_IPMMU_VMSA=y'),
  );
  return { mtk, ipmmu };
}

interface Result {
  ruleId: string;
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
  properties?: { configurations?: string[] };
}

const where = (r: Result) =>
  `${r.ruleId} ` +
  `${r.locations[0]!.physicalLocation.artifactLocation.uri}:${r.locations[0]!.physicalLocation.region.startLine}`;

test('two .config files with different drivers: each finding once, with the configurations it occurs in', () => {
  const { mtk, ipmmu } = twoConfigs(tempDir('configs'));
  const r = dmalint(['--format', 'sarif', '--kconfig', mtk, '--kconfig', ipmmu, ROOT]);
  assert.equal(r.code, 1, r.stderr);
  const results = JSON.parse(r.stdout).runs[0].results as Result[];
  assert.deepEqual(
    results.map((x) => [where(x), x.properties?.configurations]),
    [
      ['set-dma-ops-outside-setup-teardown arch/arm/mm/dma-mapping.c:18', [mtk, ipmmu]],
      ['set-dma-ops-outside-setup-teardown arch/arm/mm/dma-mapping.c:66', [mtk]], // IS_ENABLED(CONFIG_MTK_IOMMU_V1)
      ['set-dma-ops-outside-setup-teardown drivers/iommu/foo-core.c:14', [mtk, ipmmu]],
      ['attach-before-setup drivers/iommu/ipmmu-vmsa.c:12', [ipmmu]], // obj-$(CONFIG_IPMMU_VMSA)
      ['attach-before-setup drivers/iommu/mtk_iommu_v1.c:12', [mtk]], // obj-$(CONFIG_MTK_IOMMU_V1)
    ],
  );
});

test('the text report says in how many of the configurations; a directory of .config files is the same run', () => {
  const dir = tempDir('configs');
  const { mtk, ipmmu } = twoConfigs(dir);
  const byFlags = dmalint(['--kconfig', mtk, '--kconfig', ipmmu, ROOT]);
  assert.equal(byFlags.code, 1, byFlags.stderr);
  const notes = byFlags.stdout.split('\n').filter((l) => l.includes(' configurations'));
  assert.deepEqual(notes, [
    'arch/arm/mm/dma-mapping.c:18:2: note: in all 2 configurations',
    `arch/arm/mm/dma-mapping.c:66:3: note: in 1 of 2 configurations: ${mtk}`,
    'drivers/iommu/foo-core.c:14:2: note: in all 2 configurations',
    `drivers/iommu/ipmmu-vmsa.c:12:2: note: in 1 of 2 configurations: ${ipmmu}`,
    `drivers/iommu/mtk_iommu_v1.c:12:2: note: in 1 of 2 configurations: ${mtk}`,
  ]);
  // The directory's files in name order: ipmmu.config before mtk.config.
  const byDir = dmalint(['--kconfig', dir, ROOT]);
  assert.equal(byDir.code, 1, byDir.stderr);
  assert.equal(byDir.stdout, byFlags.stdout);
  // One configuration: the report is as it always was, without configuration notes.
  const one = dmalint(['--kconfig', mtk, ROOT]);
  assert.ok(!one.stdout.includes('configurations'), one.stdout);
});

test(
  'bad --kconfig input is one line: a stray file in the directory, a configuration given twice, --diff with ' +
    'several',
  () => {
    const dir = tempDir('configs');
    const { mtk, ipmmu } = twoConfigs(dir);
    const twice = dmalint(['--kconfig', mtk, '--kconfig', dir, ROOT]);
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /^dmalint: --kconfig .*mtk\.config: given twice\n$/);
    const diff = dmalint(['--kconfig', mtk, '--kconfig', ipmmu, ROOT, '--diff', path.join(dir, 'none.patch')]);
    assert.equal(diff.code, 2);
    assert.match(diff.stderr, /^dmalint: --diff checks one configuration at a time; give a single --kconfig\n$/);
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'README'), 'configurations for the bot\n');
    const stray = dmalint(['--kconfig', dir, ROOT]);
    assert.equal(stray.code, 2);
    assert.match(
      stray.stderr,
      /^dmalint: --kconfig .*README: not a kernel configuration \(no CONFIG_ line\); keep only \.config files in that directory\n$/,
    );
  },
);

test('a file given to --kconfig that is not a configuration is the same error as inside a directory', () => {
  const junk = path.join(tempDir('configs'), 'junk.config');
  writeFileSync(junk, 'configurations for the bot\n');
  const r = dmalint(['--kconfig', junk, ROOT]);
  assert.equal(r.code, 2, r.stdout);
  assert.equal(r.stdout, '');
  assert.equal(
    r.stderr,
    `dmalint: --kconfig ${junk}: not a kernel configuration (no CONFIG_ line); give a .config or a defconfig\n`,
  );
});

test("--stats says what each configuration's scan did, under its name", () => {
  const { mtk, ipmmu } = twoConfigs(tempDir('configs'));
  const r = dmalint(['--stats', '--kconfig', mtk, '--kconfig', ipmmu, ROOT]);
  assert.equal(r.code, 1, r.stderr);
  const stats = r.stderr.split('\n').filter((l) => / files listed, | time: /.test(l));
  assert.equal(stats.length, 4, r.stderr);
  for (const [i, config] of [mtk, mtk, ipmmu, ipmmu].entries()) assert.ok(stats[i]!.startsWith(`dmalint: ${config}: `));
});
