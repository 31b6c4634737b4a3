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

/** Top-level paths worth searching: the listing's first components (arch/<arch> for arch/). */
function searchRoots(files: readonly string[]): string[] {
  const roots = new Set<string>();
  for (const f of files) {
    const parts = f.split('/');
    roots.add(parts[0] === 'arch' && parts.length > 2 ? `arch/${parts[1]}` : parts.length > 1 ? parts[0]! : f);
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
// the word holds its start, and the exact search that follows drops the rest), and what still
// exceeds PATTERN_BYTES is searched in several passes: another pass reads the tree again (about
// 1 s of CPU), less than the slow one costs.
const PATTERN_LENGTH = 20;
const PATTERN_BYTES = 240;

/**
 * The patterns of the ripgrep passes that find every file containing one of `words`: each
 * word's start, as few as cover them all (substringCover, before the words are cut too: a cut
 * `arch_teardown_dma_op` no longer holds `dma_ops`), in passes of PATTERN_BYTES at most.
 */
export function patternBatches(words: readonly string[]): string[][] {
  const batches: string[][] = [];
  let bytes = Infinity;
  for (const p of substringCover(substringCover(words).map((w) => w.slice(0, PATTERN_LENGTH)))) {
    if (bytes + p.length > PATTERN_BYTES) {
      batches.push([]);
      bytes = 0;
    }
    batches[batches.length - 1]!.push(p);
    bytes += p.length;
  }
  return batches;
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
  const found = new Set<string>();
  for (const batch of patternBatches(words)) {
    const patterns = batch.flatMap((p) => ['-e', p]);
    for (const f of await ripgrepFiles(rg, root, [...args, ...patterns, '--', ...roots]))
      if (wanted.has(f)) found.add(f);
  }
  return [...found];
}
