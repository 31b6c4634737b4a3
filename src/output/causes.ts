// One cause, one report. `set_dma_ops(dev, get_dma_ops(parent))` in a probe is a write outside
// the arch pair, a setup its remove does not mirror and the state its error return leaves: three
// rules, one statement, one bug. Reported as three, it is three lines to read and three alerts
// in GitHub code scanning. Findings of several rules whose cause is the same statement are
// reported as the first of them (by level, then rule order), with the others as its views.
// Only the report is merged: the exit status, baselines, suppressions and patch comparisons see
// every rule's finding, so switching a rule off or suppressing one changes nothing else.
import type { Level, Location } from '../model.js';
import { compareFindings } from '../order.js';
import { RULES } from '../rules/index.js';
import type { ReportedFinding } from './reported.js';

/** A finding as reported: with the other rules' findings of the same cause. */
export interface CauseReport {
  finding: ReportedFinding;
  /** The other rules' findings of that cause, in rule order. */
  alsoReportedBy: ReportedFinding[];
}

const SEVERITY: Record<Level, number> = { error: 0, warning: 1, note: 2 };

function causeOf(f: ReportedFinding): Location {
  return f.cause ?? f.location;
}

/**
 * One statement, and the same standing: a new finding is never folded into an unchanged one,
 * nor a suppressed one into one that is not (each is shown, or counted, as it is).
 */
function keyOf(f: ReportedFinding): string {
  const c = causeOf(f);
  return [c.file, c.line, c.col, f.baselineState ?? '', f.suppression ? 's' : ''].join('\0');
}

/** The rules in the order the registry lists them: the primary of equal levels is the first. */
const RULE_ORDER = RULES.map((r) => r.meta.id);

function rank(f: ReportedFinding): number {
  const i = RULE_ORDER.indexOf(f.ruleId);
  return i < 0 ? RULE_ORDER.length : i;
}

/** The findings as one report per cause, sorted as compareFindings sorts their primaries. */
export function byCause(findings: readonly ReportedFinding[]): CauseReport[] {
  const groups = new Map<string, ReportedFinding[]>();
  for (const f of [...findings].sort(compareFindings)) {
    const key = keyOf(f);
    const group = groups.get(key);
    if (group) group.push(f);
    else groups.set(key, [f]);
  }
  const out: CauseReport[] = [];
  for (const group of groups.values()) {
    // Two findings of one rule at one statement are two problems: only other rules' fold in.
    const ordered = [...group].sort(
      (a, b) => SEVERITY[a.level] - SEVERITY[b.level] || rank(a) - rank(b) || compareFindings(a, b),
    );
    const primary = ordered[0]!;
    const others = ordered.slice(1);
    const seen = new Set([primary.ruleId]);
    const folded: ReportedFinding[] = [];
    for (const f of others) {
      if (seen.has(f.ruleId)) out.push({ finding: f, alsoReportedBy: [] });
      else {
        seen.add(f.ruleId);
        folded.push(f);
      }
    }
    out.push({ finding: primary, alsoReportedBy: folded.sort((a, b) => rank(a) - rank(b)) });
  }
  return out.sort((a, b) => compareFindings(a.finding, b.finding));
}

/** The line a folded finding adds to the report of its cause. */
export function alsoLine(f: ReportedFinding): string {
  return `also ${f.ruleId} (${f.level}): ${f.message}`;
}
