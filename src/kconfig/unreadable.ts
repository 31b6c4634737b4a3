// A Kbuild or Kconfig file that is there but cannot be read (a FIFO, a device, a link out of the
// tree, no permission) is named in an error line: what it would have decided is then unknown,
// which makes the analysis take in more, never less.
import { fsErrorText } from '../errors.js';
import type { Notification } from '../model.js';

/** A file's problem, as the run reports it. */
export type Problem = Notification;

/** The error line for `file`; none when it is simply not there (a common, silent case). */
export function unreadable(file: string, err: unknown, consequence: string): Notification[] {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return [];
  return [{ level: 'error', file, message: `cannot read it (${fsErrorText(err)}); ${consequence}` }];
}

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
