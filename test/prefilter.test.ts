// Both text prefilters, ripgrep's (used above 500 files) and the Node one, honour
// paths.include/exclude and choose the same files: the findings are the same either way.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../src/rules/load-config.js';
import { findRipgrep, patternBatches, ripgrepCandidates } from '../src/search/ripgrep.js';
import { scan } from '../src/scan.js';
import { NOTIFIER } from './helpers/snippets.js';
import { tree } from './helpers/cli.js';
import { Prefilter, type Scope } from '../src/scan/prefilter.js';
import { TreeIndex } from '../src/cache/tree-index.js';
import { Workers } from '../src/session/workers.js';

const FILLER = 700; // above the 500 files from which ripgrep is used

function bigTree(): string {
  const files: Record<string, string> = {
    // Included only through paths.include: a file whose ending ripgrep was never asked for.
    'drivers/inc/hb-notifier.inc': NOTIFIER,
    // Excluded: must stay out on both paths.
    'drivers/skip/skipped.c': NOTIFIER,
    'drivers/keep/kept.c': NOTIFIER,
  };
  for (let i = 0; i < FILLER; i++)
    files[`drivers/gen/filler${i}.c`] = `int filler${i}(int x)\n{\n\treturn x + ${i};\n}\n`;
  return tree(files);
}

const rg = findRipgrep();
const why = 'ripgrep (rg) is not installed: .ci/run installs it; apt-get install ripgrep';

