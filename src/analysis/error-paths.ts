// Which error returns of a function leave DMA state behind: a dataflow over the function's
// control flow (parser/summary.ts: FunctionFlow) whose facts are the states established and not
// undone yet, split by which of them hold, each with what its variables can hold. Paths are
// never enumerated: a block is visited again only when a new combination of states reaches it
// or a variable widens. Helpers are summarised the same way, once each: what they leave on a
// success return and what they leave on an error return, and what they may undo.
import { componentsUpTo } from '../callgraph/components.js';
import type { CallGraph, Edge, FnNode } from '../callgraph/graph.js';
import { isAnotherObject, isDeviceObject, setterCall, setterOnlyWith } from '../callgraph/device.js';
import { type Config, activePairs } from '../config/types.js';
import type { StateKind } from '../model.js';
import type { CallSite, ObjectRef } from '../parser/summary.js';
import type { FunctionErrorPaths, RunFacts } from './error-path-facts.js';
import { EMPTY, FunctionRun, MAX_VISITS_PER_BLOCK, estKey } from './function-run.js';
import { compareText } from '../order.js';
import { countBuild } from './builds.js';
import { restoresAttach } from './restores.js';

/** A function whose dataflow hit FunctionRun's bound: its error paths are not known. */
export interface GaveUp {
  fn: FnNode;
  /** The bound that was reached, as a sentence fragment for the notification. */
  limit: string;
}

/** Rounds of a recursion's fixpoint before it is given up on (each round grows some result). */
const MAX_ROUNDS = 64;

/**
 * Results are computed per strongly connected component of the helper calls, callees'
 * components first, so that they never depend on which function was asked about (or defined)
 * first. Inside a recursion every member starts from "does nothing" and is recomputed, members
 * in source order, until no result changes: what a member may undo only grows, so what it
 * leaves established settles (a least fixpoint). A bound that is reached is recorded
 * (`gaveUp`), never silent: the rule reports it.
 */
export class ErrorPathAnalysis implements RunFacts {
  private memo = new Map<FnNode, FunctionErrorPaths>();
  private effects: Map<string, { establishes: StateKind[]; undoes: StateKind[] }>;
  private devm: Map<string, number>;
  private getters: Set<string>;
  private nullOnFailure: Set<string>;
  private pairFunctions: Set<string>;
  readonly opsMember: string;
  /** Functions whose analysis reached a bound, in the order it happened. */
  readonly gaveUp: GaveUp[] = [];

  constructor(
    private graph: CallGraph,
    private config: Config,
    /** Visits of one block before a function's dataflow is given up (FunctionRun); tests lower it. */
    private maxVisits = MAX_VISITS_PER_BLOCK,
  ) {
    this.effects = new Map(config.apis.effects.map((e) => [e.name, e]));
    // devres runs the callback when probe fails: an undo on the error paths after it.
    this.devm = new Map(config.undo.devmActions.map((d) => [d.name, d.callbackArg]));
    this.getters = new Set(config.undo.opsGetters);
    this.nullOnFailure = new Set(config.values.nullOnFailure);
    this.pairFunctions = new Set(activePairs(config).flatMap((p) => [p.setup, p.teardown]));
    this.opsMember = config.device.opsMember;
    countBuild('errorPaths');
  }

  /** The function's error paths; empty for functions without flow. */
  of(fn: FnNode): FunctionErrorPaths {
    const cached = this.memo.get(fn);
    if (cached) return cached;
    for (const members of componentsUpTo(
      fn,
      (f) => this.helperCalls(f),
      (f) => this.memo.has(f),
    ))
      this.solve(members);
    return this.memo.get(fn)!;
  }

  private run(fn: FnNode): FunctionErrorPaths {
    if (!fn.summary.flow) return EMPTY;
    const run = new FunctionRun(this, fn, fn.summary.flow, this.maxVisits);
    const result = run.run();
    if (run.gaveUp) this.gaveUp.push({ fn, limit: run.gaveUp });
    return result;
  }

