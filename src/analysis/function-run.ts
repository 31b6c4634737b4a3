// The dataflow of error-paths.ts over one function's blocks: which states each path holds and
// what its variables can hold, merged per block, up to the returns that leak.
import { EdgePath } from '../callgraph/edge-path.js';
import type { FnNode } from '../callgraph/graph.js';
import { compareText } from '../order.js';
import type { StateKind } from '../model.js';
import type { CallSite, FlowBlock, FlowCond, FlowSite, FlowValue, FunctionFlow } from '../parser/summary.js';
import { reachableWith } from './constant-args.js';
import type { Establishment, FunctionErrorPaths, LeakingReturn, RunFacts, WitnessStep } from './error-path-facts.js';
import {
  ERRPTR,
  NEG,
  POS,
  VALID,
  ZERO,
  type VarType,
  type VarValue,
  UNKNOWN,
  callResult,
  canBeError,
  hasFailed,
  hasSucceeded,
  joinValues,
  narrow,
  sameValue,
} from './values.js';

/**
 * State held on a path: established by `est`; with `origin`, only while that call succeeded (`ok`) or failed (`fail`).
 */
interface Item {
  est: Establishment;
  origin?: number;
  when?: 'ok' | 'fail';
}

interface Trail {
  step: WitnessStep;
  prev: Trail | undefined;
}

interface Path {
  items: Item[];
  env: Map<string, VarValue>;
  trail: Trail | undefined;
}

export const EMPTY: FunctionErrorPaths = { leaks: [], onSuccess: [], onError: [], undoes: new Set() };
/** Distinct combinations of states per block before they are merged into one. */
const MAX_PATHS_PER_BLOCK = 16;
/**
 * Visits of one block before the analysis of a function gives up. The facts are a finite
 * lattice (at most MAX_PATHS_PER_BLOCK + 1 combinations a block, each variable's value only
 * widens), so every function ends without it; it bounds the time a pathological one may take,
 * and reaching it is reported (ErrorPathAnalysis.gaveUp).
 */
export const MAX_VISITS_PER_BLOCK = 1024;

/** Identifies an establishment by its sites, never by definition order (a function's id). */
export const estKey = (e: Establishment) => {
  const top = e.edges.first?.site ?? e.site;
  return `${e.kind}@${top.line}:${top.col}/${e.fn.file}:${e.fn.name}:${e.site.line}:${e.site.col}`;
};

/**
 * The order establishments are listed in: by kind, then by the statement of the function asked
 * about, then by the function holding the site and the site. Lines are compared as numbers and
 * only within one function, so moving definitions around never reorders them.
 */
function compareEst(a: Establishment, b: Establishment): number {
  const ta = a.edges.first?.site ?? a.site;
  const tb = b.edges.first?.site ?? b.site;
  return (
    compareText(a.kind, b.kind) ||
    ta.line - tb.line ||
    ta.col - tb.col ||
    compareText(a.fn.file, b.fn.file) ||
    compareText(a.fn.name, b.fn.name) ||
    a.site.line - b.site.line ||
    a.site.col - b.site.col
  );
}
const itemKey = (i: Item) => `${estKey(i.est)}#${i.origin ?? ''}${i.when ?? ''}`;
const pathKey = (items: readonly Item[]) => items.map(itemKey).sort().join('|');

/** The dataflow over one function's blocks. */
export class FunctionRun {
  private inStates = new Map<number, Map<string, Path>>();
  private visits = new Map<number, number>();
  private undoes = new Set<StateKind>();
  private pointers: Set<string>;
  /** Set when a bound was reached: the result is then EMPTY and says nothing. */
  gaveUp: string | undefined;

  constructor(
    private analysis: RunFacts,
    private fn: FnNode,
    private flow: FunctionFlow,
    private maxVisits = MAX_VISITS_PER_BLOCK,
  ) {
    this.pointers = new Set(flow.pointers ?? []);
  }

