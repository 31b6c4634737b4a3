// Path queries over the call graph. Both directions are breadth-first, so the path reported is
// a shortest one, and every node is visited once, so recursion terminates. Each function's
// path extends the one it was reached from (edge-path.ts): linear in the functions reached.
import { EdgePath } from './edge-path.js';
import type { Edge, FnNode } from './graph.js';
import { compareText } from '../order.js';

export interface Reached {
  fn: FnNode;
  /** Edges from the start down to `fn` (empty when `fn` is the start). */
  edges: EdgePath;
}

const byPosition = (a: Edge, b: Edge) =>
  compareText(a.to.file, b.to.file) || a.site.line - b.site.line || a.site.col - b.site.col || a.to.id - b.to.id;

/**
 * Functions reachable from `start` through calls, with the path to each. `follow` decides
 * whether an edge is taken (e.g. only calls a notifier makes for BUS_NOTIFY_ADD_DEVICE).
 */
export function reachableFrom(start: FnNode, follow: (edge: Edge) => boolean): Reached[] {
  const paths = new Map<FnNode, EdgePath>([[start, EdgePath.empty]]);
  const order: FnNode[] = [start];
  for (let i = 0; i < order.length; i++) {
    const fn = order[i]!;
    for (const edge of [...fn.callees].sort(byPosition)) {
      if (paths.has(edge.to) || !follow(edge)) continue;
      paths.set(edge.to, paths.get(fn)!.append(edge));
      order.push(edge.to);
    }
  }
  return order.map((fn) => ({ fn, edges: paths.get(fn)! }));
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
  const paths = new Map<FnNode, EdgePath>([[start, EdgePath.empty]]);
  const order: FnNode[] = [start];
  for (let i = 0; i < order.length; i++) {
    const fn = order[i]!;
    if ((i > 0 && blocked.has(fn)) || !expand(fn)) continue;
    const callers = [...fn.callers].sort(
      (a, b) => compareText(a.from.file, b.from.file) || a.site.line - b.site.line || a.from.id - b.from.id,
    );
    for (const edge of callers) {
      if (paths.has(edge.from)) continue;
      paths.set(edge.from, paths.get(fn)!.prepend(edge));
      order.push(edge.from);
    }
  }
  return order.map((fn) => ({ fn, edges: paths.get(fn)! }));
}
