// ripgrep, when the machine has it, runs the text prefilter several times faster than Node can
// read a kernel tree. Its answer is filtered through dmalint's own file listing, so the files
// analyzed are the same with or without it.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

/** The rg binary to use: $DMALINT_RG (empty: never), else `rg` on PATH, else none. */
export function findRipgrep(): string | undefined {
  const configured = process.env.DMALINT_RG;
  if (configured !== undefined) return configured === '' ? undefined : configured;
  const probe = spawnSync('rg', ['--version'], { stdio: 'ignore' });
  return probe.status === 0 ? 'rg' : undefined;
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

export function ripgrepFiles(rg: string, root: string, among: readonly string[], words: readonly string[]): Promise<string[]> {
  const wanted = new Set(among);
  const args = ['--files-with-matches', '--no-messages', '--no-ignore', '--no-config', '--fixed-strings', '--word-regexp'];
  for (const w of words) args.push('-e', w);
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
      const hits = out.split('\n').filter(Boolean).map((p) => p.split(path.sep).join('/'));
      resolve(hits.filter((p) => wanted.has(p)).sort());
    });
  });
}


/** For each file among `among` that mentions one of `words`, the words it mentions. */
export function ripgrepWords(rg: string, root: string, among: readonly string[], words: readonly string[]): Promise<Map<string, string[]>> {
  const wanted = new Set(among);
  const args = ['--only-matching', '--no-line-number', '--with-filename', '--null', '--no-heading', '--no-messages', '--no-ignore', '--no-config', '--fixed-strings', '--word-regexp'];
  for (const w of words) args.push('-e', w);
  args.push('--', ...searchRoots(among));
  return new Promise((resolve, reject) => {
    const child = spawn(rg, args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
    const found = new Map<string, Set<string>>();
    let rest = '';
    const take = (line: string) => {
      const nul = line.indexOf('\0');
      if (nul < 0) return;
      const file = line.slice(0, nul).split(path.sep).join('/');
      if (!wanted.has(file)) return;
      const set = found.get(file) ?? new Set<string>();
      set.add(line.slice(nul + 1));
      found.set(file, set);
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      lines.forEach(take);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 && code !== 1 && code !== 2) return reject(new Error(`${rg} exited with status ${code}`));
      take(rest);
      resolve(new Map([...found].map(([f, w]) => [f, [...w]])));
    });
  });
}
