// Parsing and text search on all cores. One piscina pool serves both, created on first use;
// small jobs run on the main thread, since starting workers and loading tree-sitter in them
// costs more than a handful of files. The native parser's trees (docs/parsing.md: 20 times the
// source parsed, 200 times for badly broken code) are freed only when V8 collects them, which
// it does on its own schedule, never told of their size; so the pool is also replaced whenever
// the process has grown by its headroom since the first pool started, and memory stays
// bounded however large the tree: the threads' memory is reused by the next ones. (On 32 MB
// of generated C with 2 threads: 1.4 GB peak instead of 7.2 GB, and faster.) The main thread
// (--jobs 0, small sets) is not recycled.
import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Piscina } from 'piscina';
import type { Notification } from '../model.js';
import { type FileOutcome, type ParseOptions, summarizeFile } from '../parser/parse-file.js';
import { wordsInFiles } from '../search/mentions.js';
import { summaryCacheFor } from '../cache/summary-cache.js';
import type { FileSummary } from '../parser/summary.js';
import type { ParseTask, SearchTask } from './worker.js';

export interface ParseResult {
  summaries: FileSummary[];
  /** Content key of each file parsed or read from the cache. */
  keys: Map<string, string>;
  notifications: Notification[];
  /** How many summaries came from the cache. */
  cached: number;
}

interface ParseJob {
  root: string;
  files: readonly string[];
  options: ParseOptions;
  knownKey: (file: string) => string | undefined;
  onProgress?: (done: number, total: number) => void;
}

const INLINE_PARSE_LIMIT = 48;
/** Growth of the resident set per thread, over what it was when the first pool started, that replaces the pool. */
const THREAD_HEADROOM = 256 * 1024 * 1024;
const MIN_HEADROOM = 512 * 1024 * 1024;
/** Source bytes each thread parses at least between replacements (so that they never thrash). */
const MIN_THREAD_PARSE = 2 * 1024 * 1024;
/** The main thread lets signals and timers in this often while it parses. */
const INLINE_YIELD_MS = 50;
const INLINE_SEARCH_LIMIT = 2000;
/** A batch holds up to this many files, or one file, if larger, of at least PARSE_BATCH_BYTES. */
const PARSE_BATCH = 4;
const PARSE_BATCH_BYTES = 64 * 1024;
const SEARCH_BATCH = 512;

/**
 * Stopping a thread in the middle of a parse aborts the whole process (tree-sitter calls back
 * into JavaScript for its input, and that call throws through C code), so an interrupted run
 * stops between files: no new batch starts, each thread ends its batch after the file it is
 * parsing, and the scan unwinds with Interrupted.
 */
export class Interrupted extends Error {
  override name = 'Interrupted';
}
let stopRequested = false;
/** The same, seen by the threads between files (shared memory: a message would wait for the batch). */
const STOP_FLAG = new Int32Array(new SharedArrayBuffer(4));

/** Makes every running scan stop after the files being parsed (a SIGINT or SIGTERM); false: accept work again. */
export function requestStop(stop = true): void {
  stopRequested = stop;
  Atomics.store(STOP_FLAG, 0, stop ? 1 : 0);
}

function checkStop(): void {
  if (stopRequested) throw new Interrupted('interrupted');
}

export class Workers {
  private pool: Promise<Piscina> | null = null;
  /** The pool's threads exist (a parse of a few files goes to them rather than wait for them). */
  private started = false;
  /**
   * The prestarted threads' loading of the parser: a thread stopped while it loads the native
   * module can abort the process, so the pool is not destroyed before it ends (a scan that
   * parses nothing on the threads can end first).
   */
  private warming: Promise<void> = Promise.resolve();
  /** Source bytes parsed by the current pool's threads. */
  private poolParsed = 0;
  /** Resident set size beyond which the pool is replaced (set when the first pool starts). */
  private rssLimit = Infinity;
  readonly threads: number;

  constructor(threads?: number) {
    this.threads = threads ?? Math.max(1, os.availableParallelism());
  }

  private pool_(): Promise<Piscina> {
    // One promise for every caller: a search asking while the prestarted pool is still being
    // made must not make a second pool (whose threads, each with the parser loaded, would idle
    // until the process exits).
    this.pool ??= this.newPool().then((pool) => {
      this.started = true;
      return pool;
    });
    return this.pool;
  }

  private async newPool(): Promise<Piscina> {
    if (this.rssLimit === Infinity)
      this.rssLimit = process.memoryUsage.rss() + Math.max(MIN_HEADROOM, this.threads * THREAD_HEADROOM);
    // Loaded on first use, like the parser: small and cached scans never start threads.
    const { Piscina } = await import('piscina');
    return new Piscina({
      filename: new URL('./worker.js', import.meta.url).href,
      minThreads: this.threads,
      maxThreads: this.threads,
      // A thread must come back to its event loop between batches: node-tree-sitter frees a
      // dead tree's native memory (20 times its source) in a finalizer that only a turn of the
      // loop runs, and piscina's default waits for the next task in Atomics.wait, which never
      // turns it. With the default, a Linux 6.1 scan's threads held every tree they had made
      // (peak 580 MiB); with messages, 380 MiB.
      atomics: 'disabled',
    });
  }

  /**
   * Starts the threads and loads the parser in them now, while the main thread and ripgrep do
   * other work, for a scan that is going to parse many files (a first scan of a tree).
   */
  prestart(options: ParseOptions): void {
    if (this.threads === 0 || this.pool) return;
    this.warming = this.pool_().then(async (pool) => {
      const warmUps = Array.from({ length: this.threads }, () => pool.run(options, { name: 'warmUp' }));
      await Promise.allSettled(warmUps);
    });
  }

