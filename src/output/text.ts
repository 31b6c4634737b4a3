import type { Finding, Location, Notification } from '../model.js';
import { compareFindings, compareNotifications } from './sarif.js';

// Editors and CI log parsers read this format one line per diagnostic.
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

function where(l: Location): string {
  return `${l.file}:${l.line}:${l.col}`;
}

function notificationLine(n: Notification): string {
  const prefix = n.file === undefined ? 'dmalint' : n.line === undefined ? n.file : `${n.file}:${n.line}`;
  return `${prefix}: ${n.level}: ${oneLine(n.message)}`;
}

function findingLines(f: Finding): string[] {
  const lines = [`${where(f.location)}: ${f.level}: ${oneLine(f.message)} [${f.ruleId}]`];
  // The last step is the primary location, already printed above.
  for (const step of f.path.slice(0, -1)) lines.push(`${where(step)}: note: ${oneLine(step.message)}`);
  for (const r of f.related) lines.push(`${where(r)}: note: ${oneLine(r.message)}`);
  return lines;
}

/** gcc/sparse style diagnostics; '' when there is nothing to say. */
export function renderText(findings: Finding[], notifications: Notification[]): string {
  const lines = [
    ...[...notifications].sort(compareNotifications).map(notificationLine),
    ...[...findings].sort(compareFindings).flatMap(findingLines),
  ];
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
