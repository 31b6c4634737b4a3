// Worker-thread entry points, run under piscina: parsing and text search in batches.
import { type FileOutcome, type ParseOptions, summarizeFile } from './parse-file.js';
import { filesMentioning, wordsInFiles } from './search.js';

export interface ParseTask {
  root: string;
  files: string[];
  options: ParseOptions;
  /** Content keys of files known to be unchanged. */
  keys?: Record<string, string>;
}

export interface SearchTask {
  root: string;
  files: string[];
  words: string[];
}

export function parseBatch(task: ParseTask): FileOutcome[] {
  return task.files.map((file) => summarizeFile(task.root, file, task.options, task.keys?.[file]));
}

export function searchBatch(task: SearchTask): number[] {
  return filesMentioning(task.root, task.files, task.words);
}

export function wordsBatch(task: SearchTask): string[][] {
  return wordsInFiles(task.root, task.files, task.words);
}
