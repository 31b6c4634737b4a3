// The open blocks of a Kconfig file (`if`, `menu`, `choice`), innermost last.

/**
 * Where the innermost open block of `kind` is (-1: none), searched from the end: the block an
 * `end…` closes is nearly always the last, so a nesting 100,000 deep reads in linear time.
 */
export function lastOfKind(blocks: readonly { kind: string }[], kind: string): number {
  let i = blocks.length - 1;
  while (i >= 0 && blocks[i]!.kind !== kind) i--;
  return i;
}