  run(): FunctionErrorPaths {
    const queue: number[] = [0];
    const queued = new Set<number>([0]);
    this.inStates.set(0, new Map([['', { items: [], env: new Map(), trail: undefined }]]));
    while (queue.length) {
      const b = queue.shift()!;
      queued.delete(b);
      const visits = (this.visits.get(b) ?? 0) + 1;
      this.visits.set(b, visits);
      if (visits > this.maxVisits) {
        this.gaveUp = `a block of its control flow was visited ${this.maxVisits} times`;
        return { ...EMPTY, undoes: new Set() };
      }
      const block = this.flow.blocks[b]!;
      for (const path of [...this.inStates.get(b)!.values()]) {
        const out = this.transfer(block, path);
        for (const [target, next] of this.successors(block, out)) {
          if (this.merge(target, next) && !queued.has(target)) {
            queued.add(target);
            queue.push(target);
          }
        }
      }
    }
    return this.returns();
  }

  /** Adds a path to a block's in-state; true when that changed it. */
  private merge(block: number, path: Path): boolean {
    let states = this.inStates.get(block);
    if (!states) {
      states = new Map();
      this.inStates.set(block, states);
    }
    let key = pathKey(path.items);
    if (!states.has(key) && states.size >= MAX_PATHS_PER_BLOCK) {
      // Too many combinations: fold this one into the catch-all, which holds all of their states.
      key = '*';
      const all = states.get('*');
      if (all) path = { ...path, items: dedupeItems([...all.items, ...path.items]) };
    }
    const old = states.get(key);
    if (!old) {
      states.set(key, path);
      return true;
    }
    let changed = false;
    const env = new Map(old.env);
    for (const [name, value] of path.env) {
      const prev = env.get(name);
      const joined = prev ? joinValues(prev, value) : value;
      if (!prev || !sameValue(prev, joined)) {
        env.set(name, joined);
        changed = true;
      }
    }
    const items = key === '*' ? dedupeItems([...old.items, ...path.items]) : old.items;
    if (items.length !== old.items.length) changed = true;
    if (changed) states.set(key, { items, env, trail: old.trail });
    return changed;
  }

  private successors(block: FlowBlock, path: Path): [number, Path][] {
    const end = block.end;
    if (end.k === 'jump') return end.to.map((t) => [t, path]);
    if (end.k !== 'branch') return [];
    const out: [number, Path][] = [];
    for (const taken of [true, false]) {
      const step: WitnessStep = { k: 'branch', at: end.at, text: end.text, taken };
      for (const p of this.refine(path, end.cond, taken))
        out.push([taken ? end.then : end.else, { ...p, trail: { step, prev: p.trail } }]);
    }
    return out;
  }

  private varType(name: string): VarType {
    if (this.pointers.has(name)) return 'pointer';
    return /[.>]/.test(name) ? 'unknown' : 'int';
  }

  /** The paths on which `cond` is `truth`; none when it cannot be. */
  private refine(path: Path, cond: FlowCond, truth: boolean): Path[] {
    switch (cond.k) {
      case 'unknown':
        return [path];
      case 'not':
        return this.refine(path, cond.c, !truth);
      case 'and':
      case 'or': {
        // `a && b` true, `a || b` false: both sides; otherwise either side decides.
        if ((cond.k === 'and') === truth)
          return this.refine(path, cond.l, truth).flatMap((p) => this.refine(p, cond.r, truth));
        return [
          ...this.refine(path, cond.l, truth),
          ...this.refine(path, cond.l, !truth).flatMap((p) => this.refine(p, cond.r, truth)),
        ];
      }
      case 'callnz':
      case 'callneg':
        // `if (attach(…))` true: the call failed, and what it established with it.
        return [this.settle(path, cond.call, truth ? 'fail' : cond.k === 'callnz' ? 'ok' : undefined)];
      default: {
        const old = path.env.get(cond.v) ?? UNKNOWN;
        const mask = narrow(old.mask, cond.k, truth);
        if (mask === 0) return [];
        const env = new Map(path.env);
        env.set(cond.v, { ...old, mask });
        let next: Path = { ...path, env };
        if (old.origin !== undefined) {
          const type = this.varType(cond.v);
          if (hasFailed(mask, type)) next = this.settle(next, old.origin, 'fail');
          else if (hasSucceeded(mask, type)) next = this.settle(next, old.origin, 'ok');
        }
        return [next];
      }
    }
  }

