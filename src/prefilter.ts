// The text prefilter, answered from the tree index where it can: a word searched by an earlier
// scan is looked up, and only the files changed since are searched again. Unknown words are
// searched in every file, by ripgrep when it is installed and the set is large, else by the
// worker threads.
import type { TreeIndex } from './cache/tree-index.js';
import type { Workers } from './parser/parse-files.js';
import { ripgrepCandidates } from './parser/ripgrep.js';
import { textMentions } from './parser/search.js';

/** Below this many files Node searches faster than starting ripgrep. */
const RIPGREP_THRESHOLD = 500;

export class Prefilter {
  private readonly onDisk: string[];
  private readonly changed: string[];

  constructor(
    private readonly root: string,
    files: readonly string[],
    changed: readonly string[],
    private readonly index: TreeIndex,
    private readonly workers: Workers,
    private readonly rg: string | undefined,
    private readonly overlay: ReadonlyMap<string, string | null>,
  ) {
    this.onDisk = files.filter((f) => !overlay.has(f));
    const changedSet = new Set(changed);
    this.changed = this.onDisk.filter((f) => changedSet.has(f));
  }

  private async search(files: string[], words: string[]): Promise<void> {
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

  /** The files among `among` that mention one of `words`. */
  async mentioning(words: readonly string[], among: readonly string[]): Promise<string[]> {
    const unknown = words.filter((w) => !this.index.knows(w));
    const stale = words.filter((w) => this.index.knows(w) && !this.index.isCurrent(w));
    if (stale.length && this.changed.length) await this.search(this.changed, stale);
    else for (const w of stale) this.index.record(w, []);
    await this.search(this.onDisk, unknown);
    const hits = new Set<string>();
    for (const w of words) for (const f of this.index.hits(w)) hits.add(f);
    return among.filter((f) => (this.overlay.has(f) ? textMentions(this.overlay.get(f) ?? '', words) : hits.has(f)));
  }
}
