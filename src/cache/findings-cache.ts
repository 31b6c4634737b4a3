// The findings of the last whole-tree analysis, kept so that the per-file calls of one kernel
// build (`make C=1 CHECK=dmalint`: one dmalint process per .c file) analyze the tree once.
// An entry is keyed by what the analysis depends on besides the tree (dmalint's own code, the
// root, the rules configuration, the .config's content) and holds the state of the tree it was
// made from: every listed file's size and mtime (as make trusts them), and those of the
// Makefiles and Kconfig files the configuration read. Any difference and it is not used.
import { createHash } from 'node:crypto';
import { closeSync, lstatSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileStat } from './tree-index.js';
import { extractorModules } from './salt.js';
import { writeCacheFile } from './write-cache-file.js';
import type { Finding, Notification } from '../model.js';
import { readRegularText } from '../fs/read.js';

// 2: findings keep their message data.
const VERSION = 2;

export interface TreeFindings {
  findings: Finding[];
  notifications: Notification[];
  /** What the analysis that made the entry did (scan.ts reports it again with --stats). */
  stats?: Record<string, number>;
}

interface Entry extends TreeFindings {
  version: number;
  /** Hash of the listed files' paths, sizes and mtimes. */
  tree: string;
  /** Other files the analysis read (tree paths), each with its size and mtime, or null when absent. */
  inputs: [string, FileStat | null][];
}

let codeHash: string | undefined;
/** Every module of ours the analysis loads: a changed rule never answers from an older entry. */
function analysisCode(): string {
  if (codeHash) return codeHash;
  const hash = createHash('sha1');
  const scanModule = fileURLToPath(new URL('../scan.js', import.meta.url));
  for (const file of extractorModules(scanModule)) hash.update(readFileSync(file));
  codeHash = hash.digest('hex');
  return codeHash;
}

/** The state of a listed tree, in one hash (~45,000 entries for a kernel tree). */
export function treeState(stats: ReadonlyMap<string, FileStat>): string {
  // One update per chunk, not per file: a hash update crosses into C++ (0.3 s a kernel tree at load 8, per file).
  const hash = createHash('sha1');
  let chunk = '';
  for (const [file, [size, mtime]] of stats) {
    chunk += `${file}\0${size}\0${mtime}\n`;
    if (chunk.length > 1 << 16) {
      hash.update(chunk);
      chunk = '';
    }
  }
  return hash.update(chunk).digest('hex');
}

function statOf(root: string, file: string): FileStat | null {
  const st = statSync(path.join(root, file), { throwIfNoEntry: false });
  return st ? [st.size, st.mtimeMs] : null;
}

export function inputStats(root: string, files: Iterable<string>): [string, FileStat | null][] {
  return [...files].sort().map((f) => [f, statOf(root, f)]);
}

export class FindingsCache {
  private readonly file: string;

  /** @param settings what the findings depend on besides the tree and the code (JSON-able) */
  constructor(
    cacheDir: string,
    private readonly root: string,
    settings: unknown,
  ) {
    const key = createHash('sha1')
      .update(JSON.stringify([VERSION, analysisCode(), root, settings]))
      .digest('hex');
    this.file = path.join(cacheDir, 'findings', `${key}.json`);
  }

  /** The entry made from this tree state, if there is one and the files it read are unchanged. */
  read(tree: string): TreeFindings | undefined {
    try {
      const entry = JSON.parse(readRegularText(this.file, { limit: 0 })) as Entry;
      if (entry?.version !== VERSION || entry.tree !== tree) return undefined;
      // A hand-edited or foreign entry of the right version is a miss, not a crash in the replay.
      if (![entry.inputs, entry.findings, entry.notifications].every(Array.isArray)) return undefined;
      for (const [file, stat] of entry.inputs) {
        const now = statOf(this.root, file);
        if (stat === null ? now !== null : now === null || now[0] !== stat[0] || now[1] !== stat[1]) return undefined;
      }
      return { findings: entry.findings, notifications: entry.notifications, stats: entry.stats };
    } catch {
      return undefined;
    }
  }

  write(tree: string, inputs: [string, FileStat | null][], result: TreeFindings): void {
    const entry: Entry = { version: VERSION, tree, inputs, ...result };
    writeCacheFile(this.file, entry);
  }

  /**
   * Runs `work` while holding this entry's lock, so that the parallel calls of `make -jN` on a
   * cold cache wait for one analysis instead of each doing it. A lock whose holder has died,
   * or held longer than `staleMs`, is taken over; without a writable cache there is no lock.
   */
  async locked<T>(work: () => Promise<T>, staleMs = 10 * 60_000): Promise<T> {
    const lock = `${this.file}.lock`;
    let held = false;
    for (;;) {
      try {
        mkdirSync(path.dirname(lock), { recursive: true });
        const fd = openSync(lock, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        held = true;
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') break;
        // A directory or anything else at the lock's name is no lock of ours: work without one.
        if (!lstatSync(lock, { throwIfNoEntry: false })?.isFile()) break;
        if (lockIsStale(lock, staleMs)) rmSync(lock, { force: true });
        else await new Promise((r) => setTimeout(r, 100));
      }
    }
    try {
      return await work();
    } finally {
      if (held) rmSync(lock, { force: true });
    }
  }
}

function lockIsStale(lock: string, staleMs: number): boolean {
  try {
    const st = statSync(lock);
    if (Date.now() - st.mtimeMs > staleMs) return true;
    const pid = Number(readRegularText(lock));
    if (!Number.isInteger(pid) || pid <= 0) return Date.now() - st.mtimeMs > 1000; // being written
    process.kill(pid, 0);
    return false;
  } catch (err) {
    // ESRCH: its holder is gone; ENOENT: released meanwhile (try again at once)
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
