// Applies a patch in memory to the tree on disk, which may hold either side of it: as with
// `git apply --check` and `git apply --reverse --check`, the side that applies tells whether the
// tree is the pre-patch tree or already patched; a patch that applies both ways is an error, not
// a guess. The user's tree is never written to.
import path from 'node:path';
import type { StructuredPatchHunk } from 'diff';
import { UsageError } from '../errors.js';
import { decodeSource } from '../parser/parse-file.js';
import { applyHunks, hunkOf, lineEndOf, reversed } from './hunks.js';
import type { FilePatch, Patch } from './read.js';
import { readRegularFile } from '../fs/read.js';

/** One file's contents on both sides of a change (null: the file does not exist there). */
export interface FileChange {
  path: string;
  old: string | null;
  new: string | null;
}

export interface Change {
  /** Which side the tree on disk holds; the other side is built in memory. */
  disk: 'old' | 'new';
  files: FileChange[];
}

/** Contents of tree files: read from disk once, then as the steps so far left them. */
class Files {
  readonly touched = new Map<string, string | null>();
  private readonly disk = new Map<string, string | null>();

  constructor(private readonly root: string) {}

  onDisk(file: string): string | null {
    if (!this.disk.has(file)) {
      let text: string | null = null;
      try {
        text = decodeSource(readRegularFile(path.join(this.root, file), { limit: 0, inside: this.root }));
      } catch {
        // Missing (or a directory): the patch decides whether that is a problem.
      }
      this.disk.set(file, text);
    }
    return this.disk.get(file)!;
  }

  get(file: string): string | null {
    return this.touched.has(file) ? this.touched.get(file)! : this.onDisk(file);
  }
}

interface Step {
  from: string | null;
  to: string | null;
  hunks: StructuredPatchHunk[];
  reverse: boolean;
  keepFrom: boolean;
  patch: FilePatch;
}

interface Failure {
  patch: FilePatch;
  hunk?: number;
  problem: string;
  /** Hunks applied before the failure: the direction that got further is the one meant. */
  applied: number;
}

function steps(patch: Patch, reverse: boolean): Step[] {
  if (!reverse) {
    return patch.files.map((p) => ({
      from: p.oldPath,
      to: p.newPath,
      hunks: p.hunks,
      reverse: false,
      keepFrom: p.copy,
      patch: p,
    }));
  }
  return [...patch.files].reverse().map((p) => ({
    from: p.newPath,
    to: p.oldPath,
    hunks: p.hunks,
    reverse: true,
    keepFrom: false,
    patch: p,
  }));
}

function run(root: string, patch: Patch, reverse: boolean): Files | Failure {
  const files = new Files(root);
  let applied = 0;
  for (const step of steps(patch, reverse)) {
    const fail = (problem: string, hunk?: number): Failure => ({ patch: step.patch, hunk, problem, applied });
    const source = step.from === null ? '' : files.get(step.from);
    if (source === null) return fail('no such file in the tree');
    if (step.from === null && step.to !== null && files.get(step.to) !== null)
      return fail('the patch creates it, but the tree already has it');
    const eol = lineEndOf(source);
    const result = applyHunks(
      source,
      step.hunks.map((h) => (step.reverse ? reversed(h, eol) : hunkOf(h, eol))),
    );
    if (typeof result !== 'string') return fail(`hunk #${result.failed + 1} does not apply`, result.failed);
    applied += step.hunks.length;
    if (step.to === null) {
      if (result.trim() !== '')
        return fail('the patch deletes the file, but the tree has more in it than the patch removes');
      files.touched.set(step.from!, null);
      continue;
    }
    files.touched.set(step.to, result);
    if (step.from !== null && step.from !== step.to && !step.keepFrom) files.touched.set(step.from, null);
  }
  return files;
}

function describe(f: Failure, reverse: boolean): string {
  const line = f.hunk !== undefined ? f.patch.hunkLines[f.hunk] : f.patch.hunkLines[0];
  const file = f.patch.oldPath ?? f.patch.newPath;
  const why = reverse ? ' (the tree looks already patched, but does not match the patch there either)' : '';
  return `${f.patch.source}${line ? `:${line}` : ''}: ${file}: ${f.problem}${why}`;
}

/** The first file the patch leaves different from the tree on disk, if any. */
function firstChanged(patch: Patch, files: Files): FilePatch | undefined {
  return patch.files.find((p) =>
    [p.oldPath, p.newPath].some(
      (file) => file !== null && files.touched.has(file) && files.touched.get(file) !== files.onDisk(file),
    ),
  );
}

/**
 * Both sides of every file the patch touches. A patch that applies neither forwards nor
 * backwards is a UsageError naming the patch line, the file and the hunk; so is one that
 * applies both ways (each hunk also matches elsewhere in the file, say in code repeated there):
 * git would apply it forwards, but which side the tree holds decides what is introduced and
 * what is fixed, so dmalint does not guess.
 */
export function applyToTree(root: string, patch: Patch): Change {
  const forward = run(root, patch, false);
  const backward = run(root, patch, true);
  if (forward instanceof Files && backward instanceof Files) {
    const changed = firstChanged(patch, forward);
    if (changed) {
      const file = changed.oldPath ?? changed.newPath;
      throw new UsageError(
        `${changed.source}:${changed.hunkLines[0] ?? 1}: ${file}: the patch applies both to the tree and in reverse, ` +
          'so whether the tree already has it cannot be told; check it on a tree without it, or use --since REV',
      );
    }
  }
  const result =
    forward instanceof Files
      ? { files: forward, disk: 'old' as const }
      : backward instanceof Files
        ? { files: backward, disk: 'new' as const }
        : undefined;
  if (!result) {
    const f = forward as Failure;
    const b = backward as Failure;
    throw new UsageError(b.applied > f.applied ? describe(b, true) : describe(f, false));
  }
  const { files, disk } = result;
  const changes = [...files.touched].map(([file, other]): FileChange => {
    const onDisk = files.onDisk(file);
    return disk === 'old' ? { path: file, old: onDisk, new: other } : { path: file, old: other, new: onDisk };
  });
  return {
    disk,
    files: changes.filter((c) => c.old !== c.new).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  };
}
