// Which error returns of a function leave DMA state behind: a dataflow over the function's
// control flow (parser/summary.ts: FunctionFlow) whose facts are the states established and not
// undone yet, split by which of them hold, each with what its variables can hold. Paths are
// never enumerated: a block is visited again only when a new combination of states reaches it
// or a variable widens. Helpers are summarised the same way, once each: what they leave on a
// success return and what they leave on an error return, and what they may undo.
import type { CallGraph, Edge, FnNode } from '../callgraph/graph.js';
import { isDeviceObject, setterCall } from '../callgraph/device.js';
import type { Config } from '../config/types.js';
import type { StateKind } from '../model.js';
import type { CallSite, FlowSite, Pos } from '../parser/summary.js';
import { EMPTY, FunctionRun } from './function-run.js';

/** Where state was established: a call or write in `fn`, reached from the analysed function through `edges`. */
export interface Establishment {
  kind: StateKind;
  /** `arm_iommu_attach_device()`, `set_dma_ops()`, `the assignment to dma_ops of dev->dma_ops`. */
  what: string;
  fn: FnNode;
  site: FlowSite;
  edges: Edge[];
}

export type WitnessStep =
  { k: 'establish'; est: Establishment } | { k: 'branch'; at: Pos; text: string; taken: boolean };

export interface LeakingReturn {
  at: FlowSite;
  /** What it returns, as written when it is a constant (`-EPROBE_DEFER`); else the variable. */
  returns: string;
  leaked: Establishment[];
  /** From the first leaked establishment to the return: establishments and branches taken. */
  witness: WitnessStep[];
}

export interface FunctionErrorPaths {
  leaks: LeakingReturn[];
  /** Left established when the function returns success. */
  onSuccess: Establishment[];
  /** Left established when it returns an error. */
  onError: Establishment[];
  /** State kinds it may undo on some path. */
  undoes: Set<StateKind>;
}

export class ErrorPathAnalysis {
  private memo = new Map<FnNode, FunctionErrorPaths>();
  private inProgress = new Set<FnNode>();
  private effects: Map<string, { establishes: StateKind[]; undoes: StateKind[] }>;
  private devm: Map<string, number>;
  private getters: Set<string>;

  constructor(
    private graph: CallGraph,
    private config: Config,
  ) {
    this.effects = new Map(config.apis.effects.map((e) => [e.name, e]));
    // devres runs the callback when probe fails: an undo on the error paths after it.
    this.devm = new Map(config.undo.devmActions.map((d) => [d.name, d.callbackArg]));
    this.getters = new Set(config.undo.opsGetters);
  }

  /** The function's error paths; empty for functions without flow and for recursion. */
  of(fn: FnNode): FunctionErrorPaths {
    const cached = this.memo.get(fn);
    if (cached) return cached;
    if (this.inProgress.has(fn) || !fn.summary.flow) return EMPTY;
    this.inProgress.add(fn);
    const result = new FunctionRun(this, fn, fn.summary.flow).run();
    this.inProgress.delete(fn);
    this.memo.set(fn, result);
    return result;
  }

  effectOf(callee: string) {
    return this.effects.get(callee);
  }

  devmCallbackArg(callee: string): number | undefined {
    return this.devm.get(callee);
  }

  isOpsGetter(callee: string): boolean {
    return this.getters.has(callee);
  }

  /** The setter a call is, when it installs ops on a device (callgraph/device.ts). */
  setter(site: CallSite) {
    return setterCall(this.graph, this.config, site);
  }

  /** Is a member write one of the device's ops? */
  writesOps(fn: FnNode, write: number): boolean {
    const w = fn.summary.writes[write];
    return (
      w !== undefined && w.member === this.config.device.opsMember && isDeviceObject(this.graph, this.config, w.object)
    );
  }

  /** Helpers a call site reaches directly (not through a pointer, not a configured API). */
  helpersAt(fn: FnNode, call: number): Edge[] {
    const site = fn.summary.calls[call];
    return fn.callees.filter((e) => e.site === site);
  }

  resolve(fn: FnNode, name: string): FnNode[] {
    return this.graph.resolve(fn.file, name);
  }
}
