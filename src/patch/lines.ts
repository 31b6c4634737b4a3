// Which lines a change adds, and where the old side's lines went: computed from the two
// texts, so that a patch applied at an offset, a series touching a file twice and `git diff`
// all come out the same.
import { diffLines } from 'diff';

export interface LineChanges {
  /** New-side lines (1-based) that the change adds or rewrites. */
  added: ReadonlySet<number>;
  /** The new-side line holding an old-side line, or where it was when the change removed it. */
  newLineOf(oldLine: number): number;
}

export function lineChanges(oldText: string, newText: string): LineChanges {
  const added = new Set<number>();
  const newLines: number[] = [0]; // index: old line
  let next = 1;
  for (const part of diffLines(oldText, newText)) {
    const count = part.count ?? 0;
    for (let i = 0; i < count; i++) {
      if (part.added) added.add(next + i);
      else newLines.push(part.removed ? next : next + i);
    }
    if (!part.removed) next += count;
  }
  const last = Math.max(next - 1, 1);
  return { added, newLineOf: (oldLine) => Math.min(newLines[oldLine] ?? last, last) };
}
