import type { Finding } from './model.js';

/** Orders strings by UTF-16 code units: the same on every machine, whatever its locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Findings by place, then rule and message: the order of every report. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.location.file, b.location.file) ||
    a.location.line - b.location.line ||
    a.location.col - b.location.col ||
    compareText(a.ruleId, b.ruleId) ||
    compareText(a.message, b.message)
  );
}
