#!/usr/bin/env node
// The prefilter on a real tree: a scan that parses only the files the rules' needs() and the
// call-graph growth pick must report what a scan parsing every file reports. Runs the CLI as a
// user would: once with --parse-all (slow: every file the configuration builds), once
// prefiltered with every rule, and once prefiltered per rule with the others off (each rule's
// needs() alone must suffice). SARIF logs are compared whole, with artifact indices resolved
// to their URIs (the artifacts list names the files of the findings a log has) and the
// invocation's command line left out.
//
// Usage: npm run build && node bench/prefilter-equality.mjs [--tree DIR] [--arch arm] [--out DIR]
import { corpusTree } from './corpus.mjs';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.dirname(here);
const cli = path.join(repo, 'dist/src/cli/main.js');

const { values: args } = parseArgs({
  options: {
    tree: { type: 'string' },
    arch: { type: 'string', default: 'arm' },
    out: { type: 'string', default: path.join(repo, 'bench/results/prefilter') },
  },
});
const tree = args.tree ?? corpusTree();
mkdirSync(args.out, { recursive: true });

/** Runs the CLI on the tree with `extra` options; the SARIF log and the wall time. */
function run(name, extra) {
  const file = path.join(args.out, `${name}.sarif`);
  const argv = [cli, '--root', tree, '--arch', args.arch, '-q', '-f', 'sarif', '-o', file, ...extra, tree];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, argv, { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const seconds = (performance.now() - t0) / 1000;
  // 0: no finding, 1: findings; anything else is a failed run, not a result to compare.
  if (r.status !== 0 && r.status !== 1) throw new Error(`${name}: dmalint exited ${r.status}\n${r.stderr}`);
  return { log: JSON.parse(readFileSync(file, 'utf8')), seconds };
}

/** The log's run with artifact indices replaced by URIs, and without what names the invocation. */
function normalized(log) {
  const run = log.runs[0];
  const uris = (run.artifacts ?? []).map((a) => a.location.uri);
  const resolve = (v) => {
    if (Array.isArray(v)) return v.map(resolve);
    if (v === null || typeof v !== 'object') return v;
    const out = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'artifactLocation' && x.index !== undefined) out[k] = { uri: uris[x.index] };
      else out[k] = resolve(x);
    }
    return out;
  };
  // Notifications are compared apart: parsing every file meets files the prefilter never opens
  // (Linux 6.1 has register headers over --max-file-size), and says so.
  const rest = { ...run };
  delete rest.artifacts;
  delete rest.invocations;
  return resolve(rest);
}

/** The notifications of a log, one line each. */
function notificationsOf(log) {
  return (log.runs[0].invocations?.[0]?.toolExecutionNotifications ?? []).map(
    (n) => `${n.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? ''}: ${n.level}: ${n.message.text}`,
  );
}

const everything = run('parse-all', ['--no-cache', '--parse-all']);
const all = run('prefiltered', []);
const ruleIds = all.log.runs[0].tool.driver.rules.map((r) => r.id);
const reference = normalized(everything.log);
const rows = [['all rules', all, normalized(all.log), reference]];
for (const id of ruleIds) {
  const off = ruleIds.filter((r) => r !== id).flatMap((r) => ['--rule', `${r}=off`]);
  const alone = run(`alone-${id}`, off);
  const mine = normalized(alone.log);
  const theirs = { ...reference, results: reference.results.filter((r) => r.ruleId === id) };
  rows.push([`${id} alone`, alone, mine, theirs]);
}

const prefilteredNotes = new Set(notificationsOf(all.log));
const onlyParseAll = notificationsOf(everything.log).filter((n) => !prefilteredNotes.has(n));
const onlyPrefiltered = [...prefilteredNotes].filter((n) => !notificationsOf(everything.log).includes(n));
let failed = onlyPrefiltered.length > 0;
for (const n of onlyPrefiltered) console.log(`notification of the prefiltered scan only (a failure): ${n}`);
console.log(`notifications of the parse-everything scan only (files it alone reads): ${onlyParseAll.length}`);
console.log(`tree ${tree}, --arch ${args.arch}`);
console.log(`parse everything: ${everything.log.runs[0].results.length} results, ${everything.seconds.toFixed(1)} s`);
for (const [label, scanned, mine, theirs] of rows) {
  const same = isDeepStrictEqual(mine, theirs);
  failed ||= !same;
  console.log(
    `${label}: ${mine.results.length} results, ${scanned.seconds.toFixed(1)} s; ` +
      `${same ? 'equal to' : 'DIFFERS from'} the parse-everything log`,
  );
}
process.exitCode = failed ? 1 : 0;
