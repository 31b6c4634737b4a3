// Setup/teardown pairs as the rules meet them in a tree: the architecture's function pairs, and
// the callbacks one ops table binds to a configured pair of fields (rules.yaml `opsPairs`): an
// IOMMU's add_device/remove_device, a driver's probe/remove, a component's bind/unbind.
import type { CallGraph, FnNode } from '../callgraph/graph.js';
import { type Config, activePairs } from '../config/types.js';
import type { Location, StateKind } from '../model.js';
import { conditionsCompatible } from '../parser/preproc.js';
import type { DriverCoreAnalysis } from './driver-core.js';
import type { EffectAnalysis } from './effects.js';
import { countBuild } from './builds.js';

export interface PairInstance {
  setups: FnNode[];
  teardowns: FnNode[];
  setupName: string;
  teardownName: string;
  /** Ops-table pairs: the table, its configured struct and the teardown fields it lacks. */
  table?: { name: string; struct?: string; setupFields: string[]; fields: string[]; location: Location };
}

/** `a() and b()`; two definitions of one name (#ifdef alternatives) are one function here. */
const fnLabel = (fns: FnNode[], fallback: string) =>
  fns.length ? [...new Set(fns.map((f) => `${f.name}()`))].join(' and ') : fallback;

/**
 * A setup is compared with the teardowns defined beside it, in the same file and compiled in
 * the same configurations: an `#else` stub never runs with the real function, and another
 * file's definition (dma-mapping-nommu.c, a header's static inline fallback) belongs to
 * another build.
 */
function functionPairs(graph: CallGraph, config: Config): PairInstance[] {
  const out: PairInstance[] = [];
  for (const pair of activePairs(config)) {
    for (const setup of graph.named(pair.setup)) {
      const teardowns = graph
        .named(pair.teardown)
        .filter((t) => t.file === setup.file && conditionsCompatible(t.summary.cond, setup.summary.cond));
      if (teardowns.length === 0) continue;
      out.push({ setups: [setup], teardowns, setupName: `${setup.name}()`, teardownName: fnLabel(teardowns, '') });
    }
  }
  return out;
}

/**
 * One instance per table and configured pair whose setup fields the table binds. A table whose
 * struct tree-sitter could not tell matches by fields, once: the driver pairs of platform, PCI,
 * I2C … drivers all name probe and remove, and one table is one driver.
 */