  /** The call `origin` is known to have failed or succeeded: drop what holds only otherwise. */
  private settle(path: Path, origin: number, outcome: 'ok' | 'fail' | undefined): Path {
    if (!outcome) return path;
    const items = path.items.filter((i) => i.origin !== origin || i.when === undefined || i.when === outcome);
    return items.length === path.items.length ? path : { ...path, items };
  }

  private transfer(block: FlowBlock, start: Path): Path {
    let path = start;
    for (const ev of block.ev ?? []) {
      if ('call' in ev) path = this.call(path, ev.call);
      else if ('write' in ev) path = this.write(path, ev.write);
      else path = this.assign(path, ev.set, ev.value);
    }
    return path;
  }

  private establish(path: Path, est: Establishment, origin?: number, when?: 'ok' | 'fail'): Path {
    const item: Item = { est, ...(origin !== undefined ? { origin } : {}), ...(when ? { when } : {}) };
    if (path.items.some((i) => itemKey(i) === itemKey(item))) return path;
    return { ...path, items: [...path.items, item], trail: { step: { k: 'establish', est }, prev: path.trail } };
  }

  private undo(path: Path, kinds: Iterable<StateKind>): Path {
    const set = new Set(kinds);
    if (set.size === 0) return path;
    for (const k of set) this.undoes.add(k);
    const items = path.items.filter((i) => !set.has(i.est.kind));
    return items.length === path.items.length ? path : { ...path, items };
  }

  private site(s: { line: number; col: number; endLine: number; endCol: number }): FlowSite {
    return { line: s.line, col: s.col, endLine: s.endLine, endCol: s.endCol };
  }

  private call(start: Path, index: number): Path {
    const site = this.fn.summary.calls[index];
    if (!site) return start;
    let path = start;
    // `foo(&ret)` may write ret.
    for (const a of site.args) {
      if (a.ident && a.text.startsWith('&') && path.env.has(a.ident)) {
        const env = new Map(path.env);
        env.set(a.ident, UNKNOWN);
        path = { ...path, env };
      }
    }
    const a = this.analysis;
    // Through a member, `callee` is the member's name: what runs are the functions bound to it.
    const api = site.viaMember ? undefined : a.effectOf(site.callee);
    if (api) {
      path = this.undo(path, api.undoes);
      // Attaching back the mapping saved before: what came in between is undone, nothing is new.
      if (api.establishes.length && a.restoresAttach(this.fn, index)) return this.undo(path, api.establishes);
      // `data->mapping = create(…)`: kept by another object (an IOMMU's shared mapping) at once.
      const write = site.storedInMember ? this.writeHolding(site) : undefined;
      if (write && a.isAnotherObject(this.fn, write.object)) return path;
      for (const kind of api.establishes) {
        path = this.establish(
          path,
          {
            kind,
            what: `${site.callee}()`,
            fn: this.fn,
            site: this.site(site),
            edges: EdgePath.empty,
            params: site.params,
          },
          index,
          'ok',
        );
      }
      return path;
    }
    const setter = a.setter(site);
    if (setter) {
      const ops = site.args[setter.opsArg];
      const restores = ops?.ident !== undefined && path.env.get(ops.ident)?.oldOps === true;
      if (ops?.isNull || restores) return this.undo(path, ['ops']);
      return this.establish(path, {
        kind: 'ops',
        what: `${site.callee}()`,
        fn: this.fn,
        site: this.site(site),
        edges: EdgePath.empty,
        params: site.params,
        ...(setter.onlyWith.length ? { onlyWith: setter.onlyWith } : {}),
      });
    }
    const callbackArg = site.viaMember ? undefined : a.devmCallbackArg(site.callee);
    if (callbackArg !== undefined) {
      const callback = site.args[callbackArg]?.ident;
      if (!callback) return path;
      for (const target of a.resolve(this.fn, callback)) path = this.undo(path, a.of(target).undoes);
      return path;
    }
    // A call with several targets (through a member) undoes what any of them undoes, and
    // establishes what any of them establishes (rules.yaml memberCalls).
    const helpers = a.helpersAt(this.fn, index).map((edge) => ({ edge, helper: a.of(edge.to) }));
    for (const { helper } of helpers) path = this.undo(path, helper.undoes);
    for (const { edge, helper } of helpers) {
      const through = (e: Establishment): Establishment => ({ ...e, edges: e.edges.prepend(edge) });
      // What the call's constant arguments rule out in the helper (constant-args.ts) is not its.
      const possible = (e: Establishment) => reachableWith(edge.site, e.edges.first?.site.params ?? e.params);
      for (const e of helper.onSuccess.filter(possible))
        path = this.establish(
          path,
          through(e),
          index,
          helper.onError.some((x) => estKey(x) === estKey(e)) ? undefined : 'ok',
        );
      for (const e of helper.onError.filter(possible)) {
        if (!helper.onSuccess.some((x) => estKey(x) === estKey(e)))
          path = this.establish(path, through(e), index, 'fail');
      }
    }
    return path;
  }

