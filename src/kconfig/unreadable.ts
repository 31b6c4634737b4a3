// A Kbuild or Kconfig file that is there but cannot be read (a FIFO, a device, a link out of the
// tree, no permission) is named in an error line (errors.ts unreadable()): what it would have
// decided is then unknown, which makes the analysis take in more, never less. So is a Kconfig
// `source` that leaves the tree.
import type { Notification } from '../model.js';

/** A file's problem, as the run reports it. */
export type Problem = Notification;

export { unreadable } from '../errors.js';

/** A Kconfig `source` (at `offset` in the text) whose path leaves the tree or is absolute is not followed. */
export function sourceOutside(file: string, text: string, offset: number, target: string): Notification {
  return {
    level: 'error',
    file,
    line: text.slice(0, offset).split('\n').length,
    message: `source "${target}" names a file outside the tree; not read, the symbols it defines are unknown`,
  };
}

/** Whether a tree path given in a Kconfig or Makefile leaves the tree. */
export function leavesTree(normalized: string): boolean {
  return normalized === '..' || normalized.startsWith('../') || normalized.startsWith('/');
}
