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

  private async search(files: readonly string[], words: string[]): Promise<void> {
    if (words.length === 0) return;
    // ripgrep narrows a large set to the files containing a word at all; the workers then
    // tell exactly which words each of those mentions.
    const candidates =
      this.rg && files.length > RIPGREP_THRESHOLD ? await ripgrepCandidates(this.rg, this.root, files, words) : files;
    const found = await this.workers.wordsIn(this.root, candidates, words);
    const byWord = new Map<string, string[]>(words.map((w) => [w, []]));
    for (const [file, present] of found) for (const w of present) byWord.get(w)?.push(file);
    for (const [w, hits] of byWord) this.index.record(w, hits);
  }

  /** The listed files, except those in `skip`, that mention one of `words`, in the listing's order. */
  async mentioning(words: readonly string[], skip: ReadonlySet<string> = new Set()): Promise<string[]> {
    const unknown = words.filter((w) => !this.index.knows(w));
    const stale = words.filter((w) => this.index.knows(w) && !this.index.isCurrent(w));
    const changed = stale.length ? this.changedOnDisk() : [];
    if (stale.length && changed.length) await this.search(changed, stale);
    else for (const w of stale) this.index.record(w, []);
    await this.search(this.onDisk, unknown);
    const listed = listedSet(this.files);
    const found = new Set<string>();
    for (const w of words)
      for (const f of this.index.hits(w)) if (!this.overlay.has(f) && !skip.has(f) && listed.has(f)) found.add(f);
    for (const [f, text] of this.overlay)
      if (text !== null && !skip.has(f) && listed.has(f) && textMentions(text, words)) found.add(f);
    // The listing is sorted by code unit, as sort() sorts: the same order as filtering it.
    return [...found].sort();
  }
}

const listedSets = new WeakMap<readonly string[], ReadonlySet<string>>();
/** A set of the listed files, made once per listing (the scans of a share list the tree once). */
function listedSet(files: readonly string[]): ReadonlySet<string> {
  let set = listedSets.get(files);
  if (!set) listedSets.set(files, (set = new Set(files)));
  return set;
}
