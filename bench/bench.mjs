#!/usr/bin/env node
// dmalint's benchmark on a real kernel tree (Debian's linux-source-6.1, fetched into a cache
// outside the repository on first use). Prints a markdown table: median wall time, ratio to
// the floor (rg -l for the same identifiers), speed-up over Coccinelle, peak RSS, files
// listed/parsed, findings; then the parse-recovery figures. Results also go to
// bench/results/bench-<date>.json (not committed).
//
// Usage: npm run bench -- [--runs N] [--cocci-runs N] [--tree DIR] [--no-cocci]
import { corpusTree } from './corpus.mjs';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.dirname(here);
const cli = path.join(repo, 'dist/src/cli/main.js');

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'cocci-runs': { type: 'string', default: '3' },
    tree: { type: 'string' },
    'no-cocci': { type: 'boolean', default: false },
  },
});
const runs = Number(args.runs);
const cocciRuns = Number(args['cocci-runs']);

function sh(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  if (r.error) throw r.error;
  return r;
}

const has = (tool) => sh('sh', ['-c', `command -v ${tool}`]).status === 0;

const tree = args.tree ?? corpusTree();
if (!has('rg') || !has('/usr/bin/time') || (!args['no-cocci'] && !has('spatch'))) {
  console.error('bench: needs ripgrep, GNU time and Coccinelle; installing them with bench/install-tools.sh');
  sh(path.join(here, 'install-tools.sh'), [], { stdio: 'inherit' });
}

/** Runs argv under GNU time: wall seconds and peak RSS (KiB) of the process. */
function timed(argv, env = {}) {
  const r = sh('/usr/bin/time', ['-f', '%e %M', ...argv], { env: { ...process.env, CI: 'true', ...env } });
  const last = r.stderr.trim().split('\n').at(-1).split(' ');
  return { seconds: Number(last[0]), rssKiB: Number(last[1]), stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function repeat(n, argv, { before, env } = {}) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    before?.();
    const sample = timed(argv, env);
    // 0 and 1 are answers (1: findings); anything else is a failed run, never a figure.
    if (sample.status !== 0 && sample.status !== 1)
      throw new Error(`bench: ${argv.join(' ')} exited ${sample.status}\n${sample.stderr}`);
    samples.push(sample);
  }
  return {
    seconds: median(samples.map((s) => s.seconds)),
    rssKiB: Math.max(...samples.map((s) => s.rssKiB)),
    last: samples.at(-1),
  };
}

function statsOf(stderr) {
  const m = /(\d+) files listed, (\d+) parsed \((\d+) from the cache\)/.exec(stderr);
  if (m) return { listed: Number(m[1]), parsed: Number(m[2]), cached: Number(m[3]) };
  // A re-scan of an unchanged tree replays the last scan's findings (src/cache/scan-reuse.ts).
  const r = /(\d+) files listed, tree unchanged: the findings of the last scan \((\d+) files parsed\) replayed/.exec(
    stderr,
  );
  return r ? { listed: Number(r[1]), parsed: 0, cached: 0, replayed: Number(r[2]) } : {};
}

const findingsOf = (stdout) =>
  stdout.split('\n').filter((l) => /: (warning|error|note): .*\[[a-z-]+\]$/.test(l) && !/: note: /.test(l));

console.error(`bench: tree ${tree}, ${runs} runs`);
// Warm the page cache.
sh('/usr/bin/env', ['sh', '-c', `cat $(find ${JSON.stringify(tree)}/drivers/iommu -name '*.c') > /dev/null`]);

// 1. The floor.
const floor = repeat(runs, [path.join(here, 'floor.sh'), tree]);
floor.files = Number(floor.last.stdout.trim().split('\n').at(-1));

// 2. dmalint, a cold scan: an empty cache every run.
const scratch = mkdtempSync(path.join(os.tmpdir(), 'dmalint-bench-'));
const coldCache = path.join(scratch, 'cold');
const cold = repeat(runs, ['node', cli, '--stats', '--cache-dir', coldCache, tree], {
  before: () => rmSync(coldCache, { recursive: true, force: true }),
});
// 3. A re-scan of the unchanged tree (the cache of the last cold run).
const warm = repeat(runs, ['node', cli, '--stats', '--cache-dir', coldCache, tree]);
// 4. A patch check touching one driver file, on the warm cache.
const patchFile = path.join(scratch, 'one-driver.patch');
writeFileSync(patchFile, onePatch(tree));
const supportsDiff = sh('node', [cli, '--help']).stdout.includes('--diff');
const patch = supportsDiff
  ? repeat(runs, ['node', cli, '--stats', '--cache-dir', coldCache, '--diff', patchFile, '--root', tree])
  : null;
