// A re-scan answered from the cache must equal a fresh scan, whatever changed in between.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { NOTIFIER_SETTING_OPS, tempDir } from './helpers/cli.js';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/rules/load-config.js';
import { scan } from '../src/scan.js';

const SAMPLE = fileURLToPath(new URL('../../fixtures/sample', import.meta.url));
const config = loadConfig();

const keyOf = (r: Awaited<ReturnType<typeof scan>>) =>
  r.findings.map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}`);

test('re-scans after edits, additions and deletions equal fresh scans', async () => {
  const root = tempDir('tree');
  const cacheDir = tempDir('cache');
  cpSync(SAMPLE, root, { recursive: true });
  const both = async () => {
    const cached = await scan({ root, config, workers: 0, cacheDir });
    const fresh = await scan({ root, config, workers: 0, cacheDir: false });
    assert.deepEqual(keyOf(cached), keyOf(fresh));
    return cached;
  };
  const first = await both();
  assert.equal(first.filesCached, 0);
  const second = await both();
  assert.equal(second.filesCached, second.filesParsed, 'an unchanged tree is answered from the cache');

  // A new driver with a notifier that installs ops, then an edit that removes it again.
  const added = path.join(root, 'drivers/iommu/new-notifier.c');
  writeFileSync(added, NOTIFIER_SETTING_OPS);
  const third = await both();
  assert.equal(keyOf(third).length, keyOf(first).length + 1);
  writeFileSync(
    added,
    'static int nn_notify(struct notifier_block *nb, unsigned long event, void *data)\n{\n\treturn 0;\n}\n',
  );
  utimesSync(added, new Date(), new Date(Date.now() + 5000));
  assert.deepEqual(keyOf(await both()), keyOf(first));

  // Deleting the IOMMU driver removes its finding.
  rmSync(path.join(root, 'drivers/iommu/ipmmu-vmsa.c'));
  const last = await both();
  assert.ok(!keyOf(last).some((k) => k.includes('ipmmu-vmsa.c')));
});

test('the cache salt covers the modules the summarizer loads, wherever they live, and no others', async () => {
  const { extractorModules } = await import('../src/cache/salt.js');
  const dist = fileURLToPath(new URL('../src/', import.meta.url));
  const modules = extractorModules().map((f) => path.relative(dist, f).split(path.sep).join('/'));
  for (const m of ['parser/parse-file.js', 'parser/extract.js', 'parser/blank.js', 'cache/summary-cache.js']) {
    assert.ok(modules.includes(m), `${m} makes summaries`);
  }
  assert.ok(!modules.some((m) => m.startsWith('rules/') || m.startsWith('cli/')), `${modules.join(', ')}`);
  // A helper moved out of the summarizer's folder is followed there, through any import form.
  const dir = tempDir('salt');
  mkdirSync(path.join(dir, 'parser'));
  mkdirSync(path.join(dir, 'util'));
  writeFileSync(
    path.join(dir, 'parser', 'entry.js'),
    "import { a } from '../util/helper.js';\nexport const b = await import('./late.js');\n",
  );
  writeFileSync(path.join(dir, 'parser', 'late.js'), "export * from '../util/other.js';\n");
  writeFileSync(path.join(dir, 'util', 'helper.js'), "import 'node:fs';\nexport const a = 1;\n");
  writeFileSync(path.join(dir, 'util', 'other.js'), 'export const c = 2;\n');
  writeFileSync(path.join(dir, 'util', 'unused.js'), 'export const d = 3;\n');
  assert.deepEqual(
    extractorModules(path.join(dir, 'parser', 'entry.js')).map((f) => path.relative(dir, f)),
    ['parser/entry.js', 'parser/late.js', 'util/helper.js', 'util/other.js'],
  );
});
