// ripgrep, when the machine has it, runs the text prefilter several times faster than Node can
// read a kernel tree. Its answer is filtered through dmalint's own file listing, so the files
// analyzed are the same with or without it.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

// Probed once per process: a language server scans again on every edit, and starting
// `rg --version` costs 20-50 ms each time.
let onPath: boolean | undefined;

/** The rg binary to use: $DMALINT_RG (empty: never), else `rg` on PATH, else none. */
export function findRipgrep(): string | undefined {
  const configured = process.env.DMALINT_RG;
  if (configured !== undefined) return configured === '' ? undefined : configured;
  onPath ??= spawnSync('rg', ['--version'], { stdio: 'ignore' }).status === 0;
  return onPath ? 'rg' : undefined;
}

/**
 * Directories worth searching: the listing's first components (arch/<arch> for arch/). Never a
 * file by name: ripgrep opens a file it is given, a FIFO swapped in since the listing too, and
 * waits on it for ever; within a directory it searches only what it finds regular.
 */
function searchRoots(files: readonly string[]): string[] {
  const roots = new Set<string>();
  for (const f of files) {
    const parts = f.split('/');
    if (parts.length > 1) roots.add(parts[0] === 'arch' && parts.length > 2 ? `arch/${parts[1]}` : parts[0]!);
  }
  return [...roots].sort();
}

/**
 * Globs that let ripgrep skip what the listing left out, by file name ending: the endings of
 * the listed files (`*.c`, `*.h`, and `*.inc` when paths.include adds it). A listed file without
 * an ending allows none: everything is searched and the listing filters the answer.
 */
export function endingGlobs(files: readonly string[]): string[] {
  const endings = new Set<string>();
  for (const f of files) {
    const name = f.slice(f.lastIndexOf('/') + 1);
    const dot = name.lastIndexOf('.');
    if (dot <= 0) return [];
    endings.add(name.slice(dot).replace(/[[\]{}*?\\!]/g, '\\$&'));
  }
  return [...endings].sort().flatMap((e) => ['-g', `*${e}`]);
}

/** The words none of whose substrings is also a word: a file mentioning any word contains one of these. */
export function substringCover(words: readonly string[]): string[] {
  const sorted = [...new Set(words)].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  const cover: string[] = [];
  for (const w of sorted) if (!cover.some((c) => w.includes(c))) cover.push(w);
  return cover;
}

// ripgrep 13 (Debian 12's) turns its fixed strings into one regex and extracts literals from it
// for a fast prefilter, up to 250 bytes of them in all; past that the literals are cut and every
// file goes through the regex engine. On Linux 6.1 (arm) 15 identifiers of 9-30 characters (277
// bytes) took 2.3 s of CPU for one pass, the first 12 of them (191 bytes) 0.3 s, as did all 15
// cut to 20 characters, with the same files found. So a search's words are cut to
// PATTERN_LENGTH characters (a kernel identifier is told apart well before that; a file holding
// the word holds its start, and the exact search that follows drops the rest). A pass reads the
// whole tree (about 0.6 s of CPU on Linux 6.1) whatever it looks for, so words beyond
// PATTERN_BYTES are first looked for by the starts they share (`nvkm_` for the 35 nouveau types
// of a growth round): the exact search then reads the few hundred files more that the shorter
// pattern finds, which costs less than another pass; only what still exceeds PATTERN_BYTES is
// searched in several passes.
const PATTERN_LENGTH = 20;
const PATTERN_BYTES = 240;
/** The shortest shared start searched instead of its words (`drm_`, `dev_` would find thousands of files). */
const SHARED_START = 5;

/**
 * Replaces the words that share a start of SHARED_START characters or more by that start, the
 * start saving most bytes first, until the patterns fit in PATTERN_BYTES or no start is shared.
 */
function sharedStarts(patterns: string[]): string[] {
  let out = patterns;
  while (out.reduce((n, p) => n + p.length, 0) > PATTERN_BYTES) {
    let best: { start: string; saved: number } | undefined;
    const groups = new Map<string, string[]>();
    for (const p of out)
      for (let n = SHARED_START; n < p.length; n++) {
        const start = p.slice(0, n);
        groups.set(start, [...(groups.get(start) ?? []), p]);
      }
    for (const [start, group] of groups) {
      const saved = group.reduce((n, p) => n + p.length, 0) - start.length;
      if (
        group.length > 1 &&
        (!best || saved > best.saved || (saved === best.saved && start.length > best.start.length))
      )
        best = { start, saved };
    }
    if (!best) break;
    const start = best.start;
    out = [...out.filter((p) => !p.startsWith(start)), start];
  }
  return out;
}

/**
 * ripgrep 13 looks for several literals that all begin with the same byte with that byte's
 * memchr, which in C text stops everywhere (two patterns starting with `a`: 1.3 s of CPU for a
 * pass instead of 0.2 s): the later ones are then looked for from their second character on,
 * which a file holding the word holds too.
 */
function distinctFirstBytes(batch: string[]): string[] {
  if (batch.length < 2 || new Set(batch.map((p) => p[0])).size > 1) return batch;
  return batch.map((p, i) => (i > 0 && p.length > SHARED_START && p[1] !== p[0] ? p.slice(1) : p));
}

/**
 * The patterns of the ripgrep passes that find every file containing one of `words`: each
 * word's start, as few as cover them all (substringCover, before the words are cut too: a cut
 * `arch_teardown_dma_op` no longer holds `dma_ops`), in passes of PATTERN_BYTES at most.
 */
export function patternBatches(words: readonly string[]): string[][] {
  const batches: string[][] = [];
  let bytes = Infinity;
  const cut = substringCover(substringCover(words).map((w) => w.slice(0, PATTERN_LENGTH)));
  for (const p of substringCover(sharedStarts(cut))) {
    if (bytes + p.length > PATTERN_BYTES) {
      batches.push([]);
      bytes = 0;
    }
    batches[batches.length - 1]!.push(p);
    bytes += p.length;
  }
  return batches.map(distinctFirstBytes);
}

/** The paths (tree paths) of the files ripgrep finds with `args`. */
function ripgrepFiles(rg: string, root: string, args: readonly string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(rg, args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      // 0: matches, 1: none, 2: some file could not be read (the parser reports it).
      if (code !== 0 && code !== 1 && code !== 2) return reject(new Error(`${rg} exited with status ${code}`));
      resolve(out.split('\n').map((p) => p.split(path.sep).join('/')));
    });
  });
}

/**
 * Files among `among` that contain one of `words`, possibly inside a longer identifier: a
 * superset, for an exact word search to confirm. Substring search with few patterns is what
 * ripgrep does fastest (a file is dropped at its first match).
 */
export async function ripgrepCandidates(
  rg: string,
  root: string,
  among: readonly string[],
  words: readonly string[],
): Promise<string[]> {
  const wanted = new Set(among);
  const args = [
    '--files-with-matches',
    '--no-messages',
    '--no-ignore',
    '--no-config',
    '--fixed-strings',
    ...endingGlobs(among),
  ];
  const roots = searchRoots(among);
  // The files at the top of the tree (none in a kernel tree) are left to the exact search.
  const found = new Set(among.filter((f) => !f.includes('/')));
  if (roots.length === 0) return [...found];
  for (const batch of patternBatches(words)) {
    const patterns = batch.flatMap((p) => ['-e', p]);
    for (const f of await ripgrepFiles(rg, root, [...args, ...patterns, '--', ...roots]))
      if (wanted.has(f)) found.add(f);
  }
  return [...found];
}
