// Per-file summaries cached by content, outside the tree: an unchanged file is never parsed
// twice, whatever its path or mtime. Entries are plain JSON, one file each, written
// atomically, so concurrent workers and interrupted runs cannot leave a torn entry.
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { FileSummary } from '../parser/summary.js';
import { writeCacheFile } from './write-cache-file.js';
import { readRegularText } from '../fs/read.js';

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'dmalint');
}

export class SummaryCache {
  constructor(
    readonly dir: string,
    /** Anything that changes what a summary holds: tool version, parse options. */
    private readonly salt: string,
  ) {}

  key(bytes: Uint8Array): string {
    return createHash('sha1').update(this.salt).update(bytes).digest('hex');
  }

  private pathOf(key: string): string {
    return path.join(this.dir, 'summaries', key.slice(0, 2), `${key.slice(2)}.json`);
  }

  get(key: string, file: string): FileSummary | undefined {
    try {
      const summary = JSON.parse(readRegularText(this.pathOf(key), { limit: 0 })) as FileSummary;
      summary.file = file;
      return summary;
    } catch {
      return undefined; // absent or unreadable: parse again
    }
  }

  put(key: string, summary: FileSummary): void {
    writeCacheFile(this.pathOf(key), summary);
  }
}

let openCache: SummaryCache | null = null;
/** The cache a thread reads and writes summaries through: one open at a time, by directory. */
export function summaryCacheFor(spec: { dir: string; salt: string } | undefined): SummaryCache | undefined {
  if (!spec) return undefined;
  if (openCache?.dir !== spec.dir) openCache = new SummaryCache(spec.dir, spec.salt);
  return openCache;
}
