// Property-based: generated kernel-like trees (call chains across files, static and exported
// helpers, mutual recursion, ops tables, bus notifiers whose switch falls through, the arch
// pair, ownership flags, probes returning the helpers' errors, unrelated files that mention the
// words) give one answer whatever was
// parsed. For each tree:
// - the prefiltered scan equals the scan that parses every file, byte for byte in SARIF,
//   messages included;
// - an unrelated file that mentions the functions and dma_ops changes nothing;
// - the order functions are defined in changes nothing but line numbers.
// Runs: DMALINT_FUZZ_RUNS (default 100, a third of it here), seed: DMALINT_FUZZ_SEED.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { renderReport } from '../src/cli/report.js';
import { loadConfig } from '../src/rules/load-config.js';
import { fingerprint } from '../src/output/fingerprint.js';
import { type ScanResult, scan } from '../src/scan.js';
import { tree } from './helpers/cli.js';
import { files, noiseFile, spec } from './helpers/generated.js';

const config = loadConfig();
const ROOT = tree({});
const scanOf = (overlay: Map<string, string>, parseAll = false) =>
  scan({ root: ROOT, config, workers: 0, cacheDir: false, overlay, parseAll });
const sarif = (r: ScanResult) =>
  renderReport('sarif', { results: r.findings, notifications: r.notifications }, ROOT, 'dmalint', 0);
/** What stays when only definitions move: identity and message, but for the lines it names. */
const identities = (r: ScanResult) =>
  r.findings.map((f) => `${fingerprint(f)} ${f.message.replace(/\bat line \d+/g, 'at line N')}`).sort();

const RUNS = Math.max(1, Math.round(Number(process.env.DMALINT_FUZZ_RUNS ?? 100) / 3));
const SEED = process.env.DMALINT_FUZZ_SEED === undefined ? undefined : Number(process.env.DMALINT_FUZZ_SEED);
const inOrder = (n: number) => [...Array(n).keys()];

test(
  'generated trees: prefiltered = parse everything, unrelated mentions and definition order change nothing',
  { timeout: 60_000 + RUNS * 1000 },
  async () => {
    let withFindings = 0;
    await fc.assert(
      fc.asyncProperty(spec, fc.integer(), async (s, shuffleSeed) => {
        const tree = files(s, inOrder);
        const prefiltered = await scanOf(tree);
        const everything = await scanOf(tree, true);
        assert.equal(sarif(prefiltered), sarif(everything), 'prefiltered scan = parse everything');
        if (prefiltered.findings.length) withFindings++;

        const noisy = new Map([...tree, ['drivers/noise/mentions.c', noiseFile(s)]]);
        assert.equal(
          sarif(await scanOf(noisy)),
          sarif(prefiltered),
          'an unrelated file that mentions the words changes nothing',
        );

        // A permutation of each file's definitions, from the seed.
        const shuffle = (n: number) => {
          const order = inOrder(n);
          let x = Math.abs(shuffleSeed) + 1;
          for (let i = n - 1; i > 0; i--) {
            x = (x * 1103515245 + 12345) % 2147483648;
            const j = x % (i + 1);
            [order[i], order[j]] = [order[j]!, order[i]!];
          }
          return order;
        };
        const shuffled = await scanOf(files(s, shuffle));
        assert.deepEqual(identities(shuffled), identities(prefiltered), 'definition order changes nothing but lines');
      }),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
    assert.ok(withFindings > 0, 'some generated trees have findings');
  },
);
