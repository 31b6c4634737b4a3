// What a change does to the findings, decided by identity as a baseline is: a finding of the
// new side with no counterpart on the old side is introduced, one of the old side with none on
// the new side is fixed, whatever lines the change touched (a patch that only deletes a guard
// introduces what the guard prevented). Both sides are analyzed whole (a path can start
// anywhere), one of them through scan's overlay.
import { matchFingerprints } from '../baseline/match.js';
import type { Finding, Location, Notification } from '../model.js';
import type { ReportedFinding } from '../output/reported.js';
import { type ScanOptions, type ScanResult, ScanShare, scan } from '../scan.js';
import type { Change, FileChange } from './apply.js';
import { type LineChanges, lineChanges } from './lines.js';

export interface PatchOutcome {
  /**
   * Introduced findings (baselineState new), those the tree had before too (unchanged: counted
   * in text, listed in SARIF, as a baseline's are) and fixed ones (absent, at their new-side lines).
   */
  results: ReportedFinding[];
  /** The scan of the old side, as the tree was before the change. */
  before: ScanResult;
  /** The scan of the new side: every finding of the patched tree, its notifications. */
  after: ScanResult;
  /** A warning for each file the change adds or changes that the configuration does not compile. */
  notBuilt: Notification[];
}

/** What the change does in files the configuration leaves out is not analyzed: say so, file by file. */
function notBuiltWarnings(change: Change, share: ScanShare, options: Omit<ScanOptions, 'overlay'>): Notification[] {
  const configuration = share.configuration;
  if (!configuration) return [];
  const by =
    options.kconfig !== undefined
      ? `the configuration of --kconfig ${options.kconfig}`
      : `--arch ${options.config.arch} (without a .config)`;
  return change.files
    .filter((f) => f.new !== null && f.new !== f.old && !configuration.compiles(f.path))
    .map((f) => ({
      level: 'warning' as const,
      file: f.path,
      message: `not built with ${by}: what the change does in it is not analyzed`,
    }));
}

function overlayOf(files: readonly FileChange[], side: 'old' | 'new'): Map<string, string | null> {
  return new Map(files.map((f) => [f.path, f[side]]));
}

/** A fixed finding is shown where its code was, in the patched file's lines. */
function onNewSide(f: Finding, changes: ReadonlyMap<string, LineChanges>, deleted: ReadonlySet<string>): Finding {
  const move = <L extends Location>(l: L): L => {
    const c = changes.get(l.file);
    if (!c || deleted.has(l.file)) return l;
    const line = c.newLineOf(l.line);
    const moved = { ...l, line };
    if (l.endLine !== undefined) moved.endLine = Math.max(line, c.newLineOf(l.endLine));
    return moved;
  };
  return { ...f, location: move(f.location), path: f.path.map(move), related: f.related.map(move) };
}

/** `change` holds only files the scan analyzes (see analyzedPath). */
export async function compareSides(change: Change, options: Omit<ScanOptions, 'overlay'>): Promise<PatchOutcome> {
  const share = new ScanShare();
  let before: ScanResult;
  let after: ScanResult;
  let notBuilt: Notification[];
  try {
    // The side on disk first: its searches cover every file as it is there, and the other side
    // reuses them (see ScanShare).
    const side = (which: 'old' | 'new') =>
      scan({ ...options, share, ...(change.disk === which ? {} : { overlay: overlayOf(change.files, which) }) });
    if (change.disk === 'new') {
      after = await side('new');
      before = await side('old');
    } else {
      before = await side('old');
      after = await side('new');
    }
    notBuilt = notBuiltWarnings(change, share, options);
  } finally {
    await share.close();
  }
  const changes = new Map(change.files.map((f) => [f.path, lineChanges(f.old ?? '', f.new ?? '')]));
  const deleted = new Set(change.files.filter((f) => f.new === null).map((f) => f.path));
  const { added, kept, gone } = matchFingerprints(after.findings, before.findings);
  return {
    results: [
      ...added.map((f) => ({ ...f, baselineState: 'new' as const })),
      ...kept.map((f) => ({ ...f, baselineState: 'unchanged' as const })),
      ...gone.map((f) => ({ ...onNewSide(f, changes, deleted), baselineState: 'absent' as const })),
    ],
    before,
    after,
    notBuilt,
  };
}
