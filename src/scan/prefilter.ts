// The text prefilter, answered from the tree index where it can: a word searched by an earlier
// scan is looked up, and only the files changed since are searched again. Unknown words are
// searched in every file, by ripgrep when it is installed and the set is large, else by the
// worker threads.
import type { TreeIndex } from '../cache/tree-index.js';
import type { Workers } from '../session/workers.js';
import { ripgrepCandidates } from '../search/ripgrep.js';
import { textMentions } from '../search/mentions.js';

/** Below this many files Node searches faster than starting ripgrep. */
const RIPGREP_THRESHOLD = 500;

export class Prefilter {
  private readonly onDisk: readonly string[];
  private changedOnDisk_: readonly string[] | undefined;
  private readonly scopes = new Map<string, readonly string[]>();

  constructor(
    private readonly root: string,
    private readonly files: readonly string[],
    private readonly changed: readonly string[],
    private readonly index: TreeIndex,
    private readonly workers: Workers,
    private readonly rg: string | undefined,
    private readonly overlay: ReadonlyMap<string, string | null>,
  ) {
    // A run of many configurations makes a Prefilter per configuration over the same ~45,000
    // files: nothing here may cost a pass over them that a scan does not need.
    this.onDisk = overlay.size ? files.filter((f) => !overlay.has(f)) : files;
  }

  /** The changed files on disk; asked only for words already searched (a cold scan has none). */
  private changedOnDisk(): readonly string[] {
    if (!this.changedOnDisk_) {
      const changed = new Set(this.changed);
      this.changedOnDisk_ = changed.size ? this.onDisk.filter((f) => changed.has(f)) : [];
    }
    return this.changedOnDisk_;
  }

  private async search(files: readonly string[], words: string[], scope?: Scope): Promise<void> {
    if (words.length === 0) return;
    // ripgrep narrows a large set to the files containing a word at all; the workers then
    // tell exactly which words each of those mentions.
    const candidates =
      this.rg && files.length > RIPGREP_THRESHOLD ? await ripgrepCandidates(this.rg, this.root, files, words) : files;
    const found = await this.workers.wordsIn(this.root, candidates, words);
    const byWord = new Map<string, string[]>(words.map((w) => [w, []]));
    for (const [file, present] of found) for (const w of present) byWord.get(w)?.push(file);
    for (const [w, hits] of byWord) this.index.record(keyOf(w, scope), hits);
  }

  /** The files on disk a scope covers (all of them without one), and the changed ones among them. */
  private scoped(scope?: Scope): { all: readonly string[]; changed: () => readonly string[] } {
    if (!scope) return { all: this.onDisk, changed: () => this.changedOnDisk() };
    let files = this.scopes.get(scope.name);
    if (!files) this.scopes.set(scope.name, (files = this.onDisk.filter(scope.covers)));
    return { all: files, changed: () => this.changedOnDisk().filter(scope.covers) };
  }

  /**
   * The listed files, except those in `skip`, that mention one of `words`, in the listing's
   * order; with a scope, among the files it covers only (its answers are kept apart in the index).
   */
  async mentioning(words: readonly string[], skip: ReadonlySet<string> = new Set(), scope?: Scope): Promise<string[]> {
    const key = (w: string) => keyOf(w, scope);
    const unknown = words.filter((w) => !this.index.knows(key(w)));
    const stale = words.filter((w) => this.index.knows(key(w)) && !this.index.isCurrent(key(w)));
    const files = this.scoped(scope);
    const changed = stale.length ? files.changed() : [];
    if (stale.length && changed.length) await this.search(changed, stale, scope);
    else for (const w of stale) this.index.record(key(w), []);
    await this.search(files.all, unknown, scope);
    const listed = listedSet(this.files);
    const found = new Set<string>();
    for (const w of words)
      for (const f of this.index.hits(key(w))) if (!this.overlay.has(f) && !skip.has(f) && listed.has(f)) found.add(f);
    for (const [f, text] of this.overlay)
      if (text !== null && !skip.has(f) && listed.has(f) && (!scope || scope.covers(f)) && textMentions(text, words))
        found.add(f);
    // The listing is sorted by code unit, as sort() sorts: the same order as filtering it.
    return [...found].sort();
  }
}

/**
 * A part of the tree searched on its own (the interface headers for the struct types whose
 * definitions are looked for only there): a whole-tree search would read every file for words
 * such as `file_operations` that thousands of drivers name.
 */
export interface Scope {
  /** Tells the scope's entries in the index apart from whole-tree words ("" is not allowed). */
  name: string;
  covers: (file: string) => boolean;
}

/** The index's key for a word searched within a scope (a NUL never occurs in an identifier). */
function keyOf(word: string, scope?: Scope): string {
  return scope ? `${scope.name}\0${word}` : word;
}

const listedSets = new WeakMap<readonly string[], ReadonlySet<string>>();
/** A set of the listed files, made once per listing (the scans of a share list the tree once). */
function listedSet(files: readonly string[]): ReadonlySet<string> {
  let set = listedSets.get(files);
  if (!set) listedSets.set(files, (set = new Set(files)));
  return set;
}
