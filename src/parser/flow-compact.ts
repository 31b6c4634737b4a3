// A function's flow graph as the analyses read it: the blocks the builder makes for every
// statement, with jumps through empty ones threaded and the unreachable ones dropped, so that
// the cached summary stays small.
import type { FlowBlock, FlowEnd } from './summary.js';

/** Jumps through empty blocks threaded, unreachable blocks dropped, the entry kept first. */
export function compact(blocks: readonly FlowBlock[]): FlowBlock[] {
  const forward = (start: number): number => {
    let b = start;
    const seen = new Set<number>();
    for (;;) {
      const block = blocks[b]!;
      if (block.ev || block.end.k !== 'jump' || block.end.to.length !== 1 || seen.has(b)) return b;
      seen.add(b);
      b = block.end.to[0]!;
    }
  };
  const successors = (end: FlowEnd): number[] =>
    end.k === 'jump' ? end.to : end.k === 'branch' ? [end.then, end.else] : [];
  const index = new Map<number, number>();
  const order: number[] = [];
  const visit = (b: number): number => {
    const target = forward(b);
    let i = index.get(target);
    if (i === undefined) {
      i = order.length;
      index.set(target, i);
      order.push(target);
    }
    return i;
  };
  visit(0);
  for (let i = 0; i < order.length; i++) for (const s of successors(blocks[order[i]!]!.end)) visit(s);
  return order.map((b) => {
    const { ev, end } = blocks[b]!;
    const mapped: FlowEnd =
      end.k === 'jump'
        ? { k: 'jump', to: [...new Set(end.to.map((t) => index.get(forward(t))!))] }
        : end.k === 'branch'
          ? { ...end, then: index.get(forward(end.then))!, else: index.get(forward(end.else))! }
          : end;
    return ev ? { ev, end: mapped } : { end: mapped };
  });
}
