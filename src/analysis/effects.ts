// What a function does to a device's DMA state, through its helpers: ops installed or cleared,
// device attached or detached, mapping created or released. Configured APIs are not walked
// into: rules.yaml states their effects.
import { componentsUpTo } from '../callgraph/components.js';
import { EdgePath } from '../callgraph/edge-path.js';
import type { CallGraph, Edge, FnNode } from '../callgraph/graph.js';
import { type Config, activePairs } from '../config/types.js';
import type { StateKind } from '../model.js';
import { opsWritesIn, siteText } from './ops-writes.js';
import { reachableWith } from './constant-args.js';
import type { ParamConstraint } from '../parser/summary.js';
import { countBuild } from './builds.js';
import { keptByAnotherObject } from '../callgraph/device.js';
import { restoresAttach } from './restores.js';

export interface Effect {
  kind: StateKind;
  op: 'establish' | 'undo';
  /** Calls from the function asked about down to the one holding the site. */
  edges: EdgePath;
  fn: FnNode;
  site: { line: number; col: number; endLine: number; endCol: number };
  /** The site's own text (siteText). */
  text: string;
  /**
   * The constraints on the parameters of the function asked about under which the effect can
   * happen: its own site's, or that of the call that leads to it (constant-args.ts).
   */
  params: readonly ParamConstraint[];
  /** What does it: `arm_iommu_attach_device()`, `set_dma_ops()`. */
  what: string;
  /** Members tested true on the way (ownership flags). */
  guards: string[];
  /** `mmu->mapping = arm_iommu_create_mapping(…)`: the member the state is kept in. */
  storedIn?: string;
  /** Kept in another object than the device (device.ts keptByAnotherObject): that object's to undo. */
  keptElsewhere?: boolean;
  /** `arm_iommu_release_mapping(mmu->mapping)`: the member released. */
  releasedFrom?: string;
  cond: string[];
}