  /** Text search in batches; an interrupted run stops after those already started. */
  private async batches<T, R>(items: readonly T[], size: number, run: (slice: T[]) => Promise<R[]>): Promise<R[]> {
    checkStop();
    const jobs: Promise<R[]>[] = [];
    for (let i = 0; i < items.length; i += size) jobs.push(run(items.slice(i, i + size)));
    const results = (await Promise.all(jobs)).flat();
    checkStop();
    return results;
  }

  async parse(
    root: string,
    files: readonly string[],
    options: ParseOptions,
    knownKey: (file: string) => string | undefined = () => undefined,
    onProgress?: (done: number, total: number) => void,
  ): Promise<ParseResult> {
    // Cache hits cost a file read each: not worth a worker. Threads already started (and warm)
    // take any set worth sharing.
    const toParse = files.filter((f) => !knownKey(f)).length;
    const inline = this.threads === 0 || toParse <= (this.started ? 1 : INLINE_PARSE_LIMIT);
    const job: ParseJob = { root, files, options, knownKey, ...(onProgress ? { onProgress } : {}) };
    const outcomes = inline ? await this.parseInline(job) : await this.parseInPool(job);
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

  /** On the main thread, letting the event loop in now and then (a signal must not wait for the whole set). */
  private async parseInline({ root, files, options, knownKey, onProgress }: ParseJob): Promise<FileOutcome[]> {
    const outcomes: FileOutcome[] = [];
    let since = performance.now();
    for (const [i, f] of files.entries()) {
      checkStop();
      outcomes.push(summarizeFile(root, f, options, knownKey(f), summaryCacheFor(options.cache)));
      onProgress?.(i + 1, files.length);
      if (performance.now() - since > INLINE_YIELD_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        since = performance.now();
      }
    }
    return outcomes;
  }

  /**
   * In batches on the pool, two in flight per thread. When the process has outgrown its memory
   * headroom, the batches in flight finish and the pool is replaced before the next ones.
   */
  private async parseInPool({ root, files, options, knownKey, onProgress }: ParseJob): Promise<FileOutcome[]> {
    const slices = largestFirst(root, files, knownKey);
    const outcomes = new Array<FileOutcome>(files.length);
    const inFlight = new Set<Promise<void>>();
    let done = 0;
    for (const slice of slices) {
      if (stopRequested) {
        await Promise.all(inFlight);
        checkStop();
      }
      if (this.poolParsed >= this.threads * MIN_THREAD_PARSE && process.memoryUsage.rss() > this.rssLimit) {
        await Promise.all(inFlight);
        await this.close();
      }
      const pool = await this.pool_();
      const names = slice.map((i) => files[i]!);
      const keys = Object.fromEntries(names.flatMap((f) => (knownKey(f) ? [[f, knownKey(f)!]] : [])));
      const job = (
        pool.run({ root, files: names, options, keys, stop: STOP_FLAG } satisfies ParseTask, {
          name: 'parseBatch',
        }) as Promise<FileOutcome[]>
      )
        // A thread that dies (out of memory, a crash in native code) loses its batch, not the scan.
        .catch((err: unknown): FileOutcome[] =>
          names.map((file) => ({
            notification: {
              level: 'error',
              file,
              message: `the parser thread failed (${err instanceof Error ? err.message : String(err)}); not analyzed`,
            },
          })),
        )
        .then((results) => {
          // Cut short if the run was interrupted, and then never read.
          results.forEach((o, k) => (outcomes[slice[k]!] = o));
          this.poolParsed += results.reduce((n, o) => n + (o.parsedBytes ?? 0), 0);
          onProgress?.((done += slice.length), files.length);
        })
        .finally(() => inFlight.delete(job));
      inFlight.add(job);
      if (inFlight.size >= this.threads * 2) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    checkStop();
    return outcomes;
  }

  /** For each file, the words of `words` it mentions. */
  async wordsIn(root: string, files: readonly string[], words: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (words.length === 0 || files.length === 0) return out;
    checkStop();
    const lists =
      this.threads === 0 || files.length <= INLINE_SEARCH_LIMIT
        ? wordsInFiles(root, files, words)
        : await this.batches(
            files,
            SEARCH_BATCH,
            async (slice) =>
              (await (
                await this.pool_()
              ).run({ root, files: slice, words: [...words] } satisfies SearchTask, {
                name: 'wordsBatch',
              })) as string[][],
          );
    files.forEach((f, i) => out.set(f, lists[i] ?? []));
    return out;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    this.started = false;
    await this.warming.catch(() => {});
    await (await pool)?.destroy();
    this.poolParsed = 0;
  }
}

/**
 * Batches of indexes into `files`, the largest files first: kernel files range from a few
 * hundred bytes to 300 KB, and a large file started last would keep one thread busy while the
 * other waits. Small files share a batch, to spare messages between threads.
 */
function largestFirst(
  root: string,
  files: readonly string[],
  knownKey: (file: string) => string | undefined,
): number[][] {
  const size = files.map((f) => {
    if (knownKey(f)) return 0; // answered from the cache
    try {
      return statSync(path.join(root, f)).size;
    } catch {
      return 0; // the thread reports it
    }
  });
  const order = files.map((_, i) => i).sort((a, b) => size[b]! - size[a]! || a - b);
  const slices: number[][] = [];
  let bytes = 0;
  for (const i of order) {
    const last = slices.at(-1);
    if (!last || last.length >= PARSE_BATCH || bytes >= PARSE_BATCH_BYTES) {
      slices.push([i]);
      bytes = size[i]!;
    } else {
      last.push(i);
      bytes += size[i]!;
    }
  }
  return slices;
}
