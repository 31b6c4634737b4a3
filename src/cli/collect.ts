// What a run reports, by mode: every finding of the tree, or the tree against a baseline log.
import { compareRuns } from '../baseline/match.js';
import { readBaseline } from '../baseline/read.js';
import type { Finding, Notification } from '../model.js';
import type { ReportedFinding } from '../output/reported.js';
import type { ArtifactRole } from '../output/sarif.js';
import { type ScanOptions, type ScanResult, scan } from '../scan.js';

export type Mode = { kind: 'tree' } | { kind: 'baseline'; file: string };

export interface Collected {
  results: ReportedFinding[];
  notifications: Notification[];
  /** Every finding of the tree as it is now, to find stale suppressions. */
  everything: Finding[];
  artifactRoles: Map<string, ArtifactRole[]>;
  scans: ScanResult[];
}

export async function collect(mode: Mode, options: ScanOptions): Promise<Collected> {
  const baseline = mode.kind === 'baseline' ? readBaseline(mode.file) : undefined;
  const now = await scan(options);
  return {
    results: baseline ? compareRuns(now.findings, baseline) : now.findings,
    notifications: now.notifications,
    everything: now.findings,
    artifactRoles: new Map(),
    scans: [now],
  };
}
