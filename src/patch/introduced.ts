// What a change does to the findings: it introduces those whose primary location or path
// crosses a line it adds or rewrites, and fixes those of the old side that are gone. Both
// sides are analyzed whole (a path can start anywhere), one of them through scan's overlay.
import { matchFingerprints } from '../baseline/match.js';
import type { Finding, Location } from '../model.js';
import type { ReportedFinding } from '../output/reported.js';
import { type ScanOptions, type ScanResult, ScanShare, scan } from '../scan.js';
import type { Change, FileChange } from './apply.js';
import { type LineChanges, lineChanges } from './lines.js';

export interface PatchOutcome {
  /** Introduced findings (baselineState new) and fixed ones (absent, at their new-side lines). */
  results: ReportedFinding[];
  /** The scan of the new side: every finding of the patched tree, its notifications. */
  after: ScanResult;
}

function overlayOf(files: readonly FileChange[], side: 'old' | 'new'): Map<string, string | null> {
  return new Map(files.map((f) => [f.path, f[side]]));
}

function touches(l: Location, changes: ReadonlyMap<string, LineChanges>): boolean {
  const added = changes.get(l.file)?.added;
  if (!added) return false;
  for (let line = l.line; line <= (l.endLine ?? l.line); line++) if (added.has(line)) return true;
  return false;
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
  try {
    // The side on disk first: its searches cover every file as it is there, and the other side
    // reuses them (see ScanShare).
    const side = (which: 'old' | 'new') => scan({ ...options, share, ...(change.disk === which ? {} : { overlay: overlayOf(change.files, which) }) });
    if (change.disk === 'new') {
      after = await side('new');
      before = await side('old');
    } else {
      before = await side('old');
      after = await side('new');
    }
  } finally {
    await share.close();
  }
  const changes = new Map(change.files.map((f) => [f.path, lineChanges(f.old ?? '', f.new ?? '')]));
  const deleted = new Set(change.files.filter((f) => f.new === null).map((f) => f.path));
  const introduced = after.findings.filter((f) => [f.location, ...f.path].some((l) => touches(l, changes)));
  const { gone } = matchFingerprints(after.findings, before.findings);
  return {
    results: [
      ...introduced.map((f) => ({ ...f, baselineState: 'new' as const })),
      ...gone.map((f) => ({ ...onNewSide(f, changes, deleted), baselineState: 'absent' as const })),
    ],
    after,
  };
}
