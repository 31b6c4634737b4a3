// Which files a scan must parse. Parsing a whole kernel tree takes minutes, so a scan parses the
// files that mention what the rules look at, then grows that set along the call graph only as
// far as the rules need:
// - upwards from every function that calls an attach API (rule 2 needs the entry points that
//   reach it), and from a dma_ops write while no root reaches it other than through the pair
//   (rule 1), through non-static functions only, since a static function's callers are in its
//   own file;
// - rule 3 needs the effects under the pairs and ops-table callbacks: every file that calls
//   an API with a configured effect is parsed from the start, so a helper in another file is
//   seen when it calls such an API itself (a chain of cross-file helpers none of which calls
//   one is not followed);
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

/** Fields of the ops-table pairs: their tables are looked at whatever they call. */
function pairFields(config: Config): Set<string> {
  return new Set(config.opsPairs.flatMap((p) => [...p.setup, ...p.teardown]));
}

/** Words whose mention makes a file worth parsing from the start. */
export function seedWords(config: Config): string[] {
  return [...new Set([...apiNames(config), config.device.opsMember, ...pairNames(config), ...pairFields(config)])].sort();
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

/**
 * Names to search for in files not parsed yet. `searched` holds the names searched before,
 * which are never searched again.
 */
export function growthWords(summaries: readonly FileSummary[], config: Config, searched: ReadonlySet<string>): string[] {
  const graph = new CallGraph(summaries);
  const words = new Set<string>();
  // A static function's callers are in its file, except for header inlines.
  for (const fn of needingCallers(graph, config)) {
    if ((!fn.summary.isStatic || fn.file.endsWith('.h')) && !fn.summary.recovered) words.add(fn.name);
  }
  const fields = configuredFields(config);
  for (const file of summaries) {
    for (const table of file.tables) {
      for (const b of table.fields) {
        if (fields.has(b.field) && graph.resolve(file.file, b.fn).length === 0) words.add(b.fn);
      }
    }
  }
  for (const seed of seedWords(config)) words.delete(seed);
  return [...words].filter((w) => !searched.has(w)).sort();
}
