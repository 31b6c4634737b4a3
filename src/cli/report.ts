import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderSarif } from '../output/sarif.js';
import { renderText } from '../output/text.js';
import { RULES } from '../rules/index.js';
import type { ScanResult } from '../scan.js';
import { TOOL_VERSION } from '../version.js';

export function renderReport(format: 'text' | 'sarif', result: ScanResult, root: string, commandLine: string, exitCode: number): string {
  if (format === 'text') return renderText(result.findings, result.notifications);
  const log = renderSarif({
    findings: result.findings,
    notifications: result.notifications,
    rules: RULES.map((r) => r.meta),
    rootDir: root,
    toolVersion: TOOL_VERSION,
    commandLine,
    exitCode,
  });
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** Writes to a temporary file and renames it, so that a reader never sees half a report. */
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
    throw err;
  }
}