  private solve(members: FnNode[]): void {
    const recursive = members.length > 1 || this.helperCalls(members[0]!).includes(members[0]!);
    if (!recursive) {
      this.memo.set(members[0]!, this.run(members[0]!));
      return;
    }
    const ordered = [...members].sort((a, b) => compareText(a.file, b.file) || a.summary.line - b.summary.line);
    for (const m of ordered) this.memo.set(m, EMPTY);
    for (let round = 0; ; round++) {
      if (round === MAX_ROUNDS) {
        for (const m of ordered) {
          this.gaveUp.push({ fn: m, limit: `its recursion did not settle in ${MAX_ROUNDS} rounds` });
          this.memo.set(m, EMPTY);
        }
        return;
      }
      // Every member of a round from the previous round's results (Jacobi, not Gauss-Seidel):
      // updating one before the next is run would make the answer depend on the order members
      // are defined in, which only moves lines.
      const next = ordered.map((m) => {
        const old = this.memo.get(m)!;
        // What a member may undo only grows: the fixpoint is approached from below.
        const run = this.run(m);
        return { m, old, now: { ...run, undoes: new Set([...run.undoes, ...old.undoes]) } };
      });
      const changed = next.some(({ old, now }) => signature(now) !== signature(old));
      for (const { m, now } of next) this.memo.set(m, now);
      if (!changed) return;
    }
  }

  /** The functions FunctionRun reads the results of: helpers called directly, devm callbacks. */
  private helperCalls(fn: FnNode): FnNode[] {
    if (!fn.summary.flow) return [];
    const out: FnNode[] = [];
    fn.summary.calls.forEach((site, i) => {
      if (!site.viaMember && (this.effects.has(site.callee) || this.setter(site))) return;
      const callbackArg = site.viaMember ? undefined : this.devm.get(site.callee);
      if (callbackArg !== undefined) {
        const callback = site.args[callbackArg]?.ident;
        if (callback) out.push(...this.resolve(fn, callback));
        return;
      }
      out.push(...this.helpersAt(fn, i).map((e) => e.to));
    });
    return out;
  }

  effectOf(callee: string) {
    return this.effects.get(callee);
  }

  devmCallbackArg(callee: string): number | undefined {
    return this.devm.get(callee);
  }

  returnsNullOnFailure(callee: string): boolean {
    return this.nullOnFailure.has(callee);
  }

  isOpsGetter(callee: string): boolean {
    return this.getters.has(callee);
  }

  /**
   * Is a member written in `fn` one of another object than the device (callgraph/device.ts):
   * what is stored there (an IOMMU's shared mapping) is that object's from then on.
   */
  isAnotherObject(fn: FnNode, object: ObjectRef): boolean {
    return isAnotherObject(this.config, fn.summary, object);
  }

  /** The setter a call is, when it installs ops on a device (callgraph/device.ts). */
  setter(site: CallSite) {
    const setter = setterCall(this.graph, this.config, site);
    return setter && { ...setter, onlyWith: setterOnlyWith(this.graph, this.config, setter) };
  }

  /** Is a member write one of the device's ops? */
  writesOps(fn: FnNode, write: number): boolean {
    const w = fn.summary.writes[write];
    return w !== undefined && w.member === this.opsMember && isDeviceObject(this.graph, this.config, w.object);
  }

  /**
   * The helpers a call may run. The architecture's pair is the driver core's, run for the device
   * being bound (really_probe(), device_unbind_cleanup()): a driver reaches it only for another
   * device (drm_dev_register() → device_add() → … → arch_teardown_dma_ops() of a DRM minor's
   * device), which neither establishes nor undoes the bound device's state. Followed, it would
   * hide leaks, and make them depend on whether the driver core's files were parsed (growth
   * follows the callers of effects up to the pair, never above it).
   */
  helpersAt(fn: FnNode, call: number): Edge[] {
    const site = fn.summary.calls[call];
    return fn.callees.filter((e) => e.site === site && !this.pairFunctions.has(e.to.name));
  }

  restoresAttach(fn: FnNode, call: number): boolean {
    const site = fn.summary.calls[call];
    return site !== undefined && restoresAttach(this.graph, this.config, fn, site);
  }

  resolve(fn: FnNode, name: string): FnNode[] {
    return this.graph.resolve(fn.file, name);
  }
}

/** What a result says, for telling whether a round of a fixpoint changed it. */
function signature(r: FunctionErrorPaths): string {
  return JSON.stringify([
    r.leaks.map((l) => [l.at.line, l.at.col, l.returns, l.leaked.map(estKey)]),
    r.onSuccess.map(estKey),
    r.onError.map(estKey),
    [...r.undoes].sort(),
  ]);
}
