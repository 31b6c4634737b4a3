// Places a patch's hunks in a file as `git apply` does, so that the direction a patch applies in
// tells which side of it the tree holds. jsdiff's applyPatch cannot be used for that: it looks for
// a hunk's context anywhere, so a hunk that appends at the end of a file applies again to the
// file that already ends with the appended lines (its leading context is still there), and the
// already patched tree was taken for the pre-patch one.
import type { StructuredPatchHunk } from 'diff';

/** A hunk as the lines it needs (`before`) and the lines it leaves (`after`), each with its line end. */
export interface Hunk {
  /** 0-based line of `before` in the file the hunk applies to, as the header says. */
  at: number;
  before: string[];
  after: string[];
  /** Context lines before the first and after the last change: none at one side anchors the hunk there. */
  leading: number;
  trailing: number;
}

/**
 * The hunk as lines that keep their line end: a line followed by `\ No newline at end of file`
 * has none, so it only matches a last line without one, as git matches it. A CRLF file's lines
 * end in CRLF (the patch reader drops the CR), as jsdiff converted a patch for one.
 */
export function hunkOf(h: StructuredPatchHunk, eol: string): Hunk {
  const before: string[] = [];
  const after: string[] = [];
  const ops: string[] = [];
  h.lines.forEach((line, i) => {
    if (line.startsWith('\\')) return;
    // A blank context line may have lost its space to an editor that trims trailing blanks.
    const op = line === '' ? ' ' : line[0]!;
    const text = line.slice(1) + (h.lines[i + 1]?.startsWith('\\') ? '' : eol);
    if (op !== '+') before.push(text);
    if (op !== '-') after.push(text);
    ops.push(op);
  });
  const firstChange = ops.findIndex((op) => op !== ' ');
  const lastChange = ops.length - 1 - [...ops].reverse().findIndex((op) => op !== ' ');
  return {
    // jsdiff moved a count-0 side's start to the line it comes before: at is always start - 1.
    at: Math.max(0, h.oldStart - 1),
    before,
    after,
    leading: firstChange < 0 ? ops.length : firstChange,
    trailing: firstChange < 0 ? 0 : ops.length - 1 - lastChange,
  };
}

/** The hunk applied the other way. */
export function reversed(h: StructuredPatchHunk, eol: string): Hunk {
  const forward = hunkOf(h, eol);
  return { ...forward, at: Math.max(0, h.newStart - 1), before: forward.after, after: forward.before };
}

/** The file's lines, each with its line end (the last one may have none). */
function linesOf(text: string): string[] {
  return text === '' ? [] : text.split(/(?<=\n)/);
}

/** A file whose every line ends in CRLF takes the patch's lines with CRLF. */
export function lineEndOf(text: string): string {
  return /\r\n/.test(text) && !/(^|[^\r])\n/.test(text) ? '\r\n' : '\n';
}

function matchesAt(lines: readonly string[], h: Hunk, pos: number): boolean {
  return h.before.every((line, i) => lines[pos + i] === line);
}

/**
 * Where the hunk goes in `lines` at or after `from`: its context and removed lines must match
 * exactly (no fuzz, as git applies by default). Like git, a hunk may move by an offset from its
 * header's line, except that one without trailing context must end at the end of the file and
 * one that starts at the first line must start there: that is what stops an append at the end
 * from applying to a file that already has it. A hunk with no context at all (`diff -U0`) says
 * nothing about either end and goes where the header says, as with `git apply --unidiff-zero`.
 */
function placeOf(lines: readonly string[], h: Hunk, from: number, offset: number): number | undefined {
  const last = lines.length - h.before.length;
  const noContext = h.leading === 0 && h.trailing === 0;
  if (noContext) {
    const pos = h.at + offset;
    return pos >= from && pos <= last && matchesAt(lines, h, pos) ? pos : undefined;
  }
  const atStart = h.at === 0;
  const atEnd = h.trailing === 0;
  if (atStart || atEnd) {
    const pos = atStart ? 0 : last;
    const fits = pos >= from && pos <= last && (!atStart || !atEnd || pos === last) && matchesAt(lines, h, pos);
    return fits ? pos : undefined;
  }
  const want = h.at + offset;
  for (let d = 0; want - d >= from || want + d <= last; d++) {
    for (const pos of d === 0 ? [want] : [want - d, want + d]) {
      if (pos >= from && pos <= last && matchesAt(lines, h, pos)) return pos;
    }
  }
  return undefined;
}

/** The text with the hunks applied in order, or the index of the first one that does not fit. */
export function applyHunks(text: string, hunks: readonly Hunk[]): string | { failed: number } {
  const lines = linesOf(text);
  // Pieces of text rather than lines: a spread of a file's lines into push() overflows the stack
  // past about 120,000 of them, and generated headers have 200,000.
  const out: string[] = [];
  let copied = 0;
  // Later hunks move by as much as the earlier ones did, as in git and patch(1).
  let offset = 0;
  for (const [i, h] of hunks.entries()) {
    const pos = placeOf(lines, h, copied, offset);
    if (pos === undefined) return { failed: i };
    out.push(lines.slice(copied, pos).join(''), h.after.join(''));
    copied = pos + h.before.length;
    offset = pos - h.at;
  }
  out.push(lines.slice(copied).join(''));
  return out.join('');
}
