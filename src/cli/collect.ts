// What a run reports: every finding of the tree.
import type { Finding, Notification } from '../model.js';
import type { ReportedFinding } from '../output/reported.js';
import type { ArtifactRole } from '../output/sarif.js';
import { type ScanOptions, type ScanResult, scan } from '../scan.js';

export type Mode = { kind: 'tree' };

export interface Collected {
  results: ReportedFinding[];
  notifications: Notification[];
  /** Every finding of the tree as it is now, to find stale suppressions. */
  everything: Finding[];
  artifactRoles: Map<string, ArtifactRole[]>;
  scans: ScanResult[];
}

export async function collect(_mode: Mode, options: ScanOptions): Promise<Collected> {
  const now = await scan(options);
  return {
    results: now.findings,
    notifications: now.notifications,
    everything: now.findings,
    artifactRoles: new Map(),
    scans: [now],
  };
}
