// Parsing and text search on all cores. One piscina pool serves both, created on first use;
// small jobs run on the main thread, since starting workers and loading tree-sitter in them
// costs more than a handful of files.
import os from 'node:os';
import type { Piscina } from 'piscina';
import type { Notification } from '../model.js';
import { type FileOutcome, type ParseOptions, summarizeFile } from './parse-file.js';
import { filesMentioning, wordsInFiles } from './search.js';
import type { FileSummary } from './summary.js';
import type { ParseTask, SearchTask } from './worker.js';

export interface ParseResult {
  summaries: FileSummary[];
  /** Content key of each file parsed or read from the cache. */
  keys: Map<string, string>;
  notifications: Notification[];
  /** How many summaries came from the cache. */
  cached: number;
}

const INLINE_PARSE_LIMIT = 48;
const INLINE_SEARCH_LIMIT = 2000;
const PARSE_BATCH = 16;
const SEARCH_BATCH = 512;

export class Workers {
  private pool: Piscina | null = null;
  readonly threads: number;

  constructor(threads?: number) {
    this.threads = threads ?? Math.max(1, os.availableParallelism());
  }

  private async pool_(): Promise<Piscina> {
    if (!this.pool) {
      // Loaded on first use, like the parser: small and cached scans never start threads.
      const { Piscina } = await import('piscina');
      this.pool = new Piscina({
        filename: new URL('./worker.js', import.meta.url).href,
        minThreads: this.threads,
        maxThreads: this.threads,
      });
    }
    return this.pool;
  }

  private async batches<T, R>(items: readonly T[], size: number, run: (slice: T[]) => Promise<R[]>, onDone?: (n: number) => void): Promise<R[]> {
    const jobs: Promise<R[]>[] = [];
    for (let i = 0; i < items.length; i += size) {
      const slice = items.slice(i, i + size);
      jobs.push(run(slice).then((r) => (onDone?.(slice.length), r)));
    }
    return (await Promise.all(jobs)).flat();
  }

  async parse(
    root: string,
    files: readonly string[],
    options: ParseOptions,
    knownKey: (file: string) => string | undefined = () => undefined,
    onProgress?: (done: number, total: number) => void,
  ): Promise<ParseResult> {
    let outcomes: FileOutcome[];
    // Cache hits cost a file read each: not worth a worker.
    const inline = this.threads === 0 || files.filter((f) => !knownKey(f)).length <= INLINE_PARSE_LIMIT;
    if (inline) {
      outcomes = files.map((f, i) => (onProgress?.(i + 1, files.length), summarizeFile(root, f, options, knownKey(f))));
    } else {
      let done = 0;
      outcomes = await this.batches(
        files,
        PARSE_BATCH,
        async (slice) => {
          const keys = Object.fromEntries(slice.flatMap((f) => (knownKey(f) ? [[f, knownKey(f)!]] : [])));
          return (await this.pool_()).run({ root, files: slice, options, keys } satisfies ParseTask, { name: 'parseBatch' }) as Promise<FileOutcome[]>;
        },
        (n) => onProgress?.((done += n), files.length),
      );
    }
    const result: ParseResult = { summaries: [], keys: new Map(), notifications: [], cached: 0 };
    outcomes.forEach((o, i) => {
      if (o.key) result.keys.set(files[i]!, o.key);
    });
    for (const o of outcomes) {
      if (o.summary) result.summaries.push(o.summary);
      if (o.notification) result.notifications.push(o.notification);
      if (o.cached) result.cached++;
    }
    return result;
  }

  /** The files among `files` that mention one of `words`. */
  async search(root: string, files: readonly string[], words: readonly string[]): Promise<string[]> {
    if (words.length === 0 || files.length === 0) return [];
    if (this.threads === 0 || files.length <= INLINE_SEARCH_LIMIT) {
      return filesMentioning(root, files, words).map((i) => files[i]!);
    }
    const hits = await this.batches(files, SEARCH_BATCH, async (slice) => {
      const idx = (await (await this.pool_()).run({ root, files: slice, words: [...words] } satisfies SearchTask, { name: 'searchBatch' })) as number[];
      return idx.map((i) => slice[i]!);
    });
    return hits;
  }

  /** For each file, the words of `words` it mentions. */
  async wordsIn(root: string, files: readonly string[], words: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (words.length === 0 || files.length === 0) return out;
    const lists =
      this.threads === 0 || files.length <= INLINE_SEARCH_LIMIT
        ? wordsInFiles(root, files, words)
        : await this.batches(files, SEARCH_BATCH, async (slice) =>
            (await (await this.pool_()).run({ root, files: slice, words: [...words] } satisfies SearchTask, { name: 'wordsBatch' })) as string[][],
          );
    files.forEach((f, i) => out.set(f, lists[i] ?? []));
    return out;
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
    this.pool = null;
  }
}
