// A path of calls, shared rather than copied. Every function a query reaches, and every effect
// a function has through its helpers, carries the path to it: as arrays, a chain of n calls
// held n paths of up to n edges (a 20,000-function chain: 20 s and 2.9 GB). A path here is the
// path it extends plus one edge, so each costs one node; most are only asked for their first
// edge and length, and only the reported ones are ever spelt out.
import type { Edge } from './graph.js';

export class EdgePath implements Iterable<Edge> {
  static readonly empty = new EdgePath(undefined, undefined, undefined);

  /** The call the path starts with (the one made by the function the path starts from). */
  readonly first: Edge | undefined;
  readonly length: number;

  /** `before`, then `edge`, then `after`. */
  private constructor(
    private readonly before: EdgePath | undefined,
    private readonly edge: Edge | undefined,
    private readonly after: EdgePath | undefined,
  ) {
    this.first = before?.first ?? edge ?? after?.first;
    this.length = (before?.length ?? 0) + (edge ? 1 : 0) + (after?.length ?? 0);
  }

  /** The edges, in call order. */
  static of(edges: readonly Edge[]): EdgePath {
    let path = EdgePath.empty;
    for (let i = edges.length - 1; i >= 0; i--) path = path.prepend(edges[i]!);
    return path;
  }

  /** `edge`, then this path. */
  prepend(edge: Edge): EdgePath {
    return new EdgePath(undefined, edge, this.length ? this : undefined);
  }

  /** This path, then `edge`. */
  append(edge: Edge): EdgePath {
    return new EdgePath(this.length ? this : undefined, edge, undefined);
  }

  /** This path, then `rest`. */
  concat(rest: EdgePath): EdgePath {
    if (!rest.length) return this;
    if (!this.length) return rest;
    return new EdgePath(this, undefined, rest);
  }

  /** In call order; without recursion, as a path may be as deep as the program. */
  *[Symbol.iterator](): Iterator<Edge> {
    const stack: (EdgePath | Edge)[] = [this];
    while (stack.length) {
      const top = stack.pop()!;
      if (!(top instanceof EdgePath)) {
        yield top;
        continue;
      }
      if (top.after) stack.push(top.after);
      if (top.edge) stack.push(top.edge);
      if (top.before) stack.push(top.before);
    }
  }

  toArray(): Edge[] {
    return [...this];
  }
}
