// Applies a patch in memory to the tree on disk, which may hold either side of it: like
// `git apply --check` and then `git apply --reverse --check`, the side that applies cleanly
// tells whether the tree is the pre-patch tree or already patched. The user's tree is never
// written to.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type StructuredPatchHunk, applyPatch, reversePatch } from 'diff';
import { UsageError } from '../errors.js';
import { decodeSource } from '../parser/parse-file.js';
import type { FilePatch, Patch } from './read.js';

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
        text = decodeSource(readFileSync(path.join(this.root, file)));
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

const asPatch = (hunks: StructuredPatchHunk[]) => ({
  oldFileName: '',
  newFileName: '',
  oldHeader: '',
  newHeader: '',
  hunks,
});

/** The text with the hunks applied, or the index of the first hunk that does not apply. */
function applyHunks(text: string, hunks: StructuredPatchHunk[]): string | { failed: number } {
  const whole = applyPatch(text, asPatch(hunks));
  if (whole !== false) return whole;
  // One at a time, each moved by what the earlier ones added, to name the one that fails.
  let out = text;
  let shift = 0;
  for (const [i, h] of hunks.entries()) {
    const next = applyPatch(out, asPatch([{ ...h, oldStart: h.oldStart + shift }]));
    if (next === false) return { failed: i };
    out = next;
    shift += h.newLines - h.oldLines;
  }
  return { failed: hunks.length - 1 };
}

function steps(patch: Patch, reverse: boolean): Step[] {
  if (!reverse) {
    return patch.files.map((p) => ({
      from: p.oldPath,
      to: p.newPath,
      hunks: p.hunks,
      keepFrom: p.copy,
      patch: p,
    }));
  }
  return [...patch.files].reverse().map((p) => ({
    from: p.newPath,
    to: p.oldPath,
    hunks: reversePatch(asPatch(p.hunks)).hunks,
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
    const result = applyHunks(source, step.hunks);
    // reversePatch keeps the hunks in order, so the index names the same hunk either way.
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

/**
 * Both sides of every file the patch touches. A patch that applies neither forwards nor
 * backwards is a UsageError naming the patch line, the file and the hunk.
 */
export function applyToTree(root: string, patch: Patch): Change {
  const forward = run(root, patch, false);
  const outcome = forward instanceof Files ? { files: forward, disk: 'old' as const } : undefined;
  const backward = outcome ? undefined : run(root, patch, true);
  const result = outcome ?? (backward instanceof Files ? { files: backward, disk: 'new' as const } : undefined);
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
