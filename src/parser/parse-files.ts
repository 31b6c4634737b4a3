// Parses many files on all cores. Small sets are parsed on the main thread: starting a worker
// and loading tree-sitter in it costs more than parsing a handful of files.
import os from 'node:os';
import { Piscina } from 'piscina';
import type { Notification } from '../model.js';
import { type FileOutcome, type ParseOptions, summarizeFile } from './parse-file.js';
import type { FileSummary } from './summary.js';
import type { ParseTask } from './worker.js';

export interface ParseResult {
  summaries: FileSummary[];
  notifications: Notification[];
}

export interface ParseRunOptions {
  /** Worker threads; 0 parses on the main thread. Default: one per core. */
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

const INLINE_LIMIT = 48;
const BATCH = 32;

export async function parseFiles(
  root: string,
  files: string[],
  options: ParseOptions,
  run: ParseRunOptions = {},
): Promise<ParseResult> {
  const workers = run.workers ?? Math.max(1, os.availableParallelism());
  let outcomes: FileOutcome[];
  if (workers === 0 || files.length <= INLINE_LIMIT) {
    outcomes = files.map((f, i) => {
      run.onProgress?.(i + 1, files.length);
      return summarizeFile(root, f, options);
    });
  } else {
    const pool = new Piscina<ParseTask, FileOutcome[]>({
      filename: new URL('./worker.js', import.meta.url).href,
      minThreads: workers,
      maxThreads: workers,
    });
    try {
      let done = 0;
      const batches: Promise<FileOutcome[]>[] = [];
      for (let i = 0; i < files.length; i += BATCH) {
        const slice = files.slice(i, i + BATCH);
        batches.push(
          pool.run({ root, files: slice, options }).then((r) => {
            done += slice.length;
            run.onProgress?.(done, files.length);
            return r;
          }),
        );
      }
      outcomes = (await Promise.all(batches)).flat();
    } finally {
      await pool.destroy();
    }
  }
  const summaries: FileSummary[] = [];
  const notifications: Notification[] = [];
  for (const o of outcomes) {
    if (o.summary) summaries.push(o.summary);
    if (o.notification) notifications.push(o.notification);
  }
  return { summaries, notifications };
}
