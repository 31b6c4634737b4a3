// Which files make up the tree: its root, and the C files the configuration includes.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { globby } from 'globby';
import type { Config } from './config/types.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** The kernel tree holding `start`: the nearest directory upwards with MAINTAINERS, else the outermost one with Kbuild. */
export function findRoot(start: string): string | undefined {
  let dir = path.resolve(start);
  if (existsSync(dir) && !statSync(dir).isDirectory()) dir = path.dirname(dir);
  let kbuild: string | undefined;
  for (;;) {
    if (existsSync(path.join(dir, 'MAINTAINERS'))) return dir;
    if (existsSync(path.join(dir, 'Kbuild'))) kbuild = dir;
    else if (kbuild) return kbuild;
    const parent = path.dirname(dir);
    if (parent === dir) return kbuild;
    dir = parent;
  }
}

/** Files to analyze, relative to the root, '/'-separated and sorted. */
export async function listSourceFiles(root: string, config: Config): Promise<string[]> {
  const files = await globby(config.paths.include, {
    cwd: root,
    ignore: config.paths.exclude,
    onlyFiles: true,
    followSymbolicLinks: false,
    dot: false,
    suppressErrors: true,
  });
  return files.sort();
}

export function toTreePath(root: string, p: string): string {
  const rel = path.relative(root, path.resolve(p));
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new UsageError(`${p} is outside the tree root ${root}`);
  return rel.split(path.sep).join('/');
}
