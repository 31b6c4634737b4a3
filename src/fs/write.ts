// Every file dmalint writes (the report, cache files, the cache directory's probe) is written
// through a temporary file that this process creates itself: O_CREAT|O_EXCL|O_NOFOLLOW under a
// name nobody can guess, so that a link or file planted in a shared directory is never opened,
// let alone truncated. Synchronous on purpose: a signal is handled before the temporary file
// exists or after the rename (cli/run.ts).
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  openSync,
  readlinkSync,
  renameSync,
  rmSync,
  type Stats,
  writeSync,
} from 'node:fs';
import path from 'node:path';

const { O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK, O_WRONLY } = constants;
/** Attempts at a fresh name before giving up: a collision of 96 random bits means someone guesses them. */
const NAME_ATTEMPTS = 8;
/** Links followed to find what an --output link names, as the kernel's own limit (ELOOP). */
const MAX_LINKS = 40;

function writeAll(fd: number, data: string | Buffer): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

/**
 * A file created by this call in `dir`, open for writing: its name starts with `prefix` and
 * ends in random characters. It never exists before, and a link there is never followed.
 */
export function createExclusive(dir: string, prefix: string, mode = 0o666): { file: string; fd: number } {
  for (let attempt = 1; ; attempt++) {
    const file = path.join(dir, `${prefix}${randomBytes(12).toString('base64url')}.tmp`);
    try {
      return { file, fd: openSync(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= NAME_ATTEMPTS) throw err;
    }
  }
}

/** Writes `data` to a new temporary file in `dir` and renames it to `target`, giving it `mode` if set. */
function replaceThroughTemp(target: string, data: string | Buffer, mode?: number): void {
  const { file, fd } = createExclusive(path.dirname(target), `.${path.basename(target)}.`);
  try {
    try {
      writeAll(fd, data);
      if (mode !== undefined) fchmodSync(fd, mode);
    } finally {
      closeSync(fd);
    }
    renameSync(file, target);
  } catch (err) {
    rmSync(file, { force: true });
    throw err;
  }
}

function lstatOrUndefined(file: string): Stats | undefined {
  return lstatSync(file, { throwIfNoEntry: false });
}

/** The path an --output link finally names (a missing file at the end of the chain is created there). */
function linkTarget(file: string): { file: string; st: Stats | undefined } {
  let current = file;
  for (let links = 0; ; links++) {
    const st = lstatOrUndefined(current);
    if (!st?.isSymbolicLink()) return { file: current, st };
    if (links >= MAX_LINKS) throw Object.assign(new Error(`${file}: too many symbolic links`), { code: 'ELOOP' });
    current = path.resolve(path.dirname(current), readlinkSync(current));
  }
}

/**
 * Writes into a device node, FIFO or socket where it is, as a compiler's `-o /dev/null` does:
 * replacing it by a regular file would destroy it. A FIFO nobody reads is an error (ENXIO), not
 * a wait: it is opened without blocking first.
 */
function writeInPlace(file: string, data: string | Buffer): 'written' | 'now a regular file' {
  closeSync(openSync(file, O_WRONLY | O_NONBLOCK | O_NOFOLLOW));
  const fd = openSync(file, O_WRONLY | O_NOFOLLOW);
  try {
    // Opened without O_TRUNC: a regular file put there since the lstat is replaced as any other.
    if (fstatSync(fd).isFile()) return 'now a regular file';
    writeAll(fd, data);
    return 'written';
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces `target` with `data`, whole or not at all: a reader never sees half of it, and a
 * failed write leaves the old file in place. An existing file keeps its permissions; a link is
 * followed to the file it names, which is replaced (the link stays); a device node or FIFO is
 * written where it is.
 */
export function replaceFile(target: string, data: string | Buffer): void {
  const { file, st } = linkTarget(path.resolve(target));
  if (st && !st.isFile() && writeInPlace(file, data) === 'written') return;
  replaceThroughTemp(file, data, st ? st.mode & 0o7777 : undefined);
}

/**
 * Replaces the directory entry `target` itself with `data`, whole or not at all: whatever is
 * there (a planted link, a FIFO) is renamed over, never followed or opened. For the files
 * dmalint alone owns, such as its cache.
 */
export function replaceEntry(target: string, data: string | Buffer): void {
  replaceThroughTemp(target, data);
}

/** Writes a new file in `dir` and removes it: whether the directory takes files, without touching any other. */
export function probeWritable(dir: string): void {
  const { file, fd } = createExclusive(dir, '.probe.');
  closeSync(fd);
  rmSync(file);
}
