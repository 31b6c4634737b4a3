// The pipeline: files → summaries → call graph → rules → findings.
import { CallGraph } from './callgraph/graph.js';
import type { Config } from './config/types.js';
import { listSourceFiles } from './discover.js';
import type { Finding, Notification } from './model.js';
import { parseFiles } from './parser/parse-files.js';
import type { FileSummary } from './parser/summary.js';
import { RULES } from './rules/index.js';

export interface ScanOptions {
  root: string;
  config: Config;
  /** Report only findings whose primary location is under these tree paths ('' = everything). */
  reportPaths?: string[];
  workers?: number;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface ScanResult {
  findings: Finding[];
  notifications: Notification[];
  filesListed: number;
  filesParsed: number;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.location.file.localeCompare(b.location.file) ||
    a.location.line - b.location.line ||
    a.location.col - b.location.col ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.message.localeCompare(b.message)
  );
}

function underAny(file: string, prefixes: readonly string[]): boolean {
  return prefixes.some((p) => p === '' || p === '.' || file === p || file.startsWith(p.endsWith('/') ? p : `${p}/`));
}

export function analyze(summaries: readonly FileSummary[], config: Config): Finding[] {
  const graph = new CallGraph(summaries);
  return RULES.filter((r) => config.rules[r.meta.id].enabled)
    .flatMap((r) => r.check(graph, config))
    .sort(compareFindings);
}

export async function scan(options: ScanOptions): Promise<ScanResult> {
  const { root, config } = options;
  const files = await listSourceFiles(root, config);
  options.onProgress?.('listed', files.length, files.length);
  const parsed = await parseFiles(
    root,
    files,
    { blank: config.parser.blank, blankWithArgs: config.parser.blankWithArgs, exportMacros: config.parser.exportMacros },
    { workers: options.workers, onProgress: (d, t) => options.onProgress?.('parsed', d, t) },
  );
  let findings = analyze(parsed.summaries, config);
  if (options.reportPaths?.length) findings = findings.filter((f) => underAny(f.location.file, options.reportPaths!));
  return {
    findings,
    notifications: parsed.notifications,
    filesListed: files.length,
    filesParsed: parsed.summaries.length,
  };
}
