// Findings as LSP diagnostics: one list per file, each finding at its primary location with its
// call path as related information, and the rule's documentation one click away.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Diagnostic, DiagnosticSeverity, type Range } from 'vscode-languageserver/node';
import type { Finding, Level, Location } from '../model.js';

/** The README installed with dmalint, where every rule has a section named by its id. */
export const README_URL = new URL('../../../README.md', import.meta.url).href;

export function ruleDocsUrl(ruleId: string): string {
  return `${README_URL}#${ruleId}`;
}

const SEVERITY: Record<Level, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  note: DiagnosticSeverity.Information,
};

/** Locations are 1-based with an exclusive end column; LSP positions are 0-based. */
export function rangeOf(l: Location): Range {
  const start = { line: l.line - 1, character: l.col - 1 };
  const end =
    l.endLine === undefined || l.endCol === undefined
      ? { line: start.line, character: start.character + 1 }
      : { line: l.endLine - 1, character: l.endCol - 1 };
  return { start, end };
}

export function uriOf(root: string, treePath: string): string {
  return pathToFileURL(path.join(root, treePath)).href;
}

export function toDiagnostic(f: Finding, root: string): Diagnostic {
  // The last step of the path is the primary location itself.
  const steps = [...f.path.slice(0, -1), ...f.related];
  return {
    range: rangeOf(f.location),
    severity: SEVERITY[f.level],
    code: f.ruleId,
    codeDescription: { href: ruleDocsUrl(f.ruleId) },
    source: 'dmalint',
    message: f.message,
    relatedInformation: steps.map((s) => ({
      location: { uri: uriOf(root, s.file), range: rangeOf(s) },
      message: s.message,
    })),
  };
}

/** Diagnostics by tree path, for every file with at least one finding. */
export function diagnosticsByFile(findings: readonly Finding[], root: string): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>();
  for (const f of findings) {
    const list = out.get(f.location.file) ?? [];
    list.push(toDiagnostic(f, root));
    out.set(f.location.file, list);
  }
  return out;
}

export function contains(range: Range, pos: { line: number; character: number }): boolean {
  const before = (a: { line: number; character: number }, b: { line: number; character: number }) =>
    a.line < b.line || (a.line === b.line && a.character <= b.character);
  return before(range.start, pos) && before(pos, range.end);
}
