// Which files a scan must parse. Parsing a whole kernel tree takes minutes, so a scan parses the
// files that mention what the rules look at, then grows that set along the call graph only as
// far as the rules need:
// - upwards from every function that calls an attach API (rule 2 needs the entry points that
//   reach it), and from a dma_ops write while no root reaches it other than through the pair
//   (rule 1), through non-static functions only, since a static function's callers are in its
//   own file;
// - downwards from the pairs and the ops-table pair callbacks (rule 3 needs their effects):
//   a function they call that is not defined yet is looked for among the files that call an
//   API with a configured effect, since only such a helper can have an effect (a chain of
//   cross-file helpers none of which calls such an API directly is not followed);
// - callbacks that ops tables bind to configured fields, wherever they are defined.
import { type Config, activePairs } from '../config/types.js';
import type { FileSummary } from '../parser/summary.js';
import { isDeviceObject } from './device.js';
import { CallGraph, type FnNode } from './graph.js';

/** APIs whose behaviour rules.yaml states: never searched for, never walked into. */
function apiNames(config: Config): Set<string> {
  return new Set([
    ...config.apis.setters.map((s) => s.name),
    ...config.rules['attach-before-setup'].calls,
    ...config.apis.effects.map((e) => e.name),
  ]);
}

function pairNames(config: Config): Set<string> {
  return new Set(activePairs(config).flatMap((p) => [p.setup, p.teardown]));
}

/** Fields whose bound callbacks the rules look at: entry points and ops-table pairs. */
function configuredFields(config: Config): Set<string> {
  return new Set([...config.entryPoints.map((e) => e.field), ...config.opsPairs.flatMap((p) => [...p.setup, ...p.teardown])]);
}

/**
 * What an ops-table pair's tables must mention: their struct tag (`iommu_ops`), or the fields
 * where no tag is configured. Field names alone (add_device, probe_device) are also names of
 * unrelated functions all over drivers/ and net/.
 */
function tableWords(config: Config): string[] {
  return config.opsPairs.flatMap((p) => (p.struct ? [p.struct] : [...p.setup, ...p.teardown]));
}

/** Words whose mention makes a file worth parsing from the start. */
export function seedWords(config: Config): string[] {
  const traced = [...config.apis.setters.map((s) => s.name), ...config.rules['attach-before-setup'].calls];
  return [...new Set([...traced, config.device.opsMember, ...pairNames(config), ...tableWords(config)])].sort();
}

/** Files that mention one of these are where helpers with an effect can be defined. */
export function effectWords(config: Config): string[] {
  return [...new Set(config.apis.effects.map((e) => e.name))].sort();
}

/** How many calls deep the search for helpers under a pair goes. */
const MAX_DOWNWARD_DEPTH = 4;

/** Names called (transitively) from the pairs and ops-table pair callbacks, not defined yet. */
function undefinedBelowPairs(graph: CallGraph, config: Config): Set<string> {
  const apis = apiNames(config);
  const fields = new Set(config.opsPairs.flatMap((p) => [...p.setup, ...p.teardown]));
  const starts = [
    ...[...pairNames(config)].flatMap((n) => graph.named(n)),
    ...graph.bindings.filter((b) => fields.has(b.field.field)).map((b) => b.fn),
  ];
  const depth = new Map<FnNode, number>(starts.map((f) => [f, 0]));
  const queue = [...depth.keys()];
  const missing = new Set<string>();
  for (let i = 0; i < queue.length; i++) {
    const fn = queue[i]!;
    const d = depth.get(fn)!;
    if (d >= MAX_DOWNWARD_DEPTH) continue;
    for (const site of fn.summary.calls) {
      if (site.viaMember || apis.has(site.callee)) continue;
      const targets = graph.resolve(fn.file, site.callee);
      if (targets.length === 0) missing.add(site.callee);
      for (const t of targets) {
        if (depth.has(t)) continue;
        depth.set(t, d + 1);
        queue.push(t);
      }
    }
  }
  return missing;
}

/** Could code outside the analyzed tree, or a function pointer, call this function? */
function isRoot(fn: FnNode): boolean {
  return fn.exported || fn.addressTaken || fn.callers.length === 0;
}

/** Walks direct callers from `starts`, never into `stop`; returns every function reached. */
function callersClosure(starts: Iterable<FnNode>, stop: (fn: FnNode) => boolean): Set<FnNode> {
  const seen = new Set<FnNode>(starts);
  const queue = [...seen];
  while (queue.length) {
    const fn = queue.pop()!;
    for (const { from, indirect } of fn.callers) {
      if (indirect || seen.has(from) || stop(from)) continue;
      seen.add(from);
      queue.push(from);
    }
  }
  return seen;
}

/** Functions whose callers in other files the rules still need. */
function needingCallers(graph: CallGraph, config: Config): Set<FnNode> {
  const traced = new Set(config.rules['attach-before-setup'].calls);
  const setters = new Set(config.apis.setters.map((s) => s.name));
  const pairs = pairNames(config);
  const apis = apiNames(config);
  const outside = (fn: FnNode) => pairs.has(fn.name) || apis.has(fn.name);
  const need = new Set<FnNode>();
  // Rule 2: every caller chain of an attach, up to whatever entry point starts it.
  const attaching = graph.functions.filter((fn) => !outside(fn) && fn.summary.calls.some((c) => !c.viaMember && traced.has(c.callee)));
  for (const fn of callersClosure(attaching, outside)) need.add(fn);
  // Rule 1: a dma_ops write is a finding as soon as a root reaches it other than through the
  // pair; only while none is known do its callers elsewhere matter.
  for (const fn of graph.functions) {
    if (outside(fn) || setters.has(fn.name)) continue;
    const writes =
      fn.summary.calls.some((c) => !c.viaMember && setters.has(c.callee)) ||
      fn.summary.writes.some((w) => w.member === config.device.opsMember && isDeviceObject(graph, config, w.object));
    if (!writes) continue;
    const chain = callersClosure([fn], outside);
    if (![...chain].some(isRoot)) for (const f of chain) need.add(f);
  }
  return need;
}

export interface Growth {
  /** Names to look for in every file not parsed yet. */
  anywhere: string[];
  /** Names to look for among the files that call an API with a configured effect. */
  amongEffects: string[];
}

/**
 * Names to search for in files not parsed yet. `searched` holds the names searched before,
 * which are never searched again.
 */
export function growthWords(summaries: readonly FileSummary[], config: Config, searched: ReadonlySet<string>): Growth {
  const graph = new CallGraph(summaries);
  const anywhere = new Set<string>();
  // A static function's callers are in its file, except for header inlines.
  for (const fn of needingCallers(graph, config)) {
    if ((!fn.summary.isStatic || fn.file.endsWith('.h')) && !fn.summary.recovered) anywhere.add(fn.name);
  }
  const fields = configuredFields(config);
  for (const file of summaries) {
    for (const table of file.tables) {
      for (const b of table.fields) {
        if (fields.has(b.field) && graph.resolve(file.file, b.fn).length === 0) anywhere.add(b.fn);
      }
    }
  }
  const seeds = new Set(seedWords(config));
  const fresh = (words: Iterable<string>) => [...words].filter((w) => !seeds.has(w) && !searched.has(w)).sort();
  return { anywhere: fresh(anywhere), amongEffects: fresh([...undefinedBelowPairs(graph, config)].filter((w) => !anywhere.has(w))) };
}
