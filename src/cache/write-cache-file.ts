// Every cache file (summaries, tree indexes, the Kconfig reading) is written the same way:
// whole or not at all, since concurrent threads and interrupted runs must never leave a torn
// file for the next run to read, and a cache that cannot be written only costs time.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { replaceEntry } from '../fs/write.js';

export function writeCacheFile(file: string, data: unknown): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    // The entry itself: a link planted in a shared cache is replaced, never written through.
    replaceEntry(file, JSON.stringify(data));
  } catch {
    // not written: the next run parses again
  }
}
