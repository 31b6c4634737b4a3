// What the driver core undoes itself after a driver's callback (rules.yaml `driverCore`):
// really_probe() runs the driver's probe through call_driver_probe() and, when it fails, goes
// on to device_unbind_cleanup(), which calls the architecture's arch_teardown_dma_ops(); on
// arm64 of Linux 6.1 that is `dev->dma_ops = NULL`. A probe's error path may then leave the ops
// it installed, and its remove need not clear them. Read from the tree, never from a table of
// kernel versions: which kinds are undone on every path after the call, through the driver
// core's own helpers, under which preprocessor conditions.
import type { CallGraph, Edge, FnNode } from '../callgraph/graph.js';
import { isDeviceObject, setterCall } from '../callgraph/device.js';
import type { Config, DriverCoreStep } from '../config/types.js';
import type { StateKind } from '../model.js';
import type { CallSite, FlowBlock, FlowCond, FunctionFlow } from '../parser/summary.js';
import { conditionsCompatible, negate } from '../parser/preproc.js';
import { countBuild } from './builds.js';
import type { Establishment } from './error-path-facts.js';

/** A kind the driver core undoes, and where. */
export interface CoreUndo {
  /** Preprocessor conditions, all of which it needs ([]: in every configuration). */
  onlyWith: string[];
  /** The driver core's function and the step it takes (`really_probe() → …`), for messages. */
  via: string;
}

/** Kinds undone on every path so far, each with the conditions it needs. */
type Undone = Map<StateKind, string[]>;

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];

/** At a join, a kind is undone only when every incoming path undid it, under all their conditions. */
function meet(a: Undone, b: Undone): Undone {
  const out: Undone = new Map();
  for (const [kind, cond] of a) {
    const other = b.get(kind);
    if (other) out.set(kind, union(cond, other));
  }
  return out;
}

function same(a: Undone, b: Undone): boolean {
  if (a.size !== b.size) return false;
  for (const [k, c] of a) if (b.get(k)?.join('&') !== c.join('&')) return false;
  return true;
}

/** On a path, what a later step undoes adds to what an earlier one did; an unconditional undo wins. */
function addTo(into: Undone, kind: StateKind, cond: readonly string[]): void {
  const had = into.get(kind);
  if (!had || cond.length < had.length) into.set(kind, [...cond]);
}

/**
 * The conditions that tell one definition of a function from the others (`#ifdef
 * CONFIG_IOMMU_DMA` against the header's `#else` stub), without those they share (include guards).
 */
function ownConditions(fn: FnNode, all: readonly FnNode[]): string[] {
  return fn.summary.cond.filter((c) => !all.every((other) => other.summary.cond.includes(c)));
}

export class DriverCoreAnalysis {
  private memo = new Map<FnNode, Undone>();
  private inProgress = new Set<FnNode>();
  private apis: Map<string, { undoes: StateKind[] }>;
  private byEntry = new Map<string, Map<StateKind, CoreUndo>>();

  constructor(
    private graph: CallGraph,
    private config: Config,
  ) {
    this.apis = new Map(config.apis.effects.map((e) => [e.name, e]));
    countBuild('driverCore');
  }

  /** What the driver core undoes itself after the entry point (`platform_driver.probe`) runs. */
  after(entry: string): ReadonlyMap<StateKind, CoreUndo> {
    let known = this.byEntry.get(entry);
    if (!known) {
      known = new Map();
      for (const step of this.config.driverCore.filter((s) => s.entries.includes(entry)))
        for (const [kind, undo] of this.stepUndoes(step)) if (!known.has(kind)) known.set(kind, undo);
      this.byEntry.set(entry, known);
    }
    return known;
  }