// 5. One scan with a single worker, for the speed-up of using both cores.
const oneCore = repeat(Math.min(runs, 3), ['node', cli, '--stats', '--no-cache', '--jobs', '1', tree]);

// 6. Coccinelle: the three semantic patches of bench/cocci in sequence, -j 2.
let cocci = null;
if (!args['no-cocci'] && has('spatch')) {
  const py = has('/usr/bin/python3') ? ['--python', '/usr/bin/python3'] : [];
  const script = ['set-dma-ops', 'attach', 'teardown']
    .map(
      (c) =>
        `spatch --sp-file ${path.join(here, 'cocci', `${c}.cocci`)} --dir ${tree} -D report -j 2 --very-quiet ` +
        `${py.join(' ')}`,
    )
    .join(' && ');
  cocci = repeat(cocciRuns, ['sh', '-c', `cd ${scratch} && ${script}`]);
}

rmSync(scratch, { recursive: true, force: true });

const coldStats = statsOf(cold.last.stderr);
const findings = findingsOf(cold.last.stdout);
const rows = [
  ['floor: `rg -l` for the identifiers', floor, `${floor.files} files listed`, '', '—'],
  [
    'dmalint, full scan (cold cache)',
    cold,
    `${coldStats.listed} listed, ${coldStats.parsed} parsed`,
    findings.length,
    '≤ 3× floor; ≥ 10× faster than Coccinelle',
  ],
  [
    'dmalint, re-scan of the unchanged tree',
    warm,
    statsOf(warm.last.stderr).replayed === undefined
      ? `${statsOf(warm.last.stderr).cached} from the cache`
      : `findings of ${statsOf(warm.last.stderr).replayed} files replayed`,
    findingsOf(warm.last.stdout).length,
    '≤ 1.5× floor in a plain tree (≤ 1× in a git checkout)',
  ],
  ...(patch
    ? [
        [
          'dmalint, patch check (one driver file)',
          patch,
          `${statsOf(patch.last.stderr).parsed} parsed`,
          findingsOf(patch.last.stdout).length,
          '≤ floor + 0.5 s',
        ],
      ]
    : []),
  [
    'dmalint, full scan, one parser thread, no cache',
    oneCore,
    `${statsOf(oneCore.last.stderr).parsed} parsed`,
    findingsOf(oneCore.last.stdout).length,
    '(for the 2-core speed-up)',
  ],
  ...(cocci ? [['Coccinelle: the 3 semantic patches, -j 2', cocci, '', '', '—']] : []),
];
const fmt = (x, d = 2) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(d));
const lines = [
  `| measurement | median s | × floor | Coccinelle ÷ this | peak RSS MiB | files | findings | target |`,
  `| --- | ---: | ---: | ---: | ---: | --- | ---: | --- |`,
  ...rows.map(
    ([name, m, files, n, target]) =>
      `| ${name} | ${fmt(m.seconds)} | ${fmt(m.seconds / floor.seconds, 1)} | ` +
      `${cocci ? fmt(cocci.seconds / m.seconds, 1) : '—'} | ${fmt(m.rssKiB / 1024, 0)} | ${files} | ${n} | ` +
      `${target} |`,
  ),
];
console.log(lines.join('\n'));

// Parse recovery on the files a scan parses: ERROR nodes and the interesting sites in them.
const recovery = await parseRecovery(tree);
console.log(`\n${recovery.text}`);

mkdirSync(path.join(here, 'results'), { recursive: true });
const out = path.join(here, 'results', `bench-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.json`);
writeFileSync(
  out,
  JSON.stringify(
    { tree, runs, machine: machine(), floor, cold, warm, patch, oneCore, cocci, findings, recovery: recovery.data },
    (k, v) => (k === 'last' ? undefined : v),
    2,
  ),
);
console.error(`bench: results in ${path.relative(repo, out)}`);

