// The analyses the rules share are a layer of their own: built once per call graph and
// configuration, whichever rules (and growth) ask, and reached through the rules' context.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { analysesOf } from '../src/analysis/analyses.js';
import { analysisBuilds } from '../src/analysis/builds.js';
import { CallGraph } from '../src/callgraph/graph.js';
import { loadConfig } from '../src/rules/load-config.js';
import { scan } from '../src/scan.js';

const config = loadConfig();
const sample = fileURLToPath(new URL('../../fixtures/sample', import.meta.url));

/** How many analyses of each kind `work` builds. */
async function built(work: () => Promise<unknown>) {
  const before = analysisBuilds();
  await work();
  const after = analysisBuilds();
  return {
    effects: after.effects - before.effects,
    pairs: after.pairs - before.pairs,
    errorPaths: after.errorPaths - before.errorPaths,
    driverCore: after.driverCore - before.driverCore,
  };
}

test('each shared analysis is built once per run, however many rules read it', async () => {
  let findings = 0;
  const counts = await built(async () => {
    const r = await scan({ root: sample, config, workers: 0, cacheDir: false, parseAll: true });
    findings = r.findings.length;
  });
  assert.ok(findings > 0, 'the sample tree has findings of several rules');
  assert.deepEqual(counts, { effects: 1, pairs: 1, errorPaths: 1, driverCore: 1 });
});

test('growth builds the effects once per call graph it grows from, and the rules once more', async () => {
  let rounds = 0;
  const counts = await built(async () => {
    const r = await scan({ root: sample, config, workers: 0, cacheDir: false });
    rounds = r.growthRounds;
  });
  // One graph per growth round, one for the round that finds nothing new, one for the rules.
  assert.deepEqual(counts, { effects: rounds + 2, pairs: 1, errorPaths: 1, driverCore: 1 });
});

test('the analyses are memoized per call graph and configuration', () => {
  const graph = new CallGraph([]);
  assert.equal(analysesOf(graph, config), analysesOf(graph, config));
  assert.equal(analysesOf(graph, config).effects(), analysesOf(graph, config).effects());
  assert.notEqual(analysesOf(new CallGraph([]), config), analysesOf(graph, config));
  assert.notEqual(analysesOf(graph, { ...config }), analysesOf(graph, config));
});
