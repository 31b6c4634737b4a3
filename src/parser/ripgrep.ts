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

/**
 * Files among `among` that contain one of `words`, possibly inside a longer identifier: a
 * superset, for an exact word search to confirm. Substring search with few patterns is what
 * ripgrep does fastest (a file is dropped at its first match).
 */
export function ripgrepCandidates(
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
  for (const w of substringCover(words)) args.push('-e', w);
  args.push('--', ...searchRoots(among));
  return new Promise((resolve, reject) => {
    const child = spawn(rg, args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      // 0: matches, 1: none, 2: some file could not be read (the parser reports it).
      if (code !== 0 && code !== 1 && code !== 2) return reject(new Error(`${rg} exited with status ${code}`));
      resolve(
        out
          .split('\n')
          .filter((p) => wanted.has(p.split(path.sep).join('/')))
          .map((p) => p.split(path.sep).join('/')),
      );
    });
  });
}
