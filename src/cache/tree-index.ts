// What a previous scan of the same tree learnt, so that a re-scan reads only what changed:
// each file's size and mtime (as make trusts them), the content key of its summary, and for
// every word the prefilter searched, the files that mention it. A file whose size or mtime
// changed is searched and parsed again; everything else is answered from here.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { writeCacheFile } from './write-cache-file.js';
import { readRegularText } from '../fs/read.js';

export type FileStat = [size: number, mtimeMs: number];

/** On disk: parallel arrays (a kernel tree has ~50,000 files; objects per file cost GC time). */
interface IndexFile {
  version: 2;
  root: string;
  paths: string[];
  sizes: number[];
  mtimes: number[];
  keys: (string | null)[];
  /** word → indexes into paths of the files mentioning it. */
  words: Record<string, number[]>;
}

interface Entry {
  size: number;
  mtime: number;
  key: string | null;
}

const VERSION = 2;

export class TreeIndex {
  private files = new Map<string, Entry>();
  private words = new Map<string, Set<string>>();
  /** Files new or changed since the index was written: their word hits are unknown. */
  private changed = new Set<string>();
  /** Words whose hits this run brought up to date for every file. */
  private current = new Set<string>();
  /** Whether this run learnt anything the file on disk does not hold (else saving is skipped). */
  private dirty = false;

  private constructor(
    private readonly file: string | null,
    private readonly root: string,
  ) {}

  /** The index of `root` under `cacheDir` (empty when absent or written for other settings). */
  static open(cacheDir: string | false, root: string, settingsKey: string): TreeIndex {
    if (!cacheDir) return new TreeIndex(null, root);
    const name = createHash('sha1').update(root).update('\0').update(settingsKey).digest('hex');
    const index = new TreeIndex(path.join(cacheDir, 'trees', `${name}.json`), root);
    try {
      const data = JSON.parse(readRegularText(index.file!, { limit: 0 })) as IndexFile;
      if (data.version !== VERSION || data.root !== root) return index;
      data.paths.forEach((p, i) =>
        index.files.set(p, { size: data.sizes[i]!, mtime: data.mtimes[i]!, key: data.keys[i] ?? null }),
      );
      for (const [word, hits] of Object.entries(data.words))
        index.words.set(word, new Set(hits.map((i) => data.paths[i]!)));
    } catch {
      // absent or unreadable: start afresh
    }
    return index;
  }

  /** Brings the index to the tree's current files; returns the files that are new or changed. */
  refresh(current: ReadonlyMap<string, FileStat>): string[] {
    const stale: string[] = [];
    for (const [file, [size, mtime]] of current) {
      const old = this.files.get(file);
      if (old && old.size === size && old.mtime === mtime) continue;
      this.files.set(file, { size, mtime, key: null });
      this.changed.add(file);
      stale.push(file);
    }
    for (const file of this.files.keys()) {
      if (!current.has(file)) {
        this.files.delete(file);
        stale.push(file);
      }
    }
    if (stale.length) for (const hits of this.words.values()) for (const f of stale) hits.delete(f);
    if (stale.length) this.dirty = true;
    return [...this.changed].sort();
  }

  /** Words whose hits among unchanged files are known. */
  knows(word: string): boolean {
    return this.words.has(word);
  }

  hits(word: string): Iterable<string> {
    return this.words.get(word) ?? [];
  }

  /** Records the files that mention `word`, among those searched for it (adding to what is known). */
  record(word: string, files: Iterable<string>): void {
    const set = this.words.get(word) ?? new Set<string>();
    if (!this.words.has(word)) this.dirty = true;
    for (const f of files) {
      if (!set.has(f)) this.dirty = true;
      set.add(f);
    }
    this.words.set(word, set);
    this.current.add(word);
  }

  /** Whether this run already searched the changed files for `word`. */
  isCurrent(word: string): boolean {
    return this.current.has(word);
  }

  contentKey(file: string): string | undefined {
    return this.changed.has(file) ? undefined : (this.files.get(file)?.key ?? undefined);
  }

  setContentKey(file: string, key: string): void {
    const entry = this.files.get(file);
    if (entry && entry.key !== key) {
      entry.key = key;
      this.dirty = true;
    }
  }

  /** Written atomically; a cache that cannot be written only costs time. */
  save(): void {
    if (!this.file || !this.dirty) return;
    // A word not searched this run has not seen the changed files: forget it.
    if (this.changed.size)
      for (const word of [...this.words.keys()]) if (!this.current.has(word)) this.words.delete(word);
    const paths = [...this.files.keys()];
    const at = new Map(paths.map((p, i) => [p, i]));
    const entries = [...this.files.values()];
    const data: IndexFile = {
      version: VERSION,
      root: this.root,
      paths,
      sizes: entries.map((e) => e.size),
      mtimes: entries.map((e) => e.mtime),
      keys: entries.map((e) => e.key),
      words: Object.fromEntries(
        [...this.words].map(([w, hits]) => [w, [...hits].map((f) => at.get(f)!).sort((a, b) => a - b)]),
      ),
    };
    writeCacheFile(this.file, data);
    // Later scans of the same run (other configurations) write it again only if they learn more.
    this.dirty = false;
  }
}