function opsPairs(graph: CallGraph, config: Config): PairInstance[] {
  const out: PairInstance[] = [];
  const tables = new Map<object, { file: string; bindings: typeof graph.bindings }>();
  for (const b of graph.bindings) {
    const entry = tables.get(b.table) ?? { file: b.file, bindings: [] };
    entry.bindings.push(b);
    tables.set(b.table, entry);
  }
  for (const [, { file, bindings }] of tables) {
    const table = bindings[0]!.table;
    const seen = new Set<string>();
    for (const pair of config.opsPairs) {
      if (pair.struct && table.structType !== undefined && table.structType !== pair.struct) continue;
      const setups = [...new Set(bindings.filter((b) => pair.setup.includes(b.field.field)).map((b) => b.fn))];
      if (setups.length === 0) continue;
      const teardowns = [...new Set(bindings.filter((b) => pair.teardown.includes(b.field.field)).map((b) => b.fn))];
      const key = `${setups.map((f) => f.id).join(',')}|${teardowns.map((f) => f.id).join(',')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const fields = pair.teardown.map((f) => `.${f}`).join('/');
      out.push({
        setups,
        teardowns,
        setupName: fnLabel(setups, ''),
        teardownName: fnLabel(teardowns, `a ${fields} callback`),
        table: {
          name: table.name,
          ...(pair.struct ? { struct: pair.struct } : {}),
          setupFields: pair.setup,
          fields: pair.teardown,
          location: { file, line: table.line, col: table.col },
        },
      });
    }
  }
  return out;
}

/**
 * Callbacks that `setup` or the helpers it calls register with devres (rules.yaml
 * `undo.devmActions`): devres runs them when probe fails and when the driver unbinds, so what
 * they undo the driver's teardown need not.
 */
function devmCallbacks(graph: CallGraph, config: Config, setup: FnNode): FnNode[] {
  const actions = new Map(config.undo.devmActions.map((d) => [d.name, d.callbackArg]));
  const out = new Set<FnNode>();
  const seen = new Set<FnNode>([setup]);
  const queue = [setup];
  for (let i = 0; i < queue.length; i++) {
    const fn = queue[i]!;
    for (const site of fn.summary.calls) {
      const arg = site.viaMember ? undefined : actions.get(site.callee);
      const callback = arg === undefined ? undefined : site.args[arg]?.ident;
      if (callback) for (const cb of graph.resolve(fn.file, callback)) out.add(cb);
    }
    for (const edge of fn.callees) {
      if (actions.has(edge.to.name) || seen.has(edge.to)) continue;
      seen.add(edge.to);
      queue.push(edge.to);
    }
  }
  return [...out];
}

/**
 * A driver-level pair: its setup callbacks are entry points that run after the arch setup
 * (rules.yaml `entryPoints`, phase after-setup), such as a driver's probe or a component's bind.
 */
export function runsAfterSetup(config: Config, pair: PairInstance): boolean {
  const table = pair.table;
  if (!table) return false;
  return table.setupFields.every((field) =>
    config.entryPoints.some(
      (e) => e.field === field && e.phase === 'after-setup' && (e.struct === undefined || e.struct === table.struct),
    ),
  );
}

/**
 * The pairs of one call graph and configuration, each list made once: several rules
 * ask the same questions of them.
 */
export class PairAnalysis {
  private functionPairs?: PairInstance[];
  private opsPairs?: PairInstance[];
  private overrides?: Map<FnNode, PairInstance>;

  constructor(
    private graph: CallGraph,
    private config: Config,
    private effects: EffectAnalysis,
    private driverCore: DriverCoreAnalysis,
  ) {
    countBuild('pairs');
  }

  /** The architecture's setup/teardown functions, each setup with the teardowns beside it. */
  functions(): PairInstance[] {
    return (this.functionPairs ??= functionPairs(this.graph, this.config));
  }

  /** The callbacks ops tables bind to configured pairs of fields. */
  tables(): PairInstance[] {
    return (this.opsPairs ??= opsPairs(this.graph, this.config));
  }

  /** Kinds of state the teardowns of `pair`, or the devres callbacks its setups register, undo. */
  ownUndoneBy(pair: PairInstance): Set<StateKind> {
    const undoers = [...pair.teardowns, ...pair.setups.flatMap((s) => devmCallbacks(this.graph, this.config, s))];
    return new Set(
      undoers.flatMap((fn) =>
        this.effects
          .of(fn)
          .filter((e) => e.op === 'undo')
          .map((e) => e.kind),
      ),
    );
  }

  /**
   * Kinds the driver core undoes itself after the pair's teardown runs, in every configuration
   * (driver-core.ts), each with the driver core's function that does (`__device_release_driver()`).
   */
  coreUndoneAfter(pair: PairInstance): Map<StateKind, string> {
    const out = new Map<StateKind, string>();
    const struct = pair.table?.struct;
    if (!struct) return out;
    for (const field of pair.table!.fields)
      for (const [kind, undo] of this.driverCore.after(`${struct}.${field}`))
        if (undo.onlyWith.length === 0 && !out.has(kind)) out.set(kind, undo.via);
    return out;
  }

  /** Kinds undone by the pair's teardowns, its devres callbacks, or the driver core after it. */
  undoneBy(pair: PairInstance): Set<StateKind> {
    return new Set([...this.ownUndoneBy(pair), ...this.coreUndoneAfter(pair).keys()]);
  }

  /**
   * The callbacks of driver-level pairs whose setup installs the DMA ops and whose teardown (or a
   * devres callback of the setup) undoes them: an override in the driver's own probe after setup
   * that its remove undoes, the pattern the kernel sanctions. Each maps to its pair.
   */
  undoneOverrides(): Map<FnNode, PairInstance> {
    if (this.overrides) return this.overrides;
    const out = new Map<FnNode, PairInstance>();
    for (const pair of this.tables()) {
      if (!runsAfterSetup(this.config, pair)) continue;
      const installs = pair.setups.some((s) =>
        this.effects.of(s).some((e) => e.kind === 'ops' && e.op === 'establish'),
      );
      if (!installs || !this.undoneBy(pair).has('ops')) continue;
      for (const fn of [...pair.setups, ...pair.teardowns]) if (!out.has(fn)) out.set(fn, pair);
    }
    return (this.overrides = out);
  }
}