/** Keep one effect per (kind, op, first statement, …): enough for the rules, and bounded. */
function dedupe(effects: Effect[]): Effect[] {
  const seen = new Set<string>();
  return effects.filter((e) => {
    const top = e.edges.first?.site ?? e.site;
    const key = `${e.kind}:${e.op}:${top.line}:${top.col}:${e.storedIn ?? ''}:${e.guards.join(',')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The order effects are listed in: by the statement of the function asked about. */
function byTopStatement(a: Effect, b: Effect): number {
  const sa = a.edges.first?.site ?? a.site;
  const sb = b.edges.first?.site ?? b.site;
  return sa.line - sb.line || sa.col - sb.col;
}

/** Calls from the function asked about, with the members they test true (Effect.guards), each once. */
interface Prefix {
  path: EdgePath;
  last: Edge;
  guards: readonly string[];
}

function extend(prefix: Prefix | undefined, edge: Edge): Prefix {
  const guards = prefix ? [...new Set([...prefix.guards, ...edge.site.guards])] : edge.site.guards;
  return { path: (prefix?.path ?? EdgePath.empty).append(edge), last: edge, guards };
}

/**
 * Effects are computed per strongly connected component of the call graph, callees' components
 * first, so that a result never depends on which function of a recursion was asked about (or
 * defined) first. A call into another function of the same component contributes what that
 * function reaches without coming back through the caller: the shortest such path to each
 * function of the component (breadth-first, calls in source order), then what those
 * functions' calls out of the component do.
 */
export class EffectAnalysis {
  private memo = new Map<FnNode, Effect[]>();
  private directMemo = new Map<FnNode, Effect[]>();
  private apis: Map<string, { establishes: StateKind[]; undoes: StateKind[] }>;
  private pairs: Set<string>;

  constructor(
    private graph: CallGraph,
    private config: Config,
  ) {
    this.apis = new Map(config.apis.effects.map((e) => [e.name, e]));
    this.pairs = new Set(activePairs(config).flatMap((p) => [p.setup, p.teardown]));
    countBuild('effects');
  }

  private direct(fn: FnNode): Effect[] {
    const out: Effect[] = [];
    for (const w of opsWritesIn(this.graph, this.config, fn)) {
      out.push({
        kind: 'ops',
        op: w.clears ? 'undo' : 'establish',
        edges: EdgePath.empty,
        fn,
        site: w,
        text: siteText(w.site),
        what: w.what,
        guards: w.guards,
        params: w.site.params,
        cond: w.cond,
      });
    }
    for (const site of fn.summary.calls) {
      const api = site.viaMember ? undefined : this.apis.get(site.callee);
      if (!api) continue;
      const base = {
        edges: EdgePath.empty,
        fn,
        site,
        text: siteText(site),
        what: `${site.callee}()`,
        guards: site.guards,
        params: site.params,
        cond: site.cond,
      };
      // Kept in a member directly, or through a local first: `m = create(); mmu->mapping = m;`
      const storedIn =
        site.storedInMember ??
        (site.assignedTo ? fn.summary.writes.find((w) => w.valueIdent === site.assignedTo)?.member : undefined);
      const elsewhere = keptByAnotherObject(this.config, fn.summary, site);
      // Attaching back a saved mapping restores: an undo of what the attach in between did.
      if (restoresAttach(this.graph, this.config, fn, site)) {
        for (const kind of new Set([...api.establishes, ...api.undoes])) out.push({ ...base, kind, op: 'undo' });
        continue;
      }
      for (const kind of api.establishes)
        out.push({
          ...base,
          kind,
          op: 'establish',
          ...(storedIn ? { storedIn } : {}),
          ...(elsewhere ? { keptElsewhere: true } : {}),
        });
      const released = site.args.find((a) => a.member)?.member;
      for (const kind of api.undoes)
        out.push({ ...base, kind, op: 'undo', ...(released ? { releasedFrom: released } : {}) });
    }
    return out;
  }

  private isApi(name: string): boolean {
    return this.apis.has(name) || this.config.apis.setters.some((s) => s.name === name);
  }

  /**
   * Calls the effect analysis walks: direct calls to functions whose effects are not configured.
   * A setup/teardown function of the architecture's pairs is walked into only from another one
   * (arch_setup_dma_ops() calls arm_setup_iommu_dma_ops()): the driver core and every bus call
   * them, and what they do is checked as their own pair, not as a caller's effect.
   */
  private calls(fn: FnNode): Edge[] {
    const fromPair = this.pairs.has(fn.name);
    return fn.callees.filter((e) => !this.isApi(e.to.name) && (fromPair || !this.pairs.has(e.to.name)));
  }

  /** Effects of calling `fn`, with the path to each. */
  of(fn: FnNode): Effect[] {
    const cached = this.memo.get(fn);
    if (cached) return cached;
    for (const members of componentsUpTo(
      fn,
      (f) => this.calls(f).map((e) => e.to),
      (f) => this.memo.has(f),
    )) {
      for (const member of members) this.memo.set(member, this.compute(member, new Set(members)));
    }
    return this.memo.get(fn)!;
  }

  /**
   * `prefix` (with the members its calls test, `guards`) then `e`'s own path; none when the
   * last call's constant arguments rule `e` out.
   */
  private through(prefix: Prefix, e: Effect): Effect[] {
    if (!reachableWith(prefix.last.site, e.params)) return [];
    return [
      {
        ...e,
        edges: prefix.path.concat(e.edges),
        // Each member once: a chain of helpers that all test `owned` would carry it once a call.
        guards: [...new Set([...prefix.guards, ...e.guards])],
        params: prefix.path.first!.site.params,
      },
    ];
  }

  private compute(fn: FnNode, members: ReadonlySet<FnNode>): Effect[] {
    const out = [...this.directOf(fn)];
    for (const edge of this.calls(fn)) {
      if (edge.to === fn) continue;
      const start = extend(undefined, edge);
      if (!members.has(edge.to)) {
        for (const e of this.memo.get(edge.to)!) out.push(...this.through(start, e));
        continue;
      }
      // Inside the recursion: every function of the component reachable without `fn`, each
      // path the one it extends plus a call (no copies: a component may be thousands long).
      const paths = new Map<FnNode, Prefix>([[edge.to, start]]);
      const queue = [edge.to];
      for (let i = 0; i < queue.length; i++) {
        const at = queue[i]!;
        const path = paths.get(at)!;
        for (const e of this.directOf(at)) out.push(...this.through(path, e));
        for (const next of this.calls(at)) {
          if (next.to === fn || next.to === at) continue;
          if (!members.has(next.to)) {
            for (const e of this.memo.get(next.to)!) out.push(...this.through(extend(path, next), e));
          } else if (!paths.has(next.to)) {
            paths.set(next.to, extend(path, next));
            queue.push(next.to);
          }
        }
      }
    }
    return dedupe(out).sort(byTopStatement);
  }

  /** direct(), once a function: a recursion's functions are visited from each of its members. */
  private directOf(fn: FnNode): readonly Effect[] {
    let effects = this.directMemo.get(fn);
    if (!effects) {
      effects = this.direct(fn);
      this.directMemo.set(fn, effects);
    }
    return effects;
  }

  /**
   * Members set to true by `fn` or its helpers (`dev->archdata.dma_ops_setup = true`). A walk
   * with a stack of its own, not recursion: a chain of helpers may be deeper than JavaScript's.
   */
  flagsSetBy(fn: FnNode): Set<string> {
    const flags = new Set<string>();
    const seen = new Set([fn]);
    const todo = [fn];
    while (todo.length) {
      const at = todo.pop()!;
      for (const w of at.summary.writes) if (w.isTrue) flags.add(w.member);
      for (const edge of this.calls(at)) {
        if (seen.has(edge.to)) continue;
        seen.add(edge.to);
        todo.push(edge.to);
      }
    }
    return flags;
  }
}
