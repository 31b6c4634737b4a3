// Where a kernel tree's top is, and a path's name in it: asked before anything is listed (the
// Kbuild checker's later calls ask only this, so it loads nothing of the listing).
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

const isDir = (p: string) => statSync(p, { throwIfNoEntry: false })?.isDirectory() === true;
const isFile = (p: string) => statSync(p, { throwIfNoEntry: false })?.isFile() === true;

/** Whether `dir` looks like the top of a kernel tree: MAINTAINERS, or a Kbuild or Makefile beside arch/. */
export function looksLikeKernelTree(dir: string): boolean {
  // Whatever MAINTAINERS is (a FIFO, a link out of the tree), its name marks the top of a
  // tree: whether it can be read is the routing's question, said there.
  const maintainers = statSync(path.join(dir, 'MAINTAINERS'), { throwIfNoEntry: false });
  return (
    (maintainers !== undefined && !maintainers.isDirectory()) ||
    ((isFile(path.join(dir, 'Kbuild')) || isFile(path.join(dir, 'Makefile'))) && isDir(path.join(dir, 'arch')))
  );
}

export interface FoundRoot {
  root: string;
  /** Set when no directory upwards has MAINTAINERS and the root is a guess: why it was chosen. */
  guess?: string;
}

/**
 * The kernel tree holding `start`: the nearest directory upwards with MAINTAINERS (a kernel
 * tree has one, at its top, beside Kbuild, Makefile and arch/). Kbuild files sit all over a tree (arch/arm has one), so
 * they only serve as
 * a guess when no MAINTAINERS is found at all: the outermost directory of the unbroken chain
 * of Kbuild files above `start`.
 */
export function findRoot(start: string): FoundRoot | undefined {
  let first = path.resolve(start);
  if (existsSync(first) && !statSync(first).isDirectory()) first = path.dirname(first);
  const ancestors: string[] = [];
  for (let dir = first; ; dir = path.dirname(dir)) {
    ancestors.push(dir);
    if (path.dirname(dir) === dir) break;
  }
  const top = ancestors.find((d) => isFile(path.join(d, 'MAINTAINERS')));
  if (top) return { root: top };
  let kbuild: string | undefined;
  for (const dir of ancestors) {
    if (existsSync(path.join(dir, 'Kbuild'))) kbuild = dir;
    else if (kbuild) break;
  }
  return kbuild
    ? {
        root: kbuild,
        guess:
          `no MAINTAINERS above ${first}; taking ${kbuild}, the outermost directory with Kbuild, as the ` +
          `tree root (give --root to choose)`,
      }
    : undefined;
}

export function toTreePath(root: string, p: string): string {
  const rel = path.relative(root, path.resolve(p));
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new UsageError(`${p} is outside the tree root ${root}`);
  return rel.split(path.sep).join('/');
}
