// The struct types that hold a table's type, layer by layer: a call `r->a->b->f()` reaches the
// table T through `r`'s declared type, which holds (as a member, by value or by pointer) a type
// that holds … T. Growth searches these types' names to find every call that can load T; the
// call graph resolves only calls whose chain stays within the layers searched, so that a
// prefiltered scan and one that parses every file resolve the same calls.
import type { FileSummary } from '../parser/summary.js';

/** Struct tag → the struct tags with a member of that type. */
export function holdersIndex(files: readonly FileSummary[]): Map<string, Set<string>> {
  const holders = new Map<string, Set<string>>();
  for (const file of files)
    for (const s of file.structs)
      for (const t of Object.values(s.members)) {
        const set = holders.get(t) ?? new Set<string>();
        set.add(s.name);
        holders.set(t, set);
      }
  return holders;
}

/**
 * Struct tags defined in a header. A struct defined only in .c files is used only in them, and
 * they are parsed already (that is where its definition was found): its name, often as plain as
 * `priv`, need not be searched for.
 */
export function definedInHeaders(files: readonly FileSummary[]): Set<string> {
  const out = new Set<string>();
  for (const file of files) if (file.file.endsWith('.h')) for (const s of file.structs) out.add(s.name);
  return out;
}

/**
 * The layers of types holding `table` (layer 0 is the table itself), as deep as they stay
 * within `max` types in all; `stop` types (struct device, interfaces) are never climbed
 * through, since nearly every driver struct holds them. The last layer returned is complete:
 * the next one would have gone over `max`.
 */
export function holderLayers(
  table: string,
  holders: ReadonlyMap<string, ReadonlySet<string>>,
  max: number,
  stop: (type: string) => boolean,
): string[][] {
  const layers = [[table]];
  const seen = new Set([table]);
  for (;;) {
    const next: string[] = [];
    for (const type of layers.at(-1)!)
      for (const h of holders.get(type) ?? [])
        if (!seen.has(h) && !stop(h)) {
          seen.add(h);
          next.push(h);
        }
    if (next.length === 0 || seen.size > max) return layers;
    layers.push(next.sort());
  }
}
