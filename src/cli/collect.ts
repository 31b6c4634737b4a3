// What a run reports, by mode: every finding of the tree; the tree against a baseline log;
// or what a patch (--diff) or the changes since a revision (--since) introduce and fix.
import type { Config } from '../config/types.js';
import { compareRuns } from '../baseline/match.js';
import { readBaseline } from '../baseline/read.js';
import type { Finding, Notification } from '../model.js';
import type { ReportedFinding } from '../output/reported.js';
import type { ArtifactRole } from '../output/sarif.js';
import { analyzedPath } from '../path-filter.js';
import { type Change, applyToTree } from '../patch/apply.js';
import { changeSince } from '../patch/git.js';
import { compareSides } from '../patch/introduced.js';
import { readPatch } from '../patch/read.js';
import { type ScanOptions, type ScanResult, scan } from '../scan.js';

export type Mode = { kind: 'tree' } | { kind: 'baseline'; file: string } | { kind: 'diff'; file: string } | { kind: 'since'; rev: string };

export interface Collected {
  results: ReportedFinding[];
  notifications: Notification[];
  /** Every finding of the tree as it is now (patched, for a patch), to find stale suppressions. */
  everything: Finding[];
  artifactRoles: Map<string, ArtifactRole[]>;
  scans: ScanResult[];
}

function changeRoles(change: Change): Map<string, ArtifactRole[]> {
  return new Map(change.files.map((f) => [f.path, [f.old === null ? 'added' : f.new === null ? 'deleted' : 'modified']]));
}

/** Reads the patch and prepares the baseline before scanning, so that bad input fails at once. */
async function changeOf(mode: Mode, root: string, config: Config): Promise<Change | undefined> {
  const analyzed = analyzedPath(config);
  if (mode.kind === 'since') return changeSince(root, mode.rev, analyzed);
  if (mode.kind !== 'diff') return undefined;
  const change = applyToTree(root, await readPatch(mode.file, root));
  return { ...change, files: change.files.filter((f) => analyzed(f.path)) };
}

export async function collect(mode: Mode, options: ScanOptions): Promise<Collected> {
  const baseline = mode.kind === 'baseline' ? readBaseline(mode.file) : undefined;
  const change = await changeOf(mode, options.root, options.config);
  if (change) {
    const { results, after } = await compareSides(change, options);
    return { results, notifications: after.notifications, everything: after.findings, artifactRoles: changeRoles(change), scans: [after] };
  }
  const now = await scan(options);
  return {
    results: baseline ? compareRuns(now.findings, baseline) : now.findings,
    notifications: now.notifications,
    everything: now.findings,
    artifactRoles: new Map(),
    scans: [now],
  };
}