  /**
   * Every definition of the step's function must undo it (they are the tree's alternatives);
   * in each, every call of `step.call` is followed on the paths `step.after` names.
   */
  private stepUndoes(step: DriverCoreStep): Map<StateKind, CoreUndo> {
    const fns = this.graph.named(step.function).filter((f) => f.summary.flow);
    let all: Undone | undefined;
    for (const fn of fns) {
      fn.summary.calls.forEach((site, index) => {
        if (site.viaMember || site.callee !== step.call) return;
        const undone = this.afterCall(fn, fn.summary.flow!, index, step.after);
        all = all ? meet(all, undone) : undone;
      });
    }
    const out = new Map<StateKind, CoreUndo>();
    for (const [kind, onlyWith] of all ?? []) out.set(kind, { onlyWith, via: `${step.function}()` });
    return out;
  }

  /** What a call of `fn` undoes on every path to its returns. */
  private undoneBy(fn: FnNode): Undone {
    const cached = this.memo.get(fn);
    if (cached) return cached;
    // A recursion undoes nothing it is sure of (the least that holds).
    if (this.inProgress.has(fn) || !fn.summary.flow) return new Map();
    this.inProgress.add(fn);
    const result = this.walk(fn, fn.summary.flow, 0, 0, () => 'both');
    this.inProgress.delete(fn);
    this.memo.set(fn, result);
    return result;
  }

  /** From just after call `index` of `fn`, on the paths where it failed (or all of them). */
  private afterCall(fn: FnNode, flow: FunctionFlow, index: number, after: 'failure' | 'return'): Undone {
    const b = flow.blocks.findIndex((block) => block.ev?.some((e) => 'call' in e && e.call === index));
    if (b < 0) return new Map();
    const events = flow.blocks[b]!.ev!;
    const at = events.findIndex((e) => 'call' in e && e.call === index) + 1;
    // The variable the call's result went to: `ret = call_driver_probe(dev, drv);`.
    const held = events.slice(at).find((e) => 'set' in e && e.value.k === 'call' && e.value.call === index);
    const result = held && 'set' in held ? held.set : undefined;
    const failureSide = (cond: FlowCond): 'then' | 'else' | 'both' => {
      if (after !== 'failure') return 'both';
      if (cond.k === 'not') {
        const inner = failureSide(cond.c);
        return inner === 'then' ? 'else' : inner === 'else' ? 'then' : 'both';
      }
      if ((cond.k === 'callnz' || cond.k === 'callneg') && cond.call === index) return 'then';
      if ((cond.k === 'nz' || cond.k === 'neg') && cond.v === result) return 'then';
      return 'both';
    };
    return this.walk(fn, flow, b, at, failureSide);
  }

  /**
   * A must-dataflow over `fn`'s blocks from event `at` of block `start`: a kind is undone at a
   * return when every path to it undid it. Branches `side` picks follow one side only.
   */
  private walk(
    fn: FnNode,
    flow: FunctionFlow,
    start: number,
    at: number,
    side: (cond: FlowCond) => 'then' | 'else' | 'both',
  ): Undone {
    const inStates = new Map<number, Undone>([[start, new Map()]]);
    const queue = [start];
    let atReturns: Undone | undefined;
    const first = new Set([start]);
    while (queue.length) {
      const b = queue.shift()!;
      const block: FlowBlock = flow.blocks[b]!;
      const state: Undone = new Map(inStates.get(b));
      const events = block.ev ?? [];
      for (const ev of first.has(b) ? events.slice(at) : events)
        if ('call' in ev) this.callUndoes(fn, ev.call, state);
        else if ('write' in ev) this.writeUndoes(fn, ev.write, state);
      first.delete(b);
      const end = block.end;
      let next: number[] = [];
      if (end.k === 'jump') next = end.to;
      else if (end.k === 'branch') {
        const s = side(end.cond);
        next = s === 'then' ? [end.then] : s === 'else' ? [end.else] : [end.then, end.else];
      } else atReturns = atReturns ? meet(atReturns, state) : state;
      for (const t of next) {
        const old = inStates.get(t);
        const merged = old ? meet(old, state) : state;
        if (old && same(old, merged)) continue;
        inStates.set(t, merged);
        if (!queue.includes(t)) queue.push(t);
      }
    }
    return atReturns ?? new Map<StateKind, string[]>();
  }

