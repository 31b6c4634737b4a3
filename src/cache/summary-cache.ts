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

interface Entry {
  /** The content key the summary was made from, as the entry's name says. */
  key: string;
  summary: FileSummary;
}

const LISTS = ['functions', 'tables', 'exports', 'macros', 'structs', 'fileRefs', 'errorSpans'] as const;
const COUNTS = ['errorNodes', 'orphanCalls'] as const;

/** Whether a cached value has a summary's fields, each a list of objects (or names) or a count. */
function isSummary(value: unknown): value is FileSummary {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const objects = (list: unknown) => Array.isArray(list) && list.every((x) => typeof x === 'object' && x !== null);
  return (
    LISTS.every((k) => Array.isArray(v[k])) &&
    COUNTS.every((k) => typeof v[k] === 'number') &&
    objects(v.functions) &&
    objects(v.tables) &&
    (v.functions as Array<Record<string, unknown>>).every((f) => typeof f.name === 'string')
  );
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

  /**
   * The summary made from the content `key` names. An entry that says it was made from other
   * content (a file swapped in the cache) or is not a summary's shape is a miss, never an answer.
   */
  get(key: string, file: string): FileSummary | undefined {
    try {
      const entry = JSON.parse(readRegularText(this.pathOf(key), { limit: 0 })) as Partial<Entry> | null;
      if (entry?.key !== key || !isSummary(entry.summary)) return undefined;
      entry.summary.file = file;
      return entry.summary;
    } catch {
      return undefined; // absent or unreadable: parse again
    }
  }

  put(key: string, summary: FileSummary): void {
    const entry: Entry = { key, summary };
    writeCacheFile(this.pathOf(key), entry);
  }
}

let openCache: SummaryCache | null = null;
/** The cache a thread reads and writes summaries through: one open at a time, by directory. */
export function summaryCacheFor(spec: { dir: string; salt: string } | undefined): SummaryCache | undefined {
  if (!spec) return undefined;
  if (openCache?.dir !== spec.dir) openCache = new SummaryCache(spec.dir, spec.salt);
  return openCache;
}
