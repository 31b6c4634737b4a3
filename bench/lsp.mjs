#!/usr/bin/env node
// `dmalint lsp` on Linux 6.1: how long the first diagnostics take against the command line's
// scan (cold: an empty cache directory; warm: the cache of an earlier run), how long an edit
// takes to be republished after a save (median over 20 edits of one driver file of three
// kinds: a comment, a new call, a removed ops-table line), and the server's resident set over
// 100 edits. The corpus is never written: the edits are buffers, saved as far as the server
// knows (didSave), as an editor with a buffer it has not yet written would send them.
//
// Usage: npm run build && node bench/lsp.mjs [--tree DIR] [--edits 20] [--soak 100]
import { corpusTree } from './corpus.mjs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.dirname(here);
const cli = path.join(repo, 'dist/src/cli/main.js');
const { LspClient } = await import(path.join(repo, 'dist/test/helpers/lsp-client.js'));

const { values: args } = parseArgs({
  options: {
    tree: { type: 'string' },
    edits: { type: 'string', default: '20' },
    soak: { type: 'string', default: '100' },
    arch: { type: 'string', default: 'arm' },
  },
});
const tree = args.tree ?? corpusTree();
const FILE = 'drivers/iommu/ipmmu-vmsa.c';
const original = readFileSync(path.join(tree, FILE), 'utf8');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const tmp = (p) => mkdtempSync(path.join(os.tmpdir(), `dmalint-bench-${p}-`));
const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

function replaceOnce(text, from, to) {
  if (!text.includes(from)) throw new Error(`${FILE} no longer holds ${JSON.stringify(from)}: pick other edits`);
  return text.replace(from, to);
}

/**
 * The n-th edit: a comment line before the attach, a set_dma_ops() in the release callback, or the probe_finalize line
 * gone.
 */
const KINDS = ['comment', 'new call', 'removed ops-table line'];
function edit(n) {
  const kind = KINDS[n % 3];
  if (kind === 'comment')
    return {
      kind,
      text: replaceOnce(
        original,
        '\t/* Attach the ARM VA mapping to the device. */\n',
        `\t/* Attach the ARM VA mapping to the device (edit ${n}). */\n\t/* one more line */\n`,
      ),
    };
  if (kind === 'new call')
    return {
      kind,
      text: replaceOnce(
        original,
        '\tarm_iommu_detach_device(dev);\n}',
        `\tarm_iommu_detach_device(dev);\n\tset_dma_ops(dev, NULL); /* ${n} */\n}`,
      ),
    };
  return { kind, text: replaceOnce(original, '\t.probe_finalize = ipmmu_probe_finalize,\n', `\t/* ${n} */\n`) };
}

function cliScan(cacheDir) {
  const start = performance.now();
  const r = spawnSync(process.execPath, [cli, '--arch', args.arch, '--root', tree, '--cache-dir', cacheDir, '-q'], {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(r.stderr);
  return {
    seconds: (performance.now() - start) / 1000,
    findings: r.stdout.split('\n').filter((l) => / (error|warning): /.test(l)).length,
  };
}

async function serverRun(cacheDir, { edits = 0, soak = 0 } = {}) {
  const client = new LspClient();
  const start = performance.now();
  await client.initialize(tree, { arch: args.arch, cacheDir });
  const first = await client.nextAnalysis(600_000);
  const firstSeconds = (performance.now() - start) / 1000;
  const findings = [...client.diagnostics.values()].reduce((n, d) => n + d.length, 0);
  const out = {
    firstSeconds,
    findings,
    analysisMs: first.ms,
    latencies: [],
    inServer: [],
    scans: 0,
    byKind: {},
    rss: [],
  };
  const file = path.join(tree, FILE);
  client.open(file, original);
  let version = 1;
  const one = async (n) => {
    const { kind, text } = edit(n);
    client.change(file, text, ++version);
    const t = performance.now();
    client.save(file);
    const a = await client.nextAnalysis(120_000);
    if (!a.ok) throw new Error('an analysis failed');
    return { kind, ms: performance.now() - t, analysisMs: a.ms, scanned: a.scanned, republished: a.republished.length };
  };
  for (let n = 0; n < edits; n++) {
    const r = await one(n);
    out.latencies.push(r.ms);
    out.inServer.push(r.analysisMs);
    if (r.scanned) out.scans++;
    (out.byKind[r.kind] ??= []).push(r.ms);
  }
  // Sampled after a pause of 1.5 s (the server collects garbage once idle for 1 s, as between
  // a developer's saves); the peak is the largest right after any edit.
  const settled = async () => (await new Promise((r) => setTimeout(r, 1500)), rssMiB(client.proc.pid));
  if (soak) {
    await one(0);
    out.rss.push(await settled());
    out.peak = 0;
    for (let n = 1; n <= soak; n++) {
      await one(n);
      out.peak = Math.max(out.peak, rssMiB(client.proc.pid));
      if (n % 25 === 0) out.rss.push(await settled());
    }
  }
  await client.shutdown();
  return out;
}

const cold = tmp('cold-cli');
const cliCold = cliScan(cold);
const lspColdDir = tmp('cold-lsp');
const lspCold = await serverRun(lspColdDir);
const cliWarm = cliScan(cold);
const lspWarm = await serverRun(lspColdDir, { edits: Number(args.edits), soak: Number(args.soak) });
for (const d of [cold, lspColdDir]) rmSync(d, { recursive: true, force: true });

const f = (x, d = 2) => x.toFixed(d);
console.log(
  `Machine: ${os.availableParallelism()} cores, ${f(os.totalmem() / 2 ** 30, 1)} GiB, ` +
    `Node ${process.versions.node}, load average ${os
      .loadavg()
      .map((l) => f(l, 1))
      .join(' ')}`,
);
console.log('\n| measurement | value |\n| --- | ---: |');
console.log(`| CLI scan, cold cache (s) | ${f(cliCold.seconds)} |`);
console.log(`| server: first diagnostics, cold cache (s, from initialize) | ${f(lspCold.firstSeconds)} |`);
console.log(`| CLI scan, warm cache (s) | ${f(cliWarm.seconds)} |`);
console.log(`| server: first diagnostics, warm cache (s) | ${f(lspWarm.firstSeconds)} |`);
console.log(`| findings (CLI / server) | ${cliCold.findings} / ${lspWarm.findings} |`);
console.log(
  `| save → republished, median of ${lspWarm.latencies.length} edits (ms) | ${f(median(lspWarm.latencies), 0)} |`,
);
for (const [kind, xs] of Object.entries(lspWarm.byKind))
  console.log(`| … ${kind}, median of ${xs.length} (ms) | ${f(median(xs), 0)} |`);
const [fastest, slowest] = [Math.min(...lspWarm.latencies), Math.max(...lspWarm.latencies)];
console.log(`| … min / max (ms) | ${f(fastest, 0)} / ${f(slowest, 0)} |`);
console.log(`| … of which the analysis in the server, median (ms) | ${f(median(lspWarm.inServer), 0)} |`);
console.log(`| … edits that needed a full scan | ${lspWarm.scans} of ${lspWarm.latencies.length} |`);
if (lspWarm.rss.length) {
  const [base, ...rest] = lspWarm.rss;
  console.log(
    `| server RSS after the first edit, then every 25 edits (MiB) | ${lspWarm.rss.map((r) => f(r, 0)).join(' → ')} |`,
  );
  console.log(`| RSS growth over ${args.soak} edits | ${f((100 * (rest.at(-1) - base)) / base, 1)}% |`);
  console.log(`| peak RSS right after an edit (MiB) | ${f(lspWarm.peak, 0)} |`);
}
