// A finding as a report shows it: where it stands against a baseline or a patch's old side,
// and whether rules.yaml accepts it. A plain Finding is a ReportedFinding with neither.
import type { Routing } from '../maintainers/maintainers.js';
import type { Finding } from '../model.js';
import { FINGERPRINT_KEY, FINGERPRINT_KEY_V1, fingerprint } from './fingerprint.js';

/** SARIF's result.baselineState; 'absent' is a finding of the baseline (or old side) that is gone. */
export type BaselineState = 'new' | 'unchanged' | 'absent';

export interface Suppressed {
  reason: string;
  /** Where the suppression is written: rules.yaml (tree path or absolute path) and line. */
  at: { file: string; line: number };
}

export interface ReportedFinding extends Finding {
  /** Set when the run compares with a baseline or with the tree before a patch. */
  baselineState?: BaselineState;
  suppression?: Suppressed;
  /** The identity it was matched by; absent results keep the one their baseline recorded. */
  fingerprint?: string;
  /** Set on a finding read from a log written before fingerprint v2. */
  fingerprintVersion?: 1;
  /** Who looks after the file, from the tree's MAINTAINERS (as get_maintainer.pl says). */
  routing?: Routing;
  /** With several configurations (--kconfig A --kconfig B): those the finding occurs in, as given. */
  configurations?: string[];
}

export function fingerprintOf(f: ReportedFinding): string {
  return f.fingerprint ?? fingerprint(f);
}

/** The partialFingerprints key of a result: v2, unless it is a v1 log's and kept its identity. */
export function fingerprintKeyOf(f: ReportedFinding): string {
  return f.fingerprintVersion === 1 && f.fingerprint !== undefined ? FINGERPRINT_KEY_V1 : FINGERPRINT_KEY;
}

/**
 * Whether a result makes the exit status 1: only warnings and errors that are new and not
 * accepted. A note informs (a driver's own override of its DMA ops, the sanctioned pattern, or
 * a rule a user set to `note`): it is reported, and fails nothing.
 */
export function counts(f: ReportedFinding): boolean {
  return (
    f.level !== 'note' && f.suppression === undefined && (f.baselineState === undefined || f.baselineState === 'new')
  );
}
