// Worker-thread entry: parses a batch of files. Runs under piscina.
import { type FileOutcome, type ParseOptions, summarizeFile } from './parse-file.js';

export interface ParseTask {
  root: string;
  files: string[];
  options: ParseOptions;
}

export default function parseBatch(task: ParseTask): FileOutcome[] {
  return task.files.map((file) => summarizeFile(task.root, file, task.options));
}
