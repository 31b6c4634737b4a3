// Which files a scan must parse. Parsing a whole kernel tree takes minutes, so a scan parses the
// files that mention what the rules look at, then grows that set along the call graph until
// nothing the rules read can change: a prefiltered scan gives exactly what parsing every file
// gives. What the rules read, beyond the sites in the seed files, they say in the vocabulary of
// needs.ts, merged over the enabled rules:
// - callersOf: every chain of callers above a function that calls one of the APIs, up to the
//   pair or the APIs;
// - rootsOfOpsWrites: the callers above a dma_ops write up to the first functions that can be
//   entered from outside (exported, bound in a table or passed as a value, or with no caller):
//   whether a function is such a root, and which, depends on every file that names it;
// - effects: every function with an effect on a device's DMA state (an effect API, a dma_ops
//   write, or an ownership flag that a teardown tests), and every caller of one, since a pair
//   reaches its effects through them;
// - boundFields: the callbacks that tables bind to these fields, wherever they are defined;
// and always the definitions of the structs through which a dma_ops write or a run-time
// binding of a bound field is typed.
// A non-static function's callers and uses can be in any file that names it; a static one's
// are in its own file, except for header inlines. So the names of the functions above are
// searched in every file, round after round, until a round finds nothing new: the tree is
// finite and a name is searched once, so this ends, and no round limit is needed.
import { type Config, activePairs, containerMember } from '../config/types.js';
import type { FileSummary } from '../parser/summary.js';
import { isDeviceObject } from '../callgraph/device.js';
import { CallGraph, type FnNode } from '../callgraph/graph.js';
import { graphOptions } from '../callgraph/graph-options.js';
import { definedInHeaders } from '../callgraph/holders.js';
import type { Needs } from '../callgraph/needs.js';
// The effects of the pair's teardown tell which ownership flags matter.
import { analysesOf } from '../analysis/analyses.js';

/** APIs whose behaviour rules.yaml or a rule states: never searched for, never walked into. */
function apiNames(config: Config, needs: Needs): Set<string> {
  return new Set([
    ...config.apis.setters.map((s) => s.name),
    ...needs.callersOf,
    ...config.apis.effects.map((e) => e.name),
  ]);
}

function pairNames(config: Config): Set<string> {
  return new Set(activePairs(config).flatMap((p) => [p.setup, p.teardown]));
}

/** Could code outside the analyzed tree, or a function pointer, call this function? */
function isRoot(fn: FnNode): boolean {
  return fn.exported || fn.addressTaken || fn.callers.length === 0;
}

/** Walks direct callers from `starts`, never into `stop`; returns every function reached. */
function callersClosure(
  starts: Iterable<FnNode>,
  stop: (fn: FnNode) => boolean,
  expand: (fn: FnNode) => boolean = () => true,
): Set<FnNode> {
  const seen = new Set<FnNode>(starts);
  const queue = [...seen];
  while (queue.length) {
    const fn = queue.pop()!;
    if (!expand(fn)) continue;
    for (const { from } of fn.callers) {
      if (seen.has(from) || stop(from)) continue;
      seen.add(from);
      queue.push(from);
    }
  }
  return seen;
}

function writesOps(graph: CallGraph, config: Config, fn: FnNode, setters: ReadonlySet<string>): boolean {
  return (
    fn.summary.calls.some((c) => !c.viaMember && setters.has(c.callee)) ||
    fn.summary.writes.some((w) => w.member === config.device.opsMember && isDeviceObject(graph, config, w.object))
  );
}

/**
 * Ownership flags that rule 3 compares (`if (!dev->archdata.dma_ops_setup) return;`): the
 * members guarding an undo in the teardown of a setup that returns early when the device
 * already has ops. A helper that sets one is part of its setup's effects wherever it is.
 */
