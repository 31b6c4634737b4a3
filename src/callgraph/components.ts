// Strongly connected components of a call graph, for analyses that compute a function's result
// from its callees': a recursion is solved as one component, so no result depends on which
// function was asked about first.
import type { FnNode } from './graph.js';

/**
 * The components `root` reaches that are not `done` yet, callees' components first (Tarjan's
 * algorithm, iterative: kernel call chains can be deep).
 */
export function componentsUpTo(
  root: FnNode,
  callees: (fn: FnNode) => readonly FnNode[],
  done: (fn: FnNode) => boolean,
): FnNode[][] {
  const index = new Map<FnNode, number>();
  const low = new Map<FnNode, number>();
  const stack: FnNode[] = [];
  const onStack = new Set<FnNode>();
  const out: FnNode[][] = [];
  const work: { fn: FnNode; next: number; to: readonly FnNode[] }[] = [];
  const visit = (fn: FnNode) => {
    index.set(fn, index.size);
    low.set(fn, index.get(fn)!);
    stack.push(fn);
    onStack.add(fn);
    work.push({ fn, next: 0, to: callees(fn) });
  };
  visit(root);
  while (work.length) {
    const frame = work[work.length - 1]!;
    if (frame.next < frame.to.length) {
      const to = frame.to[frame.next++]!;
      if (done(to)) continue;
      if (!index.has(to)) visit(to);
      else if (onStack.has(to)) low.set(frame.fn, Math.min(low.get(frame.fn)!, index.get(to)!));
      continue;
    }
    work.pop();
    const parent = work[work.length - 1];
    if (parent) low.set(parent.fn, Math.min(low.get(parent.fn)!, low.get(frame.fn)!));
    if (low.get(frame.fn) === index.get(frame.fn)) {
      const members: FnNode[] = [];
      let member: FnNode;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        members.push(member);
      } while (member !== frame.fn);
      out.push(members);
    }
  }
  return out;
}
