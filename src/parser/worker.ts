// Worker-thread entry points, run under piscina: parsing and text search in batches.
import { type FileOutcome, type ParseOptions, summarizeFile } from './parse-file.js';
import { filesMentioning } from './search.js';

export interface ParseTask {
  root: string;
  files: string[];
  options: ParseOptions;
}

export interface SearchTask {
  root: string;
  files: string[];
  words: string[];
}

export function parseBatch(task: ParseTask): FileOutcome[] {
  return task.files.map((file) => summarizeFile(task.root, file, task.options));
}

export function searchBatch(task: SearchTask): number[] {
  return filesMentioning(task.root, task.files, task.words);
}
