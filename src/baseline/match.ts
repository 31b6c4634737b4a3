// Results of two runs are the same when their fingerprints are (line numbers play no part),
// counted with multiplicity: two identical findings in a function, one fixed, leave one.
import type { ReportedFinding } from '../output/reported.js';
import { fingerprintOf } from '../output/reported.js';

export interface Matched {
  /** Current results with no counterpart before. */
  added: ReportedFinding[];
  /** Current results that were there before. */
  kept: ReportedFinding[];
  /** Earlier results with no counterpart now. */
  gone: ReportedFinding[];
}

export function matchFingerprints(current: readonly ReportedFinding[], before: readonly ReportedFinding[]): Matched {
  const waiting = new Map<string, ReportedFinding[]>();
  for (const f of before) {
    const key = fingerprintOf(f);
    const same = waiting.get(key);
    if (same) same.push(f);
    else waiting.set(key, [f]);
  }
  const added: ReportedFinding[] = [];
  const kept: ReportedFinding[] = [];
  for (const f of current) {
    const earlier = waiting.get(fingerprintOf(f));
    if (earlier?.length) {
      earlier.shift();
      kept.push(f);
    } else added.push(f);
  }
  return { added, kept, gone: [...waiting.values()].flat() };
}

/** Marks current results new or unchanged against `before`, and appends what is gone as absent. */
export function compareRuns(current: readonly ReportedFinding[], before: readonly ReportedFinding[]): ReportedFinding[] {
  const { added, kept, gone } = matchFingerprints(current, before);
  return [
    ...added.map((f) => ({ ...f, baselineState: 'new' as const })),
    ...kept.map((f) => ({ ...f, baselineState: 'unchanged' as const })),
    ...gone.map((f) => ({ ...f, baselineState: 'absent' as const, fingerprint: fingerprintOf(f) })),
  ];
}
