// Every cache file (summaries, tree indexes, the Kconfig reading) is written the same way:
// whole or not at all, since concurrent threads and interrupted runs must never leave a torn
// file for the next run to read, and a cache that cannot be written only costs time.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function writeCacheFile(file: string, data: unknown): void {
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(temp, JSON.stringify(data));
    renameSync(temp, file);
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // the directory is not there to hold it either
    }
  }
}
