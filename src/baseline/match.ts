// Results of two runs are the same when their fingerprints are (line numbers play no part),
// counted with multiplicity: two identical findings in a function, one fixed, leave one.
import type { ReportedFinding } from '../output/reported.js';
import { fingerprintKeyOf, fingerprintOf } from '../output/reported.js';
import { FINGERPRINT_KEY_V1, fingerprintV1 } from '../output/fingerprint.js';

export interface Matched {
  /** Current results with no counterpart before. */
  added: ReportedFinding[];
  /** Current results that were there before. */
  kept: ReportedFinding[];
  /** Earlier results with no counterpart now. */
  gone: ReportedFinding[];
}

/**
 * Pairs current results with earlier ones of the same identity. Earlier results read from a log
 * written before fingerprint v2 carry a v1 identity, and current ones are compared with those by
 * theirs (fingerprintV1).
 */
export function matchFingerprints(current: readonly ReportedFinding[], before: readonly ReportedFinding[]): Matched {
  const waiting = new Map<string, ReportedFinding[]>();
  const keyOf = (f: ReportedFinding) => `${fingerprintKeyOf(f)}:${fingerprintOf(f)}`;
  for (const f of before) {
    const key = keyOf(f);
    const same = waiting.get(key);
    if (same) same.push(f);
    else waiting.set(key, [f]);
  }
  const added: ReportedFinding[] = [];
  const kept: ReportedFinding[] = [];
  for (const f of current) {
    const earlier = waiting.get(keyOf(f))?.length
      ? waiting.get(keyOf(f))
      : waiting.get(`${FINGERPRINT_KEY_V1}:${fingerprintV1(f)}`);
    if (earlier?.length) {
      earlier.shift();
      kept.push(f);
    } else added.push(f);
  }
  return { added, kept, gone: [...waiting.values()].flat() };
}

/** Marks current results new or unchanged against `before`, and appends what is gone as absent. */
export function compareRuns(
  current: readonly ReportedFinding[],
  before: readonly ReportedFinding[],
): ReportedFinding[] {
  const { added, kept, gone } = matchFingerprints(current, before);
  return [
    ...added.map((f) => ({ ...f, baselineState: 'new' as const })),
    ...kept.map((f) => ({ ...f, baselineState: 'unchanged' as const })),
    ...gone.map((f) => ({ ...f, baselineState: 'absent' as const, fingerprint: fingerprintOf(f) })),
  ];
}
