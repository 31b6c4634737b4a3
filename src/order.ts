import type { Finding, Location, Notification } from './model.js';

/** Orders strings by UTF-16 code units: the same on every machine, whatever its locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function loc(l: Location): [string, number, number, number, number] {
  return [l.file, l.line, l.col, l.endLine ?? 0, l.endCol ?? 0];
}

// Last-resort tie-break so that findings equal on the visible keys still sort the
// same whatever order they arrive in; built field by field so key order is irrelevant.
function findingKey(f: Finding): string {
  return JSON.stringify([
    f.function,
    f.level,
    f.messageId,
    loc(f.location),
    f.path.map((s) => [...loc(s), s.function, s.message]),
    f.related.map((r) => [...loc(r), r.message]),
    f.conditions,
  ]);
}

/**
 * Findings by place, then rule and message, then everything else: the order of every report and
 * of the scan's result, total so that no report depends on the order findings were made in.
 */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.location.file, b.location.file) ||
    a.location.line - b.location.line ||
    a.location.col - b.location.col ||
    compareText(a.ruleId, b.ruleId) ||
    compareText(a.message, b.message) ||
    compareText(findingKey(a), findingKey(b))
  );
}

/** File-less notifications first: they concern the whole run. */
export function compareNotifications(a: Notification, b: Notification): number {
  return (
    compareText(a.file ?? '', b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    compareText(a.level, b.level) ||
    compareText(a.message, b.message)
  );
}