function machine() {
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
  return {
    cpu,
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    load: os.loadavg(),
  };
}

/** A one-line change in a real driver (a comment), as `git diff` would print it. */
function onePatch(root) {
  const file = 'drivers/iommu/ipmmu-vmsa.c';
  const lines = readFileSync(path.join(root, file), 'latin1').split('\n');
  const at = lines.findIndex((l) => l.startsWith('static int ipmmu_init_arm_mapping'));
  const before = lines.slice(at - 3, at);
  const after = lines.slice(at, at + 3);
  // Three lines of context on both sides, as git diff writes them: a hunk without the lines
  // after it applies only at the end of a file (src/patch/hunks.ts, as git apply).
  return [
    `diff --git a/${file} b/${file}`,
    `--- a/${file}`,
    `+++ b/${file}`,
    `@@ -${at - 2},6 +${at - 2},7 @@`,
    ...before.map((l) => ` ${l}`),
    '+/* Attach from probe_finalize: see the May 2017 thread. */',
    ...after.map((l) => ` ${l}`),
    '',
  ].join('\n');
}

async function parseRecovery(root) {
  const { loadConfig } = await import(path.join(repo, 'dist/src/rules/load-config.js'));
  const { scan } = await import(path.join(repo, 'dist/src/scan.js'));
  const config = loadConfig();
  const r = await scan({ root, config, cacheDir: false, keepSummaries: true });
  const names = new Set(['set_dma_ops', ...config.rules['attach-before-setup'].calls, 'arm_iommu_detach_device']);
  let withErrors = 0;
  let sites = 0;
  let inError = 0;
  const lost = [];
  for (const s of r.summaries) {
    if (s.errorNodes > 0) withErrors++;
    const inSpan = (line) => s.errorSpans.some(([a, b]) => line >= a && line <= b);
    const found = [];
    for (const fn of s.functions) {
      for (const c of fn.calls) if (!c.viaMember && names.has(c.callee)) found.push(c.line);
      for (const w of fn.writes) if (w.member === config.device.opsMember) found.push(w.line);
    }
    sites += found.length;
    inError += found.filter(inSpan).length;
    // Every textual use of the names outside comments must have become a site, a definition
    // or a macro: anything else was lost to error recovery.
    const expected = textualUses(readFileSync(path.join(root, s.file), 'latin1'), names, config.device.opsMember);
    const accounted = new Set([
      ...found,
      ...s.functions.flatMap((f) => [f.line, f.line + 1]),
      ...s.macros.map((m) => m.line),
    ]);
    for (const line of expected) if (!accounted.has(line)) lost.push(`${s.file}:${line}`);
  }
  const data = { parsed: r.summaries.length, withErrors, sites, inError, lost };
  const text = [
    `Parse recovery on the ${data.parsed} files the scan parsed:`,
    `- files with at least one ERROR node: ${withErrors} (${((100 * withErrors) / data.parsed).toFixed(1)}%)`,
    `- set_dma_ops / dma_ops-write / arm_iommu_* sites extracted: ${sites}, of which inside an ERROR node: ${inError}`,
    `- textual uses not accounted for (lost): ${lost.length}${lost.length ? `: ${lost.slice(0, 20).join(', ')}` : ''}`,
  ].join('\n');
  return { data, text };
}

/** Lines where one of `names` is called, or `.member =` / `->member =` is written, outside comments. */
function textualUses(text, names, member) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/\/\/[^\n]*/g, '');
  const lines = [];
  const lineAt = (i) => code.slice(0, i).split('\n').length;
  for (const m of code.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
    if (!names.has(m[1])) continue;
    // `int foo(…);` or `*foo(`: a declaration, not a use.
    const before = /(\w+|\*)\s*$/.exec(code.slice(Math.max(0, m.index - 40), m.index));
    if (before && before[1] !== 'return') continue;
    lines.push(lineAt(m.index));
  }
  for (const m of code.matchAll(new RegExp(`(?:->|\\.)\\s*${member}\\s*=[^=]`, 'g'))) lines.push(lineAt(m.index));
  return [...new Set(lines)];
}
