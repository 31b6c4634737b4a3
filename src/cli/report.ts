import { fsErrorText, UsageError } from '../errors.js';
import { replaceFile } from '../fs/write.js';
import type { Notification } from '../model.js';
import type { ReportedFinding } from '../output/reported.js';
import { type ArtifactRole, renderSarif } from '../output/sarif.js';
import { type TextOptions, renderText } from '../output/text.js';
import { RULES } from '../rules/index.js';
import { TOOL_VERSION } from '../version.js';

export interface Report {
  results: ReportedFinding[];
  notifications: Notification[];
  artifactRoles?: ReadonlyMap<string, readonly ArtifactRole[]>;
}

export function renderReport(
  format: 'text' | 'sarif',
  report: Report,
  root: string,
  commandLine: string,
  exitCode: number,
  textOptions: TextOptions = {},
): string {
  if (format === 'text') return renderText(report.results, report.notifications, textOptions);
  const log = renderSarif({
    findings: report.results,
    notifications: report.notifications,
    ...(report.artifactRoles ? { artifactRoles: report.artifactRoles } : {}),
    rules: RULES.map((r) => r.meta),
    rootDir: root,
    toolVersion: TOOL_VERSION,
    commandLine,
    exitCode,
  });
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** The report on stdout, or replacing `file` whole (fs/write.ts): a failed write leaves the old report. */
export function writeOutput(text: string, file?: string): void {
  if (!file) {
    process.stdout.write(text);
    return;
  }
  try {
    replaceFile(file, text);
  } catch (err) {
    throw new UsageError(`--output ${file}: cannot write the report (${fsErrorText(err)})`);
  }
}
