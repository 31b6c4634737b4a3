import { UnreadableFile } from './fs/read.js';
import type { Notification } from './model.js';

/**
 * A mistake in what the user asked for (an option, a path, a patch, a baseline): reported as
 * one line naming what is wrong, with exit status 2, never as a stack trace.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

const ERRNO_WORDS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'file name too long',
  EMFILE: 'too many open files',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EEXIST: 'already exists',
  EIO: 'input/output error',
  ENXIO: 'no such device or address (a FIFO nobody reads)',
  EPIPE: 'broken pipe',
};

/** A file system error in words a user reads ("no such file or directory"), not an errno code. */
export function fsErrorText(err: unknown): string {
  if (err instanceof UnreadableFile) return err.message;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && ERRNO_WORDS[code]) return ERRNO_WORDS[code];
  if (code) return code;
  return err instanceof Error ? err.message.split('\n')[0]! : String(err);
}

/**
 * The error line for a tree file that is there but cannot be read (a FIFO, a device, a link out
 * of the tree, no permission), saying what follows from it; none when it is simply not there
 * (a common, silent case).
 */
export function unreadable(file: string, err: unknown, consequence: string): Notification[] {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return [];
  return [{ level: 'error', file, message: `cannot read it (${fsErrorText(err)}); ${consequence}` }];
}
