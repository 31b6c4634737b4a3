// Worker-thread entry points, run under piscina: parsing and text search in batches.
import { type FileOutcome, type ParseOptions, loadParser, summarizeFile } from '../parser/parse-file.js';
import { wordsInFiles } from '../search/mentions.js';
import { summaryCacheFor } from '../cache/summary-cache.js';

export interface ParseTask {
  root: string;
  files: string[];
  options: ParseOptions;
  /** Content keys of files known to be unchanged. */
  keys?: Record<string, string>;
  /** Shared with the main thread: non-zero once the run is interrupted (the rest of the batch is skipped). */
  stop?: Int32Array;
}

export interface SearchTask {
  root: string;
  files: string[];
  words: string[];
}

export function parseBatch(task: ParseTask): FileOutcome[] {
  const outcomes: FileOutcome[] = [];
  for (const file of task.files) {
    if (task.stop && Atomics.load(task.stop, 0)) break;
    outcomes.push(summarizeFile(task.root, file, task.options, task.keys?.[file], summaryCacheFor(task.options.cache)));
  }
  return outcomes;
}

export function wordsBatch(task: SearchTask): string[][] {
  return wordsInFiles(task.root, task.files, task.words);
}

/** Run once per thread ahead of the first parse (the parser takes a while to load). */
export function warmUp(options: ParseOptions): void {
  loadParser(options);
}
