// What a run reports, by mode: every finding of the tree; the tree against a baseline log;
// or what a patch (--diff) or the changes since a revision (--since) introduce and fix.
import type { Config } from '../config/types.js';
import { compareRuns } from '../baseline/match.js';
import { readBaseline } from '../baseline/read.js';
import type { Finding, Notification } from '../model.js';
import type { ReportedFinding } from '../output/reported.js';
import type { ArtifactRole } from '../output/sarif.js';
import { analyzedPath } from '../path-filter.js';
import { crossArchDirs } from '../arch-dirs.js';
import type { Change } from '../patch/apply.js';
import { type ScanOptions, type ScanResult, scan } from '../scan.js';
import { scanConfigurations } from '../scan-configurations.js';
import { UsageError } from '../errors.js';

export type Mode =
  | { kind: 'tree' }
  | { kind: 'baseline'; file: string }
  | { kind: 'diff'; files: string[] }
  | { kind: 'since'; rev: string };

export interface Collected {
  results: ReportedFinding[];
  notifications: Notification[];
  /** Every finding of the tree as it is now (patched, for a patch), to find stale suppressions. */
  everything: Finding[];
  artifactRoles: Map<string, ArtifactRole[]>;
  /** The scans that ran, each with what it was when there were several (a side, a configuration). */
  scans: { label?: string; result: ScanResult }[];
  /** Set when the change holds nothing the scan analyzes: no scan ran, and this says why. */
  nothingToCheck?: string;
}

function changeRoles(change: Change): Map<string, ArtifactRole[]> {
  return new Map(
    change.files.map((f) => [f.path, [f.old === null ? 'added' : f.new === null ? 'deleted' : 'modified']]),
  );
}

/** Reads the patch and prepares the baseline before scanning, so that bad input fails at once. */
async function changeOf(mode: Mode, root: string, config: Config): Promise<Change | string | undefined> {
  const analyzed = analyzedPath(config, crossArchDirs(root, config));
  // The patch modules (and their diff and mail libraries) load only for a patch check: every
  // per-file call of a Kbuild run and every re-scan starts without them.
  if (mode.kind === 'since') {
    const { changeSince } = await import('../patch/git.js');
    const change = changeSince(root, mode.rev, analyzed);
    return change.files.length ? change : `no change since ${mode.rev} to a file dmalint analyzes: nothing to check`;
  }
  if (mode.kind !== 'diff') return undefined;
  const [{ readPatches }, { applyToTree }] = await Promise.all([
    import('../patch/read.js'),
    import('../patch/apply.js'),
  ]);
  const patch = await readPatches(mode.files, root);
  if (!patch) return 'the patch on stdin is empty: nothing to check';
  const change = applyToTree(root, patch);
  const files = change.files.filter((f) => analyzed(f.path));
  return files.length ? { ...change, files } : 'the patch changes no file dmalint analyzes: nothing to check';
}

export interface CollectOptions extends Omit<ScanOptions, 'kconfig'> {
  /** The .config files to check (none: the architecture decides; several: each finding names its own). */
  kconfigs: readonly string[];
}

export async function collect(mode: Mode, { kconfigs, ...rest }: CollectOptions): Promise<Collected> {
  const baseline = mode.kind === 'baseline' ? readBaseline(mode.file) : undefined;
  if (kconfigs.length > 1) {
    if (mode.kind === 'diff' || mode.kind === 'since')
      throw new UsageError(`--${mode.kind} checks one configuration at a time; give a single --kconfig`);
    const many = await scanConfigurations(rest, kconfigs);
    return {
      results: baseline ? compareRuns(many.findings, baseline) : many.findings,
      notifications: many.notifications,
      everything: many.findings,
      artifactRoles: new Map(),
      scans: many.scans.map((result, i) => ({ label: kconfigs[i], result })),
    };
  }
  const options: ScanOptions = kconfigs.length ? { ...rest, kconfig: kconfigs[0]! } : rest;
  const change = await changeOf(mode, options.root, options.config);
  if (typeof change === 'string') {
    return {
      results: [],
      notifications: [],
      everything: [],
      artifactRoles: new Map(),
      scans: [],
      nothingToCheck: change,
    };
  }
  if (change) {
    const { compareSides } = await import('../patch/introduced.js');
    const { results, before, after, notBuilt } = await compareSides(change, options);
    return {
      results,
      notifications: [...after.notifications, ...notBuilt],
      everything: after.findings,
      artifactRoles: changeRoles(change),
      scans: [
        { label: 'before the change', result: before },
        { label: 'after the change', result: after },
      ],
    };
  }
  const now = await scan(options);
  return {
    results: baseline ? compareRuns(now.findings, baseline) : now.findings,
    notifications: now.notifications,
    everything: now.findings,
    artifactRoles: new Map(),
    scans: [{ result: now }],
  };
}