test(
  'the ripgrep and the Node prefilter honour paths.include/exclude and agree',
  { skip: rg || process.env.CI ? false : why },
  async () => {
    assert.ok(rg, `CI must run the ripgrep prefilter: ${why}`);
    const root = bigTree();
    const base = loadConfig();
    const config = {
      ...base,
      paths: { include: [...base.paths.include, '**/*.inc'], exclude: [...base.paths.exclude, 'drivers/skip/**'] },
    };
    const withRg = await scan({ root, config, workers: 0, cacheDir: false, ripgrep: true });
    const withNode = await scan({ root, config, workers: 0, cacheDir: false, ripgrep: false });
    assert.equal(withRg.searchedWith, 'ripgrep');
    assert.equal(withNode.searchedWith, 'node');
    const where = (r: typeof withRg) => r.findings.map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}`);
    assert.deepEqual(where(withRg), [
      'set-dma-ops-outside-setup-teardown drivers/inc/hb-notifier.inc:7',
      'set-dma-ops-outside-setup-teardown drivers/keep/kept.c:7',
    ]);
    assert.deepEqual(withRg.findings, withNode.findings);
    assert.equal(withRg.filesParsed, withNode.filesParsed);
  },
);

// Words a Linux 6.1 growth round searched (277 bytes): one pass with all of them was slow.
const GROWTH_WORDS = [
  'rproc_add',
  'rproc_del',
  'rproc_boot',
  'rproc_detach',
  'dma_ops_setup',
  'msm_iommu_new',
  'rproc_shutdown',
  'tegra_vde_iommu_init',
  'nvkm_device_tegra_new',
  'exynos_drm_cleanup_dma',
  'exynos_drm_register_dma',
  'exynos_drm_unregister_dma',
  'host1x_client_iommu_attach',
  'rockchip_drm_dma_attach_device',
  'rockchip_drm_dma_detach_device',
];

test('ripgrep passes: every word holds one of their patterns, each pass within the bytes ripgrep keeps fast', () => {
  const many = Array.from({ length: 40 }, (_, i) => `driver${i}_probe_the_device_now`);
  for (const words of [GROWTH_WORDS, many, ['dma_ops', 'set_dma_ops', 'dma_ops_setup']]) {
    const batches = patternBatches(words);
    for (const b of batches) assert.ok(b.join('').length <= 240, b.join(' '));
    const patterns = batches.flat();
    for (const w of words)
      assert.ok(
        patterns.some((p) => w.includes(p)),
        w,
      );
  }
  assert.equal(patternBatches(GROWTH_WORDS).length, 1);
  assert.deepEqual(patternBatches(['dma_ops', 'set_dma_ops', 'dma_ops_setup', 'arch_teardown_dma_ops']), [['dma_ops']]);
  assert.ok(patternBatches(Array.from({ length: 40 }, (_, i) => `w${i}_${'x'.repeat(20)}`)).length > 1);
});

// The nouveau holder types of a Linux 6.1 growth round (28 words, 264 bytes): one pass, not two.
const HOLDER_TYPES = [
  ...['fb', 'mc', 'acr', 'bar', 'bus', 'clk', 'gsp', 'i2c', 'ltc', 'mmu', 'mxm', 'pci', 'pmu', 'top', 'bios'],
  ...['disp', 'fuse', 'ramht', 'therm', 'timer', 'engine', 'falcon', 'subdev', 'control', 'devinit'],
  ...['instmem', 'iccsense', 'device_pci'],
].map((t) => `nvkm_${t}`);

test('words beyond a pass are looked for by the starts they share; no pass starts all its patterns alike', () => {
  const words = [...HOLDER_TYPES, 'a2xx_gpu_init', 'a3xx_gpu_init', 'adreno_gpu_cleanup', 'msm_pending_timer'];
  const batches = patternBatches(words);
  assert.equal(batches.length, 1);
  assert.ok(batches[0]!.includes('nvkm_'), batches[0]!.join(' '));
  for (const w of words)
    assert.ok(
      batches[0]!.some((p) => w.includes(p)),
      w,
    );
  // Two patterns both starting with `a`: the second is looked for from its second character.
  assert.deepEqual(patternBatches(['a2xx_create_address_space', 'active_evict']), [
    ['active_evict', '2xx_create_address_'],
  ]);
});

test(
  'ripgrep finds every file holding one of many long words, over several passes',
  { skip: rg || process.env.CI ? false : why },
  async () => {
    assert.ok(rg, `CI must run the ripgrep prefilter: ${why}`);
    const words = Array.from({ length: 40 }, (_, i) => `w${i}_${'x'.repeat(20)}_word`);
    const files: Record<string, string> = {};
    for (let i = 0; i < FILLER; i++) {
      // A word's file, or a near miss: the word's start short of the cut (w3_xx…x, 18 characters).
      files[`drivers/gen/f${i}.c`] =
        i < words.length ? `int ${words[i]};\n` : `int ${words[i % words.length]!.slice(0, 18)};\n`;
    }
    const root = tree(files);
    const listed = Object.keys(files);
    assert.ok(patternBatches(words).length > 1);
    const found = await ripgrepCandidates(rg, root, listed, words);
    assert.deepEqual(found.sort(), listed.slice(0, words.length).sort());
    // Words found by their shared start (one pass): every file holding one, none holding only `nvk`.
    assert.equal(patternBatches(HOLDER_TYPES).length, 1);
    const nvkm = await ripgrepCandidates(
      rg,
      tree(
        Object.fromEntries([
          ...HOLDER_TYPES.map((w, i) => [`drivers/n/f${i}.c`, `struct ${w} *x;\n`]),
          ...Array.from({ length: FILLER }, (_, i) => [`drivers/gen/g${i}.c`, `int nvk${i};\n`]),
        ]),
      ),
      [
        ...HOLDER_TYPES.map((_, i) => `drivers/n/f${i}.c`),
        ...Array.from({ length: FILLER }, (_, i) => `drivers/gen/g${i}.c`),
      ],
      HOLDER_TYPES,
    );
    assert.deepEqual(nvkm.sort(), HOLDER_TYPES.map((_, i) => `drivers/n/f${i}.c`).sort());
  },
);

test('a word searched within a scope is kept apart from the same word searched in every file', async () => {
  const files = {
    'include/linux/ops.h': 'struct file_operations { int (*open)(void); };\n',
    'drivers/a/a.c': 'static struct file_operations fops;\n',
    'drivers/b/b.c': 'int unrelated;\n',
  };
  const root = tree(files);
  const listed = Object.keys(files).sort();
  const index = TreeIndex.open(false, root, 'settings');
  const workers = new Workers(0);
  const prefilter = new Prefilter(root, listed, [], index, workers, undefined, new Map());
  const headers: Scope = { name: 'headers', covers: (f) => f.startsWith('include/') };
  assert.deepEqual(await prefilter.mentioning(['file_operations'], new Set(), headers), ['include/linux/ops.h']);
  // Asked in every file next, the word is searched again, not answered from the scope's files.
  assert.deepEqual(await prefilter.mentioning(['file_operations']), ['drivers/a/a.c', 'include/linux/ops.h']);
  assert.deepEqual(await prefilter.mentioning(['file_operations'], new Set(), headers), ['include/linux/ops.h']);
  await workers.close();
});
