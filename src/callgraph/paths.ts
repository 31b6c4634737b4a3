// Path queries over the call graph. Both directions are breadth-first, so the path reported is
// a shortest one, and every node is visited once, so recursion terminates.
import type { Edge, FnNode } from './graph.js';
import { compareText } from '../order.js';

export interface Reached {
  fn: FnNode;
  /** Edges from the start down to `fn` (empty when `fn` is the start). */
  edges: Edge[];
}

function chain(parent: Map<FnNode, Edge | null>, fn: FnNode, forward: boolean): Edge[] {
  const edges: Edge[] = [];
  for (let e = parent.get(fn) ?? null; e; e = parent.get(forward ? e.from : e.to) ?? null) edges.push(e);
  return forward ? edges.reverse() : edges;
}

const byPosition = (a: Edge, b: Edge) =>
  compareText(a.to.file, b.to.file) || a.site.line - b.site.line || a.site.col - b.site.col || a.to.id - b.to.id;

/**
 * Functions reachable from `start` through calls, with the path to each. `follow` decides
 * whether an edge is taken (e.g. only calls a notifier makes for BUS_NOTIFY_ADD_DEVICE).
 */
export function reachableFrom(start: FnNode, follow: (edge: Edge) => boolean): Reached[] {
  const parent = new Map<FnNode, Edge | null>([[start, null]]);
  const order: FnNode[] = [start];
  for (let i = 0; i < order.length; i++) {
    const fn = order[i]!;
    for (const edge of [...fn.callees].sort(byPosition)) {
      if (parent.has(edge.to) || !follow(edge)) continue;
      parent.set(edge.to, edge);
      order.push(edge.to);
    }
  }
  return order.map((fn) => ({ fn, edges: chain(parent, fn, true) }));
}

/**
 * Callers of `start`, transitively, with the path from each down to `start` (edges in call
 * order). Callers in `blocked` are reached but not walked through, and so is every function
 * for which `expand` says no (the start included).
 */
export function callersOf(
  start: FnNode,
  blocked: ReadonlySet<FnNode>,
  expand: (fn: FnNode) => boolean = () => true,
): Reached[] {
  const parent = new Map<FnNode, Edge | null>([[start, null]]);
  const order: FnNode[] = [start];
  for (let i = 0; i < order.length; i++) {
    const fn = order[i]!;
    if ((i > 0 && blocked.has(fn)) || !expand(fn)) continue;
    const callers = [...fn.callers].sort(
      (a, b) => compareText(a.from.file, b.from.file) || a.site.line - b.site.line || a.from.id - b.from.id,
    );
    for (const edge of callers) {
      if (parent.has(edge.from)) continue;
      parent.set(edge.from, edge);
      order.push(edge.from);
    }
  }
  return order.map((fn) => ({ fn, edges: chain(parent, fn, false) }));
}