function ownershipFlags(graph: CallGraph, config: Config): Set<string> {
  const bails = (fn: FnNode) => fn.summary.bails.some((b) => b.member === config.device.opsMember);
  const pairs: { setups: FnNode[]; teardowns: FnNode[] }[] = activePairs(config).map((p) => ({
    setups: graph.named(p.setup),
    teardowns: graph.named(p.teardown),
  }));
  const tables = new Map<object, typeof graph.bindings>();
  for (const b of graph.bindings) tables.set(b.table, [...(tables.get(b.table) ?? []), b]);
  for (const bindings of tables.values()) {
    for (const p of config.opsPairs) {
      const bound = (fields: string[]) => bindings.filter((b) => fields.includes(b.field.field)).map((b) => b.fn);
      pairs.push({ setups: bound(p.setup), teardowns: bound(p.teardown) });
    }
  }
  const flags = new Set<string>();
  const analysis = analysesOf(graph, config).effects();
  for (const { setups, teardowns } of pairs) {
    if (!setups.some(bails)) continue;
    for (const fn of teardowns)
      for (const e of analysis.of(fn)) if (e.op === 'undo') for (const g of e.guards) flags.add(g);
  }
  return flags;
}

/**
 * Functions whose callers and uses in other files the rules still need, and among them those
 * with an effect on a device's DMA state through their calls.
 */
function needingCallers(
  graph: CallGraph,
  config: Config,
  needs: Needs,
): { need: Set<FnNode>; effecting: ReadonlySet<FnNode> } {
  const traced = new Set(needs.callersOf);
  const setters = new Set(config.apis.setters.map((s) => s.name));
  const effectApis = new Set(config.apis.effects.map((e) => e.name));
  const pairs = pairNames(config);
  const apis = apiNames(config, needs);
  const outside = (fn: FnNode) => pairs.has(fn.name) || apis.has(fn.name);
  const need = new Set<FnNode>();
  // Every caller chain of a traced call, up to whatever entry point starts it.
  const calling = graph.functions.filter(
    (fn) => !outside(fn) && fn.summary.calls.some((c) => !c.viaMember && traced.has(c.callee)),
  );
  for (const fn of callersClosure(calling, outside)) need.add(fn);
  // The callers of a dma_ops write up to the roots that explain it.
  if (needs.rootsOfOpsWrites) {
    const writers = graph.functions.filter((fn) => !outside(fn) && writesOps(graph, config, fn, setters));
    for (const fn of callersClosure(writers, outside, (f) => !isRoot(f))) need.add(fn);
  }
  if (!needs.effects) return { need, effecting: new Set() };
  // Every function with an effect, and its callers.
  const guards = ownershipFlags(graph, config);
  const effecting = graph.functions.filter(
    (fn) =>
      !outside(fn) &&
      (fn.summary.calls.some((c) => !c.viaMember && (effectApis.has(c.callee) || setters.has(c.callee))) ||
        writesOps(graph, config, fn, setters) ||
        fn.summary.writes.some((w) => w.isTrue && guards.has(w.member))),
  );
  const closure = callersClosure(effecting, outside);
  for (const fn of closure) need.add(fn);
  return { need, effecting: closure };
}

/** What a round of growth searches: `words` in every file, `probes` in interface headers only. */
export interface Growth {
  words: string[];
  /**
   * Struct types bound to an effecting function whose definitions may be interfaces
   * (rules.yaml memberCalls.interfaces): searched in those headers only, since a tree-wide
   * search of `drm_crtc_helper_funcs` would parse every DRM driver to learn that the DRM core
   * dispatches through it.
   */
  probes: string[];
  /**
   * The types that hold the tables effecting functions are bound in, layer by layer, and the
   * members they are bound to. A file can call through one of those members only if it names
   * a holding type (its root variable's) and the member: such files are parsed. The headers
   * naming a holding type are parsed too, for the struct definitions that type a call's chain.
   */
  holders: { types: string[]; members: string[] };
}

/**
 * Words that find the calls through members which can reach a function with an effect, and
 * the functions bound there, so that a prefiltered scan resolves them as parsing every file
 * would (README "Calls through ops tables"):
 * - a table type T an effecting function is bound to is first looked for in the interface
 *   headers: defined there, calls through it are the kernel's dispatch, never followed;
 * - otherwise a call `r->a->funcs->f()` names, in its file, the declared type of its root `r`,
 *   from which the struct definitions lead to T: the types that hold T (as a member, by value
 *   or pointer), and those that hold them, are searched layer by layer (holders.ts), up to the
 *   configured device structs and as deep as memberCalls.maxHolders types allow;
 *   (a call whose root is of another type cannot reach T, whatever its members' types);
 * - a table nested in another (`.base = { .f = fn }`) is typed by its outer table's struct.
 */
