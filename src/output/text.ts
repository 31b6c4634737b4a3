import path from 'node:path';
import type { Location, Notification } from '../model.js';
import { routingLines } from '../maintainers/routing-lines.js';
import type { ReportedFinding } from './reported.js';
import { compareNotifications } from '../order.js';
import { printable } from './printable.js';
import { alsoLine, byCause } from './causes.js';

// Editors and CI log parsers read this format one line per diagnostic.
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

/** A tree path as printed: relative to `fromDir` (TextOptions) when the command runs inside the tree. */
function shown(file: string, fromDir: string | undefined): string {
  return fromDir ? path.posix.relative(fromDir, file) || '.' : file;
}

function where(l: Location, fromDir: string | undefined): string {
  return `${shown(l.file, fromDir)}:${l.line}:${l.col}`;
}

function notificationLine(n: Notification, fromDir: string | undefined): string {
  const file = n.file === undefined ? undefined : shown(n.file, fromDir);
  const prefix = file === undefined ? 'dmalint' : n.line === undefined ? file : `${file}:${n.line}`;
  return `${prefix}: ${n.level}: ${oneLine(n.message)}`;
}

export interface TextOptions {
  /** A note line per finding naming who should hear about it (`--maintainers`). */
  maintainers?: boolean;
  /** How many configurations the run checked, when several (findings then say which they occur in). */
  configurations?: number;
  /** What unchanged findings were compared with, for the count of those not shown. */
  comparedWith?: 'baseline' | 'change';
  /**
   * The tree path of the directory the command runs in, when that is inside the tree: files
   * are printed relative to it, as a compiler prints them, so that an editor started there
   * (vim's quickfix from arch/arm/mm) opens them.
   */
  fromDir?: string;
}

function configurationLine(f: ReportedFinding, total: number, fromDir: string | undefined): string {
  const names = f.configurations ?? [];
  const which =
    names.length === total
      ? `in all ${total} configurations`
      : `in ${names.length} of ${total} configurations: ${names.join(', ')}`;
  return `${where(f.location, fromDir)}: note: ${which}`;
}

function findingLines(f: ReportedFinding, options: TextOptions, also: readonly ReportedFinding[] = []): string[] {
  const at = (l: Location) => where(l, options.fromDir);
  // A finding that is gone is news but not a problem: one note at the place it was.
  if (f.baselineState === 'absent')
    return [f, ...also].map((x) => `${at(x.location)}: note: fixed: ${oneLine(x.message)} [${x.ruleId}]`);
  const lines = [`${at(f.location)}: ${f.level}: ${oneLine(f.message)} [${f.ruleId}]`];
  // The other rules' findings of the same cause, as notes of this one (output/causes.ts).
  for (const o of also) lines.push(`${at(o.location)}: note: ${oneLine(alsoLine(o))}`);
  // A last step at the primary location was printed above; one elsewhere (the effect a
  // teardown finding's statement leads to) is a step like the others.
  const last = f.path.at(-1);
  const steps = last && at(last) === at(f.location) ? f.path.slice(0, -1) : f.path;
  for (const step of steps) lines.push(`${at(step)}: note: ${oneLine(step.message)}`);
  for (const r of f.related) lines.push(`${at(r)}: note: ${oneLine(r.message)}`);
  if (options.configurations !== undefined && f.configurations)
    lines.push(configurationLine(f, options.configurations, options.fromDir));
  if (options.maintainers && f.routing) {
    const contacts = routingLines(f.routing);
    lines.push(
      `${at(f.location)}: note: to: ` +
        `${contacts.length ? contacts.join(', ') : 'no MAINTAINERS section covers this file'}`,
    );
  }
  return lines;
}

const UNCHANGED_FROM = { baseline: 'in the baseline', change: 'before the change' } as const;

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** Findings that need no action are counted in one closing note instead of listed. */
function notShown(findings: ReportedFinding[], comparedWith: TextOptions['comparedWith']): string[] {
  const suppressed = findings.filter((f) => f.suppression).length;
  const unchanged = findings.filter((f) => !f.suppression && f.baselineState === 'unchanged').length;
  const parts = [
    ...(unchanged ? [`${plural(unchanged, 'finding')} also ${UNCHANGED_FROM[comparedWith ?? 'baseline']}`] : []),
    ...(suppressed ? [plural(suppressed, 'suppressed finding')] : []),
  ];
  return parts.length ? [`dmalint: note: not shown: ${parts.join(', ')} (--format sarif lists them)`] : [];
}

/**
 * gcc/sparse style diagnostics; '' when there is nothing to say. New (or not compared)
 * findings are listed with their path, fixed ones as one note each, the rest only counted.
 */
export function renderText(
  findings: ReportedFinding[],
  notifications: Notification[],
  options: TextOptions = {},
): string {
  const listed = findings.filter((f) => !f.suppression && f.baselineState !== 'unchanged');
  const lines = [
    ...[...notifications].sort(compareNotifications).map((n) => notificationLine(n, options.fromDir)),
    ...byCause(listed).flatMap((c) => findingLines(c.finding, options, c.alsoReportedBy)),
    ...notShown(findings, options.comparedWith),
  ];
  return lines.length === 0 ? '' : `${lines.map(printable).join('\n')}\n`;
}