  /** The member write a call's result is assigned to (`x->m = call()`). */
  private writeHolding(site: CallSite) {
    return this.fn.summary.writes.find(
      (w) =>
        w.member === site.storedInMember &&
        (w.line < site.line || (w.line === site.line && w.col <= site.col)) &&
        (w.endLine > site.endLine || (w.endLine === site.endLine && w.endCol >= site.endCol)),
    );
  }

  private write(path: Path, index: number): Path {
    const w = this.fn.summary.writes[index];
    if (!w) return path;
    // `data->mapping = mapping;`: what the call that made it established is another object's now.
    const origin = w.valueIdent === undefined ? undefined : path.env.get(w.valueIdent)?.origin;
    if (origin !== undefined && this.analysis.isAnotherObject(this.fn, w.object)) {
      const items = path.items.filter((i) => i.origin !== origin);
      if (items.length !== path.items.length) path = { ...path, items };
    }
    if (!this.analysis.writesOps(this.fn, index)) return path;
    const restores = w.valueIdent !== undefined && path.env.get(w.valueIdent)?.oldOps === true;
    if (w.isNull || restores) return this.undo(path, ['ops']);
    return this.establish(path, {
      kind: 'ops',
      what: `the assignment to ${w.member} of ${w.object.text}`,
      fn: this.fn,
      site: this.site(w),
      edges: EdgePath.empty,
      params: w.params,
    });
  }

  private assign(path: Path, name: string, value: FlowValue): Path {
    const env = new Map(path.env);
    env.set(name, this.evaluate(path, name, value));
    return { ...path, env };
  }

  private evaluate(path: Path, name: string, value: FlowValue): VarValue {
    switch (value.k) {
      case 'zero':
        return { mask: ZERO };
      case 'errno':
        return { mask: NEG };
      case 'errptr':
        return { mask: ERRPTR };
      case 'ptrerr': {
        const of = path.env.get(value.of) ?? UNKNOWN;
        const mask = (of.mask & ERRPTR ? NEG : 0) | (of.mask & ~ERRPTR ? ZERO | POS : 0);
        return of.unknown ? { mask, unknown: true } : { mask };
      }
      case 'call': {
        const site = this.fn.summary.calls[value.call];
        const callee = site?.viaMember ? '' : (site?.callee ?? '');
        const type = this.varType(name);
        const nullOnFailure = type === 'pointer' && this.analysis.returnsNullOnFailure(callee);
        return {
          mask: nullOnFailure ? ZERO | VALID : callResult(type),
          origin: value.call,
          ...(this.analysis.isOpsGetter(callee) ? { oldOps: true } : {}),
        };
      }
      case 'var': {
        const known = path.env.get(value.name);
        if (known) return known;
        return value.member === undefined || value.member !== this.analysis.opsMember
          ? UNKNOWN
          : { ...UNKNOWN, oldOps: true };
      }
      default:
        return UNKNOWN;
    }
  }

