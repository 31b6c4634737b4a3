// What a function does to a device's DMA state, through its helpers: ops installed or cleared,
// device attached or detached, mapping created or released. Configured APIs are not walked
// into: rules.yaml states their effects.
import type { CallGraph, Edge, FnNode } from '../callgraph/graph.js';
import type { Config } from '../config/types.js';
import type { StateKind } from '../model.js';
import { opsWritesIn } from './support.js';

export interface Effect {
  kind: StateKind;
  op: 'establish' | 'undo';
  /** Calls from the function asked about down to the one holding the site. */
  edges: Edge[];
  fn: FnNode;
  site: { line: number; col: number; endLine: number; endCol: number };
  /** What does it: `arm_iommu_attach_device()`, `set_dma_ops()`. */
  what: string;
  /** Members tested true on the way (ownership flags). */
  guards: string[];
  /** `mmu->mapping = arm_iommu_create_mapping(…)`: the member the state is kept in. */
  storedIn?: string;
  /** `arm_iommu_release_mapping(mmu->mapping)`: the member released. */
  releasedFrom?: string;
  cond: string[];
}

/** Keep one effect per (kind, op, first statement): enough for the rules, and bounded. */
function dedupe(effects: Effect[]): Effect[] {
  const seen = new Set<string>();
  return effects.filter((e) => {
    const top = e.edges[0]?.site ?? e.site;
    const key = `${e.kind}:${e.op}:${top.line}:${top.col}:${e.storedIn ?? ''}:${e.guards.join(',')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export class EffectAnalysis {
  private memo = new Map<FnNode, Effect[]>();
  private inProgress = new Set<FnNode>();
  private apis: Map<string, { establishes: StateKind[]; undoes: StateKind[] }>;

  constructor(
    private graph: CallGraph,
    private config: Config,
  ) {
    this.apis = new Map(config.apis.effects.map((e) => [e.name, e]));
  }

  private direct(fn: FnNode): Effect[] {
    const out: Effect[] = [];
    for (const w of opsWritesIn(this.graph, this.config, fn)) {
      out.push({ kind: 'ops', op: w.clears ? 'undo' : 'establish', edges: [], fn, site: w, what: w.what, guards: w.guards, cond: w.cond });
    }
    for (const site of fn.summary.calls) {
      const api = site.viaMember ? undefined : this.apis.get(site.callee);
      if (!api) continue;
      const base = { edges: [], fn, site, what: `${site.callee}()`, guards: site.guards, cond: site.cond };
      // Kept in a member directly, or through a local first: `m = create(); mmu->mapping = m;`
      const storedIn =
        site.storedInMember ??
        (site.assignedTo ? fn.summary.writes.find((w) => w.valueIdent === site.assignedTo)?.member : undefined);
      for (const kind of api.establishes) out.push({ ...base, kind, op: 'establish', ...(storedIn ? { storedIn } : {}) });
      const released = site.args.find((a) => a.member)?.member;
      for (const kind of api.undoes) out.push({ ...base, kind, op: 'undo', ...(released ? { releasedFrom: released } : {}) });
    }
    return out;
  }

  private isApi(name: string): boolean {
    return this.apis.has(name) || this.config.apis.setters.some((s) => s.name === name);
  }

  /** Effects of calling `fn`, with the path to each. Recursion contributes nothing twice. */
  of(fn: FnNode): Effect[] {
    const cached = this.memo.get(fn);
    if (cached) return cached;
    if (this.inProgress.has(fn)) return [];
    this.inProgress.add(fn);
    const out = this.direct(fn);
    for (const edge of fn.callees) {
      if (edge.indirect || this.isApi(edge.to.name)) continue;
      for (const e of this.of(edge.to)) {
        out.push({ ...e, edges: [edge, ...e.edges], guards: [...edge.site.guards, ...e.guards] });
      }
    }
    this.inProgress.delete(fn);
    const result = dedupe(out).sort((a, b) => {
      const sa = a.edges[0]?.site ?? a.site;
      const sb = b.edges[0]?.site ?? b.site;
      return sa.line - sb.line || sa.col - sb.col;
    });
    this.memo.set(fn, result);
    return result;
  }

  /** Members set to true by `fn` or its helpers (`dev->archdata.dma_ops_setup = true`). */
  flagsSetBy(fn: FnNode, seen = new Set<FnNode>()): Set<string> {
    const flags = new Set<string>();
    if (seen.has(fn)) return flags;
    seen.add(fn);
    for (const w of fn.summary.writes) if (w.isTrue) flags.add(w.member);
    for (const edge of fn.callees) {
      if (edge.indirect || this.isApi(edge.to.name)) continue;
      for (const f of this.flagsSetBy(edge.to, seen)) flags.add(f);
    }
    return flags;
  }
}