function memberCallWords(
  graph: CallGraph,
  config: Config,
  effecting: ReadonlySet<FnNode>,
  probed: ReadonlySet<string> | 'all',
): Growth {
  const words = new Set<string>();
  const probes = new Set<string>();
  const tables = new Set<string>();
  const members = new Set<string>();
  const types = new Set<string>();
  for (const b of graph.bindings) {
    if (!effecting.has(b.fn) || (b.structType !== undefined && graph.dispatches(b.structType, b.field.field))) continue;
    if (b.typed && b.structType) {
      if (probed !== 'all' && !probed.has(b.structType)) probes.add(b.structType);
      else {
        tables.add(b.structType);
        members.add(b.field.field);
      }
    } else if (b.table.within) {
      for (const tag of structsOnTheWay(config, b.table.within.structType, b.table.within.members, graph))
        words.add(tag);
    }
  }
  const shared = definedInHeaders(graph.files);
  for (const table of tables) {
    if (config.device.structs.includes(table)) continue;
    types.add(table);
    for (const layer of graph.holderLayers(table).slice(1)) for (const t of layer) if (shared.has(t)) types.add(t);
  }
  return { words: [...words], probes: [...probes], holders: { types: [...types], members: [...members] } };
}

/**
 * Struct tags whose definitions decide the type of an object expression: every struct on the
 * way from the root variable to the last member, except the configured device structs (whose
 * definitions are seeds) and a configured container's device member, which rules.yaml states.
 */
function structsOnTheWay(
  config: Config,
  rootType: string | undefined,
  members: readonly string[],
  graph: CallGraph,
): string[] {
  const out: string[] = [];
  let type = rootType;
  for (const m of members) {
    if (type === undefined) break;
    if (config.device.structs.includes(type)) break;
    if (containerMember(config, type) !== m) out.push(type);
    type = graph.typeOf(type, [m], (t, mm) =>
      containerMember(config, t) === mm ? config.device.structs[0] : undefined,
    );
  }
  return out;
}

/**
 * Names to search for in files not parsed yet. `searched` holds the names searched before,
 * which are never searched again, `probed` the struct types looked for in the interface
 * headers ('all' when `summaries` are a finished scan's).
 */
export function growthWords(
  summaries: readonly FileSummary[],
  config: Config,
  needs: Needs,
  searched: ReadonlySet<string>,
  probed: ReadonlySet<string> | 'all' = 'all',
): Growth {
  const graph = new CallGraph(summaries, {
    ...graphOptions(config),
    ...(probed === 'all' ? {} : { known: (t: string) => probed.has(t) }),
  });
  const words = new Set<string>();
  // A static function's callers are in its file, except for header inlines.
  const { need, effecting } = needingCallers(graph, config, needs);
  for (const fn of need) {
    if (!fn.summary.isStatic || fn.file.endsWith('.h')) words.add(fn.name);
  }
  const members = memberCallWords(graph, config, effecting, probed);
  for (const w of members.words) words.add(w);
  const fields = new Set(needs.boundFields);
  for (const file of summaries) {
    for (const table of file.tables) {
      for (const b of table.fields) {
        if (fields.has(b.field) && graph.resolve(file.file, b.fn).length === 0) words.add(b.fn);
      }
    }
    for (const fn of file.functions) {
      const typed = [
        ...fn.writes.filter(
          (w) => w.member === config.device.opsMember || (fields.has(w.member) && w.valueIdent !== undefined),
        ),
        ...fn.bails.filter((b) => b.member === config.device.opsMember),
      ];
      for (const w of typed)
        for (const tag of structsOnTheWay(config, w.object.rootType, w.object.members, graph)) words.add(tag);
    }
  }
  if (needs.effects) for (const g of ownershipFlags(graph, config)) words.add(g);
  const seeds = new Set(needs.seeds);
  return {
    words: [...words].filter((w) => !seeds.has(w) && !searched.has(w)).sort(),
    probes: members.probes.sort(),
    holders: { types: members.holders.types.sort(), members: members.holders.members.sort() },
  };
}
