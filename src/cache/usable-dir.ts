// A cache directory is checked once, before the scan: one that cannot be created or written
// (another user's ~/.cache, a path through a file, a directory under /proc) makes the run go on
// without a cache, after one warning line. Created one level at a time: a recursive mkdir
// under /proc does not fail but loops (Node 20), and nothing may make a run hang.
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { probeWritable } from '../fs/write.js';

/** Creates `dir` if needed and proves it writable; the reason it cannot serve, or undefined. */
export function cacheDirProblem(dir: string): string | undefined {
  const target = path.resolve(dir);
  const missing: string[] = [];
  let existing = target;
  for (;;) {
    let st;
    try {
      st = statSync(existing, { throwIfNoEntry: false });
    } catch (err) {
      return (err as NodeJS.ErrnoException).code ?? String(err);
    }
    if (st) {
      if (!st.isDirectory()) return `${existing} is not a directory`;
      break;
    }
    missing.unshift(existing);
    const parent = path.dirname(existing);
    if (parent === existing) return 'no such directory';
    existing = parent;
  }
  try {
    for (const d of missing) mkdirSync(d);
    probeWritable(target);
    return undefined;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return `${e.code ?? 'error'} ${e.path ?? ''}`.trim();
  }
}

/** `dir`, or false after one warning when it cannot serve: the run goes on without a cache. */
export function usableCacheDir(dir: string, warn: (line: string) => void): string | false {
  const problem = cacheDirProblem(dir);
  if (problem === undefined) return dir;
  warn(`warning: cache directory ${dir} cannot be used (${problem}); running without a cache`);
  return false;
}
