// rules.yaml `suppressions`: findings accepted on purpose, each with the reason a reviewer reads.
import picomatch from 'picomatch';
import type { Suppression } from '../config/types.js';
import type { Finding, Notification } from '../model.js';
import type { ReportedFinding } from '../output/reported.js';

export interface Suppressions {
  results: ReportedFinding[];
  /** One warning per suppression that matched nothing, at its rules.yaml line. */
  stale: Notification[];
}

function matcher(s: Suppression): (f: Finding) => boolean {
  const inPath = picomatch(s.path, { dot: true });
  return (f) =>
    f.ruleId === s.rule && inPath(f.location.file) && (s.function === undefined || s.function === f.function);
}

/**
 * Marks each current result with the first suppression that matches it (absent results are
 * history and stay as they are). `everything` is the whole tree's findings, against which a
 * suppression is stale when it matches none; leave it out when the run saw only part of the
 * tree, since a suppression for the rest would then look stale when it is not.
 * `fileOf` turns where a suppression is written into the path the report shows.
 */
export function applySuppressions(
  results: ReportedFinding[],
  suppressions: readonly Suppression[],
  fileOf: (configFile: string) => string,
  everything?: readonly Finding[],
): Suppressions {
  const rules = suppressions.map((s) => ({ s, matches: matcher(s) }));
  const annotated = results.map((f): ReportedFinding => {
    if (f.baselineState === 'absent') return f;
    const hit = rules.find((r) => r.matches(f));
    return hit
      ? { ...f, suppression: { reason: hit.s.reason, at: { file: fileOf(hit.s.at.file), line: hit.s.at.line } } }
      : f;
  });
  const stale = everything
    ? rules
        .filter((r) => !everything.some(r.matches))
        .map(({ s }): Notification => ({
          level: 'warning',
          file: fileOf(s.at.file),
          line: s.at.line,
          message:
            `suppression of ${s.rule} in ${s.path}${s.function ? ` (${s.function})` : ''} matches no ` +
            `finding; remove it if the code was fixed`,
        }))
    : [];
  return { results: annotated, stale };
}
