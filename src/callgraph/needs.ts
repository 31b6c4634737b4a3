// What a rule needs the scan to parse, in the call graph's own terms: words that make a file a
// candidate, and the directions the graph must grow in until nothing the rule reads can change
// (growth.ts). A rule states its needs (rules/*.ts: needs()); the scan merges those of the
// enabled rules, so that growth.ts and scan.ts know no rule, and a disabled rule costs nothing.

export interface Needs {
  /** Words whose mention makes a file a candidate from the start. */
  seeds: string[];
  /** Every caller chain of a function that calls one of these, up to whatever starts it. */
  callersOf: string[];
  /**
   * The callers of a function that writes a device's DMA ops (by a setter or an assignment to
   * the ops member), up to the first functions that can be entered from outside (exported,
   * bound in a table or taken as a value, or without caller).
   */
  rootsOfOpsWrites: boolean;
  /**
   * Every function with an effect on a device's DMA state (rules.yaml `apis.effects`, an ops
   * write, a flag a pair's teardown tests for ownership) and every caller of one.
   */
  effects: boolean;
  /** Callbacks bound to these struct fields, wherever they are defined. */
  boundFields: string[];
}

const union = (lists: string[][]) => [...new Set(lists.flat())].sort();

/** What the rules need together. */
export function mergeNeeds(all: readonly Partial<Needs>[]): Needs {
  return {
    seeds: union(all.map((n) => n.seeds ?? [])),
    callersOf: union(all.map((n) => n.callersOf ?? [])),
    rootsOfOpsWrites: all.some((n) => n.rootsOfOpsWrites),
    effects: all.some((n) => n.effects),
    boundFields: union(all.map((n) => n.boundFields ?? [])),
  };
}
