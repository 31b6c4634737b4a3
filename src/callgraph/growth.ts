// Which files a scan must parse. Parsing a whole kernel tree takes minutes, so a scan parses the
// files that mention a sink (set_dma_ops, dma_ops, the configured APIs and pairs) and then grows
// that set along the call graph as far as the rules need: the callers of every function that
// reaches a sink other than through the pair, and the definitions of callbacks that ops tables
// bind to configured fields.
import { type Config, activePairs } from '../config/types.js';
import type { FileSummary } from '../parser/summary.js';
import { CallGraph, type FnNode } from './graph.js';

/** Names of APIs whose call sites the rules look at. */
function sinkNames(config: Config): Set<string> {
  return new Set([
    ...config.apis.setters.map((s) => s.name),
    ...config.apis.effects.map((e) => e.name),
    ...config.rules['attach-before-setup'].calls,
  ]);
}

/** Words whose mention makes a file worth parsing from the start. */
export function seedWords(config: Config): string[] {
  const words = new Set(sinkNames(config));
  words.add(config.device.opsMember);
  for (const pair of activePairs(config)) {
    words.add(pair.setup);
    words.add(pair.teardown);
  }
  return [...words].sort();
}

/** Fields whose bound callbacks the rules look at: entry points and ops-table pairs. */
function configuredFields(config: Config): Set<string> {
  return new Set([
    ...config.entryPoints.map((e) => e.field),
    ...config.opsPairs.flatMap((p) => [...p.setup, ...p.teardown]),
  ]);
}

/**
 * Names to search for in files not parsed yet: callers of sink-reaching functions, and
 * callbacks bound in configured fields whose definition has not been seen.
 */
export function growthWords(summaries: readonly FileSummary[], config: Config, searched: ReadonlySet<string>): string[] {
  const graph = new CallGraph(summaries);
  const sinks = sinkNames(config);
  const pairNames = new Set(activePairs(config).flatMap((p) => [p.setup, p.teardown]));
  const reaching = new Set<FnNode>();
  const queue: FnNode[] = [];
  for (const fn of graph.functions) {
    const direct =
      fn.summary.calls.some((c) => !c.viaMember && sinks.has(c.callee)) ||
      fn.summary.writes.some((w) => w.member === config.device.opsMember);
    if (direct && !pairNames.has(fn.name) && !sinks.has(fn.name)) {
      reaching.add(fn);
      queue.push(fn);
    }
  }
  // Upwards through callers, never through the pair: its own callers do not matter.
  while (queue.length) {
    const fn = queue.pop()!;
    for (const edge of fn.callers) {
      const caller = edge.from;
      if (reaching.has(caller) || pairNames.has(caller.name)) continue;
      reaching.add(caller);
      queue.push(caller);
    }
  }
  const words = new Set<string>();
  // A static function's callers are in its file, except for header inlines.
  for (const fn of reaching) {
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
  return [...words].filter((w) => !searched.has(w)).sort();
}
