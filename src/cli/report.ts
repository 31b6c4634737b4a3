import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fsErrorText, UsageError } from '../errors.js';
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

/**
 * Writes to a temporary file beside the target and renames it, so that a reader never sees half
 * a report and a failed write leaves the old report (or none) in place. Synchronous on purpose:
 * a signal is handled before the temporary file exists or after the rename.
 */
export function writeOutput(text: string, file?: string): void {
  if (!file) {
    process.stdout.write(text);
    return;
  }
  const target = path.resolve(file);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, text);
    renameSync(temp, target);
  } catch (err) {
    rmSync(temp, { force: true });
    throw new UsageError(`--output ${file}: cannot write the report (${fsErrorText(err)})`);
  }
}