  /** Is the value an error on this path: a negative errno, an ERR_PTR, a variable that can hold one. */
  private isError(path: Path, value: FlowValue | undefined): boolean {
    if (!value) return false;
    switch (value.k) {
      case 'errno':
      case 'errptr':
        return true;
      case 'var':
        return canBeError(path.env.get(value.name) ?? UNKNOWN);
      case 'ptrerr': {
        // PTR_ERR(x) is an error where x is an ERR_PTR.
        const of = path.env.get(value.of) ?? UNKNOWN;
        return canBeError({ ...of, mask: of.mask & ERRPTR });
      }
      default:
        return false;
    }
  }

  /** Every return, with the states each path brings to it. */
  private returns(): FunctionErrorPaths {
    const leaks: LeakingReturn[] = [];
    const onSuccess = new Map<string, Establishment>();
    const onError = new Map<string, Establishment>();
    this.flow.blocks.forEach((block, b) => {
      const end = block.end;
      if (end.k !== 'return' && end.k !== 'exit') return;
      let leak: LeakingReturn | undefined;
      for (const start of this.inStates.get(b)?.values() ?? []) {
        const path = this.transfer(block, start);
        const value = end.k === 'return' ? end.value : undefined;
        const error = this.isError(path, value);
        // `return ret;` right after `ret = attach(…)`: an error returned is the call's failure,
        // so what the call establishes on success is not held then, and the other way round.
        const origin =
          value?.k === 'call' ? value.call : value?.k === 'var' ? path.env.get(value.name)?.origin : undefined;
        const failed = origin === undefined ? path : this.settle(path, origin, 'fail');
        const succeeded = origin === undefined ? path : this.settle(path, origin, 'ok');
        const success =
          !error || (value?.k === 'var' && ((path.env.get(value.name)?.mask ?? 0) & (ZERO | POS | VALID)) !== 0);
        if (success) for (const i of succeeded.items) onSuccess.set(estKey(i.est), i.est);
        if (!error || end.k !== 'return') continue;
        for (const i of failed.items) onError.set(estKey(i.est), i.est);
        if (failed.items.length === 0) continue;
        if (!leak) leak = { at: end.at, returns: describe(value), leaked: [], witness: witness(failed) };
        for (const i of failed.items)
          if (!leak.leaked.some((e) => estKey(e) === estKey(i.est))) leak.leaked.push(i.est);
      }
      if (leak) leaks.push(leak);
    });
    leaks.sort((x, y) => x.at.line - y.at.line || x.at.col - y.at.col);
    const sorted = (m: Map<string, Establishment>) => [...m.values()].sort(compareEst);
    return { leaks, onSuccess: sorted(onSuccess), onError: sorted(onError), undoes: this.undoes };
  }
}

function dedupeItems(items: Item[]): Item[] {
  const seen = new Map<string, Item>();
  for (const i of items) if (!seen.has(itemKey(i))) seen.set(itemKey(i), i);
  return [...seen.values()];
}

function describe(value: FlowValue | undefined): string {
  if (!value) return '';
  switch (value.k) {
    case 'errno':
    case 'errptr':
      return value.text;
    case 'var':
      return value.name;
    case 'ptrerr':
      return `PTR_ERR(${value.of})`;
    default:
      return '';
  }
}

/** The trail from the first establishment still held to the return. */
function witness(path: Path): WitnessStep[] {
  const steps: WitnessStep[] = [];
  for (let t = path.trail; t; t = t.prev) steps.push(t.step);
  steps.reverse();
  const held = new Set(path.items.map((i) => estKey(i.est)));
  const first = steps.findIndex((s) => s.k === 'establish' && held.has(estKey(s.est)));
  return first < 0 ? steps : steps.slice(first).filter((s) => s.k === 'branch' || held.has(estKey(s.est)));
}
