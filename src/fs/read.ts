// Every file dmalint reads is read here: only a regular file, checked on the open descriptor
// (a FIFO or device swapped in after a directory listing is caught too), opened without
// blocking (a FIFO nobody writes would wait forever), and never more than a limit (a link to
// /dev/zero would fill memory). Anything else is an error with a code and words for the user.
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, type Stats, statSync } from 'node:fs';
import path from 'node:path';

const { O_NONBLOCK, O_RDONLY } = constants;

/**
 * The largest file read when no limit is given, --max-file-size's default: a generated 50 MB
 * register header is not worth parsing; the largest kernel .c is ~2 MB.
 */
export const DEFAULT_READ_LIMIT = 4 * 1024 * 1024;

/** Why a file was not read: `code` as Node's errors have one, the message in words. */
export class UnreadableFile extends Error {
  override name = 'UnreadableFile';
  constructor(
    readonly code: 'EISDIR' | 'ENOTREG' | 'EFBIG' | 'EOUTSIDE',
    message: string,
    /** For EFBIG: the file's size and the limit it exceeds. */
    readonly size?: { bytes: number; limit: number },
  ) {
    super(message);
  }

  /** The file, as Node's own errors name it; set by readRegularFile. */
  path = '';
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** What a file that is not a regular file is, as the error says it: "a FIFO, not a regular file". */
export function notRegular(st: Stats): string {
  return st.isDirectory() ? 'is a directory' : `${kindOf(st)}, not a regular file`;
}

/** 4 MiB, 50.0 MiB, 12 KiB, 900 bytes. */
export function formatSize(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ] as const) {
    if (bytes >= size) return `${Number.isInteger(bytes / size) ? bytes / size : (bytes / size).toFixed(1)} ${unit}`;
  }
  return `${bytes} bytes`;
}

export interface ReadOptions {
  /** Bytes at most (0: no limit); DEFAULT_READ_LIMIT when not given. */
  limit?: number;
  /** The option that sets the limit, as the error names it. */
  limitName?: string;
  /** A directory the file must lie in once links are resolved (its real path). */
  inside?: string;
}

/**
 * The bytes of `file`. Throws Node's errors for a file that cannot be opened (ENOENT, EACCES…),
 * and UnreadableFile for one that is not a regular file (ENOTREG), is over the limit (EFBIG) or
 * lies outside `inside` (EOUTSIDE).
 */
export function readRegularFile(file: string, options: ReadOptions = {}): Buffer {
  try {
    return readChecked(file, options);
  } catch (err) {
    if (err instanceof UnreadableFile) err.path = file;
    throw err;
  }
}

function readChecked(file: string, options: ReadOptions): Buffer {
  const limit = options.limit ?? DEFAULT_READ_LIMIT;
  // Resolved before it is opened: opening a device outside the tree may already do something.
  const real = options.inside === undefined ? undefined : realInside(file, options.inside);
  const fd = openSync(file, O_RDONLY | O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    // EISDIR as Node's own read says it, for the callers that give advice on it.
    if (st.isDirectory()) throw new UnreadableFile('EISDIR', notRegular(st));
    if (!st.isFile()) throw new UnreadableFile('ENOTREG', notRegular(st));
    if (real !== undefined) sameFile(real, st);
    const tooBig = (bytes: number) =>
      new UnreadableFile(
        'EFBIG',
        `${formatSize(bytes)}, larger than ${options.limitName ?? '--max-file-size'} ${formatSize(limit)}`,
        { bytes, limit },
      );
    if (limit > 0 && st.size > limit) throw tooBig(st.size);
    // The size may change while it is read: read to the end, but never past the limit.
    const chunks: Buffer[] = [];
    let total = 0;
    // A short read of a regular file is its end; files such as /proc's say size 0 and are read on.
    for (let want = st.size + 1; ; want = 65536) {
      const chunk = Buffer.allocUnsafe(want);
      const n = readSync(fd, chunk, 0, want, null);
      chunks.push(n === want ? chunk : chunk.subarray(0, n));
      total += n;
      if (limit > 0 && total > limit) throw tooBig(total);
      if (n < want) break;
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** The text of `file` as UTF-8 (see readRegularFile). */
export function readRegularText(file: string, options: ReadOptions = {}): string {
  return readRegularFile(file, options).toString('utf8');
}

const realRoots = new Map<string, string>();

function realRoot(dir: string): string {
  let real = realRoots.get(dir);
  if (real === undefined) {
    real = realpathSync(dir);
    realRoots.set(dir, real);
  }
  return real;
}

function outside(): UnreadableFile {
  return new UnreadableFile('EOUTSIDE', 'it lies outside the tree (through a link or ..)');
}

/** The real path of `file`, which must lie in `dir` once links are resolved: a tree's files are its own. */
function realInside(file: string, dir: string): string {
  const real = realpathSync(file);
  const rel = path.relative(realRoot(dir), real);
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw outside();
  return real;
}

/** The descriptor must be the file the path resolved to, or a link was swapped meanwhile. */
function sameFile(real: string, opened: Stats): void {
  const st = statSync(real);
  if (st.ino !== opened.ino || st.dev !== opened.dev) throw outside();
}