  private writeUndoes(fn: FnNode, index: number, state: Undone): void {
    const w = fn.summary.writes[index];
    if (!w || !w.isNull || w.member !== this.config.device.opsMember) return;
    if (isDeviceObject(this.graph, this.config, w.object)) addTo(state, 'ops', []);
  }

  private callUndoes(fn: FnNode, index: number, state: Undone): void {
    // An undo behind an ownership flag (`if (!dev->archdata.dma_ops_setup) return;`, arm's
    // teardown) is not on the path that returns early: the flow says it is not sure.
    const site: CallSite | undefined = fn.summary.calls[index];
    if (!site) return;
    const api = site.viaMember ? undefined : this.apis.get(site.callee);
    if (api) {
      for (const kind of api.undoes) addTo(state, kind, []);
      return;
    }
    const setter = setterCall(this.graph, this.config, site);
    if (setter) {
      // Where the setter is a stub, its clear is one, and so was every install through it.
      if (site.args[setter.opsArg]?.isNull) addTo(state, 'ops', []);
      return;
    }
    for (const [kind, cond] of this.helpersUndo(fn.callees.filter((e) => e.site === site))) addTo(state, kind, cond);
  }

  /**
   * What a call undoes through the functions it may run. Definitions of one name are
   * alternatives of the configuration: a kind all of them undo is undone; one only one of them
   * undoes, under the conditions that select it. Targets of other names (a call through a
   * member) must all undo it.
   */
  private helpersUndo(edges: readonly Edge[]): Undone {
    const byName = new Map<string, FnNode[]>();
    for (const e of edges) byName.set(e.to.name, [...(byName.get(e.to.name) ?? []), e.to]);
    let out: Undone | undefined;
    for (const defs of byName.values()) {
      const results = defs.map((d) => this.undoneBy(d));
      const undone: Undone = new Map();
      const kinds = new Set(results.flatMap((r) => [...r.keys()]));
      for (const kind of kinds) {
        const doing = defs.filter((_, i) => results[i]!.has(kind));
        if (doing.length === defs.length)
          undone.set(
            kind,
            results.reduce<string[]>((acc, r) => union(acc, r.get(kind)!), []),
          );
        else if (doing.length === 1)
          undone.set(kind, union(ownConditions(doing[0]!, defs), results[defs.indexOf(doing[0]!)]!.get(kind)!));
      }
      out = out ? meet(out, undone) : undone;
    }
    return out ?? new Map<StateKind, string[]>();
  }
}

/** What an error return leaves once the driver core's own cleanup has run, and when. */
export interface LeftAfterCore {
  leaked: Establishment[];
  /** Preprocessor conditions under which it is left ([]: wherever the function is compiled). */
  onlyWith: string[];
}

/** `a && b` as one condition, negated: `!(a && b)`, or `!a` for one. */
function notAll(conds: readonly string[]): string {
  return conds.length === 1 ? negate(conds[0]!) : `!(${conds.join(' && ')})`;
}

/**
 * The establishments a return leaves that the driver core does not undo after it, each under
 * the conditions it needs (its setter's, and those where the driver core's undo is a stub).
 */
export function leftAfterCore(leaked: readonly Establishment[], core: ReadonlyMap<StateKind, CoreUndo>): LeftAfterCore {
  const left: { est: Establishment; cond: string[] }[] = [];
  for (const est of leaked) {
    const undo = core.get(est.kind);
    if (undo && undo.onlyWith.length === 0) continue;
    const cond = [...(est.onlyWith ?? []), ...(undo ? [notAll(undo.onlyWith)] : [])];
    if (!conditionsCompatible(cond, cond)) continue;
    left.push({ est, cond });
  }
  const conds = left.map((l) => l.cond);
  const onlyWith =
    conds.length === 0 || conds.some((c) => c.length === 0)
      ? []
      : conds.every((c) => c.join('&&') === conds[0]!.join('&&'))
        ? conds[0]!
        : [conds.map((c) => `(${c.join(' && ')})`).join(' || ')];
  return { leaked: left.map((l) => l.est), onlyWith };
}
