// Reads a patch as checkpatch takes one: a unified diff, `git diff` output or `git format-patch`
// mails (one or a series, quoted-printable or base64 as git am decodes them), from files (one
// patch after another) or from stdin ('-').
import { existsSync, fstatSync } from 'node:fs';
import path from 'node:path';
import { type StructuredPatch, type StructuredPatchHunk, parsePatch } from 'diff';
import { fsErrorText, UsageError } from '../errors.js';
import { decodeSource } from '../parser/parse-file.js';
import { decodeMails } from './mail.js';
import { readRegularFile } from '../fs/read.js';

export interface FilePatch {
  /** Tree path before the patch; null when the patch creates the file. */
  oldPath: string | null;
  /** Tree path after the patch; null when the patch deletes the file. */
  newPath: string | null;
  /** A git copy keeps the old file (a rename does not). */
  copy: boolean;
  hunks: StructuredPatchHunk[];
  /** Line of each hunk's `@@` header in the patch text, for errors. */
  hunkLines: number[];
  /** The patch it comes from, as errors name it. */
  source: string;
}

export interface Patch {
  files: FilePatch[];
}

/** A patch larger than this is not read: V8's strings end at 512 MiB, and a series that large is not one to lint. */
const MAX_PATCH_SIZE = 256 * 1024 * 1024;
const MAIL_START = /^From [0-9a-f]{40} /;
const HUNK_HEADER = /^@@ -\d+(,\d+)? \+\d+(,\d+)? @@/;

function isFileHeader(lines: string[], i: number): boolean {
  return (
    lines[i]!.startsWith('diff --git ') || (lines[i]!.startsWith('--- ') && lines[i + 1]?.startsWith('+++ ') === true)
  );
}

/**
 * Blanks what is not diff in the text, line for line so that line numbers stay right: each
 * mail's headers and commit message (which may hold lines such as `--- foo`) up to its first
 * file header, and the `-- ` signature git format-patch ends a mail with.
 */
export function diffLinesOnly(text: string): string[] {
  const lines = text.split(/\r?\n/);
  const mails = lines.flatMap((l, i) => (MAIL_START.test(l) ? [i] : []));
  const starts = mails.length ? mails : [0];
  starts.forEach((start, m) => {
    const end = starts[m + 1] ?? lines.length;
    let diff = start;
    while (diff < end && !isFileHeader(lines, diff)) diff++;
    for (let i = start; i < diff; i++) lines[i] = '';
    // The signature: a last `-- ` line followed by text (git's version) that cannot be diff content.
    const signature = lines.lastIndexOf('-- ', end - 1);
    const after = lines.slice(signature + 1, end);
    if (
      mails.length &&
      signature > diff &&
      after.some((l) => l !== '') &&
      after.every((l) => !/^[ +\-@\\]|^diff /.test(l))
    ) {
      for (let i = signature; i < end; i++) lines[i] = '';
    }
  });
  return lines;
}

/** The name without its first `p` directories, as `patch -p` reads it. */
function strip(name: string, p: number): string {
  return name.split('/').slice(p).join('/');
}

/**
 * The tree path a name in a diff stands for. A git name drops its a/ or b/; any other drops the
 * fewest leading directories that make it exist in the tree (on either side of the patch, so
 * that an applied patch resolves too), else that make its directory exist, else one, as
 * `patch -p1` does for the usual `diff -urN linux.orig linux`. Each is tried against the tree
 * root and then against `base`, the directory the command runs in: `git diff --relative` in a
 * subdirectory names files from there.
 */
function treePathOf(name: string, git: boolean, root: string, base: string): string {
  const depth = name.split('/').length;
  const levels = git ? [1] : [...Array(depth).keys()];
  const bases = base ? ['', base] : [''];
  for (const dir of [false, true]) {
    for (const p of levels) {
      for (const b of bases) {
        const file = path.posix.join(b, strip(name, p));
        const probe = dir ? path.posix.dirname(file) : file;
        // '.' would match every name: a new top-level file takes the default.
        if (probe !== '' && probe !== '.' && !path.isAbsolute(strip(name, p)) && existsSync(path.join(root, probe)))
          return path.posix.normalize(file);
      }
    }
  }
  return path.posix.normalize(strip(name, git ? 1 : Math.min(1, depth - 1)));
}

/**
 * A diff without git's headers says "new file" by a single hunk from nothing (diff -N), and "deleted" by one to
 * nothing.
 */
function onlyLines(p: StructuredPatch, sign: '+' | '-', counted: 'oldLines' | 'newLines'): boolean {
  const [hunk] = p.hunks;
  return (
    p.hunks.length === 1 && hunk![counted] === 0 && hunk!.lines.every((l) => l.startsWith(sign) || l.startsWith('\\'))
  );
}

