// What the error-path analysis says about a function, and what one function's dataflow
// (function-run.ts) needs to know about the rest of the program to say it: the interface
// between the dataflow over one function and the analysis that runs it over the call graph.
import type { EdgePath } from '../callgraph/edge-path.js';
import type { Edge, FnNode } from '../callgraph/graph.js';
import type { Setter } from '../config/types.js';
import type { StateKind } from '../model.js';
import type { CallSite, FlowSite, ObjectRef, ParamConstraint, Pos } from '../parser/summary.js';

/** Where state was established: a call or write in `fn`, reached from the analysed function through `edges`. */
export interface Establishment {
  kind: StateKind;
  /** `arm_iommu_attach_device()`, `set_dma_ops()`, `the assignment to dma_ops of dev->dma_ops`. */
  what: string;
  fn: FnNode;
  site: FlowSite;
  edges: EdgePath;
  /** The constraints on `fn`'s parameters under which its site runs (constant-args.ts). */
  params?: readonly ParamConstraint[];
  /** Preprocessor conditions it needs beyond its site's: a setter that is a stub without them. */
  onlyWith?: readonly string[];
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

/**
 * What the dataflow over one function asks about the program: the configured APIs, the
 * device, and the results of the helpers it calls (computed before it, callees first).
 */
export interface RunFacts {
  /** The device's ops member (rules.yaml `device.opsMember`). */
  readonly opsMember: string;
  /** The states a configured API establishes and undoes; undefined for other callees. */
  effectOf(callee: string): { establishes: StateKind[]; undoes: StateKind[] } | undefined;
  /** The argument holding the callback of a devres registration (`devm_add_action()`). */
  devmCallbackArg(callee: string): number | undefined;
  /** Does the callee return NULL when it fails, never an ERR_PTR (`kzalloc()`)? */
  returnsNullOnFailure(callee: string): boolean;
  /** Does the callee return the device's current ops (`get_dma_ops()`)? */
  isOpsGetter(callee: string): boolean;
  /** Is a member written in `fn` one of another object than the device? */
  isAnotherObject(fn: FnNode, object: ObjectRef): boolean;
  /** The setter a call is, when it installs ops on a device, and the conditions its write needs. */
  setter(site: CallSite): (Pick<Setter, 'opsArg'> & { onlyWith: readonly string[] }) | undefined;
  /** Is member write number `write` of `fn` one of the device's ops? */
  writesOps(fn: FnNode, write: number): boolean;
  /** Does call number `call` of `fn` attach back a mapping saved before (restores.ts)? */
  restoresAttach(fn: FnNode, call: number): boolean;
  /** The helpers call number `call` of `fn` may run. */
  helpersAt(fn: FnNode, call: number): Edge[];
  /** The functions a name used in `fn` refers to. */
  resolve(fn: FnNode, name: string): FnNode[];
  /** A helper's error paths. */
  of(fn: FnNode): FunctionErrorPaths;
}
