// Vocabulary the rules share: the sanctioned pair, and how graph paths become the steps a
// finding shows.
import type { EntryInstance } from '../callgraph/entries.js';
import type { CallGraph, Edge, FnNode } from '../callgraph/graph.js';
import { type Config, activePairs } from '../config/types.js';
import type { Location, PathStep } from '../model.js';
import { isDeviceObject } from '../callgraph/device.js';
import { compareText } from '../order.js';

export { isDeviceObject };

/** Every definition of the configured architecture's setup/teardown functions. */
export function pairFunctions(graph: CallGraph, config: Config): Set<FnNode> {
  const out = new Set<FnNode>();
  for (const pair of activePairs(config)) {
    for (const fn of [...graph.named(pair.setup), ...graph.named(pair.teardown)]) out.add(fn);
  }
  return out;
}

/** Words that name the architecture's pairs (a seed of every rule that knows them). */
export function pairWords(config: Config): string[] {
  return activePairs(config).flatMap((p) => [p.setup, p.teardown]);
}

/**
 * The driver core's functions that run a driver's callback (rules.yaml driverCore): what they
 * undo after it decides findings, so their files are parsed whatever else names the teardown.
 */
export function driverCoreWords(config: Config): string[] {
  return config.driverCore.map((d) => d.function);
}

/** Words without which no dma_ops write is written: the setters and the ops member. */
export function opsWriteWords(config: Config): string[] {
  return [...config.apis.setters.map((s) => s.name), config.device.opsMember];
}

/** Fields whose callbacks are entry points (rules.yaml entryPoints). */
export function entryFields(config: Config): string[] {
  return config.entryPoints.map((e) => e.field);
}

export function pairNames(config: Config): string {
  const [first] = activePairs(config);
  return first ? `${first.setup}()/${first.teardown}()` : 'the setup/teardown pair';
}

export function pairSetup(config: Config): string {
  const [first] = activePairs(config);
  return first ? `${first.setup}()` : 'setup';
}

export function definitionStep(fn: FnNode, message: string): PathStep {
  return { file: fn.file, line: fn.summary.line, col: fn.summary.col, function: fn.name, message };
}

export function entryStep(inst: EntryInstance): PathStep {
  const b = inst.binding;
  return {
    file: b.file,
    line: b.field.line,
    col: b.field.col,
    function: inst.fn.name,
    message: `${inst.fn.name}() is the ${inst.entry.name} callback (${b.table.name}): ${inst.entry.when}`,
  };
}

export function edgeSteps(edges: Iterable<Edge>): PathStep[] {
  return Array.from(edges, (e) => ({
    file: e.from.file,
    line: e.site.line,
    col: e.site.col,
    endLine: e.site.endLine,
    endCol: e.site.endCol,
    function: e.from.name,
    message: e.via
      ? `${e.from.name}() calls ${e.to.name}() through ${e.via.structType}.${e.via.member}` +
        (e.site.object ? ` of ${e.site.object.text}` : '')
      : `${e.from.name}() calls ${e.to.name}()`,
  }));
}

export function siteLocation(
  fn: FnNode,
  site: { line: number; col: number; endLine: number; endCol: number },
): Location {
  return { file: fn.file, line: site.line, col: site.col, endLine: site.endLine, endCol: site.endCol };
}

export const compareLocations = (a: Location, b: Location) =>
  compareText(a.file, b.file) || a.line - b.line || a.col - b.col;