function checkInside(file: string | null, where: string): void {
  if (file !== null && (path.isAbsolute(file) || file.split('/').includes('..'))) {
    throw new UsageError(`${where}: ${file}: the patch names a file outside the tree`);
  }
}

/**
 * Parses patch text; file names resolve against `root`, and then against `base` (the tree
 * path of the current directory, '' at the root or outside the tree).
 */
export function parsePatchText(text: string, name: string, root: string, base = ''): Patch {
  const lines = diffLinesOnly(text);
  let parsed: StructuredPatch[];
  try {
    parsed = parsePatch(lines.join('\n'));
  } catch (err) {
    // jsdiff names the line ("Hunk at line 24 …"), counted in the text it was given: ours.
    const message = (err as Error).message;
    const line = /\bline (\d+)/.exec(message)?.[1];
    throw new UsageError(`${name}${line ? `:${line}` : ''}: not a patch: ${message}`);
  }
  const headers = lines.flatMap((l, i) => (HUNK_HEADER.test(l) ? [i + 1] : []));
  let nextHunk = 0;
  const files = parsed
    // Binary patches carry nothing to analyze; text after the last hunk parses as a nameless, empty file.
    .filter((p) => !p.isBinary && (p.hunks.length > 0 || p.oldFileName !== undefined || p.newFileName !== undefined))
    .map((p): FilePatch => {
      const hunkLines = p.hunks.map(() => headers[nextHunk++] ?? 0);
      const creates = p.isCreate === true || p.oldFileName === '/dev/null' || onlyLines(p, '+', 'oldLines');
      const deletes = p.isDelete === true || p.newFileName === '/dev/null' || onlyLines(p, '-', 'newLines');
      const names = [p.oldFileName, p.newFileName].filter((n) => n !== undefined && n !== '/dev/null');
      const prefixed = (n: string | undefined, prefix: string) =>
        n === undefined || n === '/dev/null' || n.startsWith(prefix);
      const git = names.length > 0 && prefixed(p.oldFileName, 'a/') && prefixed(p.newFileName, 'b/');
      // Each name on its own: `diff -urN /abs/linux.orig .` gives them different depths.
      const treePath = (n: string | undefined) =>
        n === undefined || n === '/dev/null' ? null : treePathOf(n, git, root, base);
      const oldPath = creates ? null : treePath(p.oldFileName);
      const newPath = deletes ? null : treePath(p.newFileName);
      const where = `${name}:${hunkLines[0] ?? 1}`;
      checkInside(oldPath, where);
      checkInside(newPath, where);
      if (oldPath === null && newPath === null) throw new UsageError(`${where}: a file patch without a file name`);
      return { oldPath, newPath, copy: p.isCopy === true, hunks: p.hunks, hunkLines, source: name };
    });
  if (files.length === 0) throw new UsageError(`${name}: not a patch: no file changes in it`);
  return { files };
}

async function readStdin(): Promise<Buffer> {
  // `dmalint --diff - < drivers/`: a directory reads as nothing, which is not an empty patch.
  if (fstatSync(0).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The tree path of the current directory; '' at the root or outside the tree. */
function currentBase(root: string): string {
  const rel = path.relative(root, process.cwd());
  return rel.startsWith('..') || path.isAbsolute(rel) ? '' : rel.split(path.sep).join('/');
}

/**
 * Reads each file ('-': stdin) and parses them as one series, in order; every problem is a
 * UsageError naming the file. Empty stdin is nothing to check (undefined): `git diff | dmalint
 * --diff -` with nothing changed passes; an empty file named on the command line is not a patch.
 */
export async function readPatches(files: readonly string[], root: string): Promise<Patch | undefined> {
  const base = currentBase(root);
  const patches: Patch[] = [];
  for (const file of files) {
    const name = file === '-' ? '<stdin>' : file;
    let bytes: Buffer;
    try {
      bytes =
        file === '-'
          ? await readStdin()
          : readRegularFile(file, { limit: MAX_PATCH_SIZE, limitName: 'the patch limit' });
    } catch (err) {
      // `dmalint --diff p.patch drivers/iommu` makes the path a second patch: say where paths go.
      const hint =
        (err as NodeJS.ErrnoException).code === 'EISDIR' && file !== '-'
          ? ' (--diff takes patch files; put the paths to check before --diff)'
          : '';
      throw new UsageError(`${name}: cannot read the patch: ${fsErrorText(err)}${hint}`);
    }
    if (file === '-' && bytes.toString('latin1').trim() === '') continue;
    patches.push(parsePatchText(decodeSource(decodeMails(bytes)), name, root, base));
  }
  return patches.length ? { files: patches.flatMap((p) => p.files) } : undefined;
}
