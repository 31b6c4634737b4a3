// A Kbuild or Kconfig file that is there but cannot be read (a FIFO, a device, a link out of the
// tree, no permission) is named in an error line: what it would have decided is then unknown,
// which makes the analysis take in more, never less.
import { fsErrorText } from '../errors.js';
import type { Notification } from '../model.js';

/** The error line for `file`; none when it is simply not there (a common, silent case). */
export function unreadable(file: string, err: unknown, consequence: string): Notification[] {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return [];
  return [{ level: 'error', file, message: `cannot read it (${fsErrorText(err)}); ${consequence}` }];
}

/** A Kconfig `source` whose path climbs out of the tree (or is absolute) is not followed. */
export function sourceOutside(file: string, line: number, target: string): Notification {
  return {
    level: 'error',
    file,
    line,
    message: `source "${target}" names a file outside the tree; not read, the symbols it defines are unknown`,
  };
}

/** Whether a tree path given in a Kconfig or Makefile leaves the tree. */
export function leavesTree(normalized: string): boolean {
  return normalized === '..' || normalized.startsWith('../') || normalized.startsWith('/');
}
