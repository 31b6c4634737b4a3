// Hazard 1: dev->dma_ops written outside the arch setup/teardown pair. arch_setup_dma_ops()
// returns early when ops are already set, so ops installed by anyone else silently disable
// setup, and teardown cannot tell whose ops it clears.
import { entryInstances, eventsFor, phasesAt, type EntryInstance } from '../callgraph/entries.js';
import type { CallGraph, FnNode } from '../callgraph/graph.js';
import { type SelfMade, selfMadeDevice } from '../callgraph/device.js';
import type { Config } from '../config/types.js';
import { callersOf, type Reached } from '../callgraph/paths.js';
import type { PathStep } from '../model.js';
import { type RuleContext, type RuleMeta, defineRule } from './rule.js';
import {
  compareLocations,
  definitionStep,
  edgeSteps,
  entryFields,
  entryStep,
  opsWriteWords,
  pairFunctions,
  pairNames,
  pairSetup,
  pairWords,
  driverCoreWords,
  siteLocation,
} from './support.js';
import { compareText } from '../order.js';
import type { PairAnalysis, PairInstance } from '../analysis/pairs.js';
import { type OpsWrite, opsWritesIn, siteText } from '../analysis/ops-writes.js';
import type { ParamConstraint } from '../parser/summary.js';

interface Options {
  /**
   * The level of a write inside an API whose effects rules.yaml states (`apis.effects`: the
   * arch's arm_iommu_attach_device()), or `off`: drivers are told to call it after setup, so its
   * callers are what a patch can change, and the rules judge them where they run.
   */
  apiDefinitions: 'note' | 'warning' | 'error' | 'off';
  /**
   * The level of a write to a device the analyzed code makes itself (callgraph/device.ts
   * selfMadeDevice: embedded in what the function allocates, or defined by the file), or `off`:
   * no firmware node describes it, so no arch setup runs for it and its ops are its own.
   */
  selfMadeDevices: 'note' | 'warning' | 'error' | 'off';
}

const meta: RuleMeta<Options> = {
  id: 'set-dma-ops-outside-setup-teardown',
  name: 'SetDmaOpsOutsideSetupTeardown',
  shortDescription: "A device's dma_ops are written outside the arch setup/teardown pair.",
  fullDescription:
    "set_dma_ops() or an assignment to struct device's dma_ops in a function that can be reached other than " +
    'through arch_setup_dma_ops()/arch_teardown_dma_ops() and the helpers only they call. A write reached only ' +
    "from a driver's own probe/remove or a component's bind/unbind, which run after setup, whose teardown undoes " +
    'the override is the sanctioned pattern and is reported as a note. So is a write inside an API whose ' +
    'effects rules.yaml states (arm_iommu_attach_device()): its callers are what a patch changes, and the ' +
    'other rules judge them where they run (option apiDefinitions), and a write to a device the analyzed code ' +
    'makes itself, embedded in what the function allocates or defined by the file (vdpa simulators, self-tests): ' +
    'no firmware node describes it, so no arch setup ever runs for it (option selfMadeDevices).',
  help: {
    text:
      "arch_setup_dma_ops() is the one place that may install a device's DMA ops, and it begins with " +
      '"if (dev->dma_ops) return;": ops installed earlier by a bus notifier, an IOMMU driver or an exported ' +
      'helper silently disable setup, and arch_teardown_dma_ops() then cannot tell whose ops it clears on a ' +
      'deferred probe or unbind. Move the override into the DT/ACPI path and arch_setup_dma_ops(), or into ' +
      "the driver's own probe after setup has run (see ARM 8674/1 and the linux-arm-msm thread of May 2017).",
    markdown:
      "`arch_setup_dma_ops()` is the one place that may install a device's DMA ops, and it begins with " +
      '`if (dev->dma_ops) return;`: ops installed earlier by a bus notifier, an IOMMU driver or an exported ' +
      'helper silently disable setup, and `arch_teardown_dma_ops()` then cannot tell whose ops it clears on a ' +
      'deferred probe or unbind.\n\nMove the override into the DT/ACPI path and `arch_setup_dma_ops()`, or into ' +
      "the driver's own probe after setup has run (see ARM 8674/1 and the linux-arm-msm thread of May 2017).",
  },
  defaultLevel: 'warning',
  tags: ['correctness', 'dma', 'kernel'],
  precision: 'high',
  messages: {
    direct:
      "{{what}} writes the device's dma_ops outside {{pair}}: {{fn}}() {{how}}; leave the ops to {{pair}}, or " +
      'write them from a driver probe or bind whose remove or unbind undoes them',
    viaPath:
      "{{what}} writes the device's dma_ops outside {{pair}}: {{fn}}() is reached from {{root}}; leave the ops " +
      'to {{pair}}, or write them from a driver probe or bind whose remove or unbind undoes them',
    override:
      "{{what}} writes the device's dma_ops outside {{pair}}, reached only from {{roots}} after setup, and " +
      "{{undo}} undoes the override: the driver's own override, the sanctioned pattern; nothing to change",
    apiDefinition:
      "{{what}} writes the device's dma_ops outside {{pair}} in {{fn}}(), an API drivers are told to call " +
      'after setup: its callers are judged where they run (attach-before-setup, error paths, driver pairs); ' +
      'fix a caller, not the API',
    selfMade:
      '{{what}} writes the dma_ops of a device {{fn}}() makes itself ({{made}}), outside {{pair}}: no firmware ' +
      'node describes it, so no bus runs the arch setup for it and the ops are its own; nothing to change ' +
      'unless a bus that configures DMA adopts the device',
  },
  options: {
    schema: {
      apiDefinitions: { enum: ['note', 'warning', 'error', 'off'] },
      selfMadeDevices: { enum: ['note', 'warning', 'error', 'off'] },
    },
    defaults: { apiDefinitions: 'note', selfMadeDevices: 'note' },
  },
};

/** Why a function can be entered from outside the pair, best explanation first. */
interface Root {
  rank: number;
  entry?: EntryInstance;
  fn: FnNode;
  describe: string;
  how: string;
  first: PathStep;
}

/**
 * Whether the write runs before setup when the callback is called: its phase, or for a notifier
 * the events whose branch holds `constraints` (those of the first call on the way, or of the
 * write itself).
 */
const runsBeforeSetup = (inst: EntryInstance, constraints: readonly ParamConstraint[]) =>
  phasesAt(inst.entry, constraints).has('before-setup');

function rootOf(
  fn: FnNode,
  entries: Map<FnNode, EntryInstance[]>,
  constraints: readonly ParamConstraint[] = [],
): Root | undefined {
  const bound = entries.get(fn);
  if (bound?.length) {
    // A binding through which the write runs before setup says most; then by entry point name
    // and place, which do not move when definitions are reordered.
    const inst = [...bound].sort(
      (a, b) =>
        Number(runsBeforeSetup(b, constraints)) - Number(runsBeforeSetup(a, constraints)) ||
        compareText(a.entry.name, b.entry.name) ||
        compareLocations(entryStep(a), entryStep(b)),
    )[0]!;
    return {
      rank: runsBeforeSetup(inst, constraints) ? 0 : 1,
      entry: inst,
      fn,
      describe: `the ${inst.entry.name} callback ${fn.name}()`,
      how: `is the ${inst.entry.name} callback`,
      first: entryStep(inst),
    };
  }
  if (fn.exported) {
    return {
      rank: 2,
      fn,
      describe: `the exported function ${fn.name}()`,
      how: 'is exported: any module can call it, at any time',
      first: definitionStep(fn, `${fn.name}() is exported: any module can call it, at any time`),
    };
  }
  if (fn.addressTaken) {
    return {
      rank: 3,
      fn,
      describe: `${fn.name}(), called through a function pointer`,
      how: 'is called through a function pointer',
      first: definitionStep(fn, `${fn.name}() is used as a callback`),
    };
  }
  if (fn.callers.length === 0) {
    return {
      rank: 4,
      fn,
      describe: `${fn.name}(), which has no caller in the analyzed tree`,
      how: 'has no caller in the analyzed tree, so it is called from elsewhere',
      first: definitionStep(fn, `${fn.name}() has no caller in the analyzed tree`),
    };
  }
  return undefined;
}

/**
 * The explanation of a write, chosen among the roots of its callers' region (callers up to the
 * first functions that can be entered from outside) in this order: the nearest (fewest calls
 * from it to the write), then the most telling kind (a callback through which the write runs
 * before setup, another callback, an exported function, a function used as a value, one
 * without caller), then by name: the root function, its file, then the functions on the way.
 * Names, not lines, so that reordering definitions does not change the explanation.
 */
function rootsOf(
  reached: Reached[],
  sanctioned: ReadonlySet<FnNode>,
  entries: Map<FnNode, EntryInstance[]>,
  write: OpsWrite,
) {
  const candidates: { root: Root; reached: Reached }[] = [];
  for (const r of reached) {
    if (sanctioned.has(r.fn)) continue;
    const root = rootOf(r.fn, entries, r.edges.first?.site.params ?? write.site.params);
    if (root) candidates.push({ root, reached: r });
  }
  const names = (r: Reached) => Array.from(r.edges, (e) => e.to.name).join('\0');
  candidates.sort(
    (a, b) =>
      a.reached.edges.length - b.reached.edges.length ||
      a.root.rank - b.root.rank ||
      compareText(a.root.fn.name, b.root.fn.name) ||
      compareText(a.root.fn.file, b.root.fn.file) ||
      compareText(names(a.reached), names(b.reached)) ||
      compareLocations(a.root.first, b.root.first),
  );
  return candidates;
}

/** A setter's write to a device the writing function makes itself (callgraph/device.ts). */
function selfMadeWrite(graph: CallGraph, config: Config, fn: FnNode, w: OpsWrite): SelfMade | undefined {
  if (!('args' in w.site)) return undefined;
  const site = w.site;
  const setter = config.apis.setters.find((s) => s.name === site.callee);
  const arg = setter ? site.args[setter.deviceArg] : undefined;
  if (!arg) return undefined;
  return selfMadeDevice(config, graph.files.find((f) => f.file === fn.file) ?? {}, fn.summary, arg);
}

/** What undoes a driver's override: its teardown callbacks, devres, or the driver core after the teardown. */
function undoerOf(pairs: PairAnalysis, pair: PairInstance): string {
  const core = pairs.ownUndoneBy(pair).has('ops') ? undefined : pairs.coreUndoneAfter(pair).get('ops');
  if (core) return `the driver core (${core}) after ${pair.teardownName || 'the teardown'}`;
  return pair.teardowns.length ? pair.teardownName : 'a devres callback its setup registers';
}

function check({ graph, config, pairs, report, options }: RuleContext<Options>): void {
  const sanctioned = pairFunctions(graph, config);
  const apis = new Set(config.apis.effects.map((e) => e.name));
  const setters = new Set(config.apis.setters.map((s) => s.name));
  const entries = new Map<FnNode, EntryInstance[]>();
  for (const inst of entryInstances(graph, config.entryPoints)) {
    const list = entries.get(inst.fn) ?? [];
    list.push(inst);
    entries.set(inst.fn, list);
  }
  const pairAnalysis = pairs();
  const overrides = pairAnalysis.undoneOverrides();
  for (const fn of graph.functions) {
    if (setters.has(fn.name) || sanctioned.has(fn)) continue;
    const writes = opsWritesIn(graph, config, fn);
    if (writes.length === 0) continue;
    const reached = callersOf(fn, sanctioned, (f) => rootOf(f, entries) === undefined);
    for (const w of writes) {
      const roots = rootsOf(reached, sanctioned, entries, w);
      const best = roots[0];
      if (!best) continue; // reached only through the pair: part of it
      // Reached only from the callbacks of driver pairs that undo the ops they install.
      const pairs = roots.flatMap((r) => overrides.get(r.root.fn) ?? []);
      const undone = pairs.length === roots.length ? [...new Set(pairs)] : [];
      const location = siteLocation(fn, w);
      const direct = best.root.fn === fn;
      // For a notifier, say which events reach the write: the first call, or the write itself.
      const entry = best.root.entry?.entry;
      let branch = '';
      if (entry?.events) {
        const constraints = best.reached.edges.first?.site.params ?? w.site.params;
        const events = eventsFor(entry, 'before-setup');
        if (phasesAt(entry, constraints).has('before-setup'))
          branch = `, for ${events.join('/')}, before ${pairSetup(config)}`;
      }
      const api = apis.has(fn.name);
      if (api && options.apiDefinitions === 'off') continue;
      const made = api || undone.length ? undefined : selfMadeWrite(graph, config, fn, w);
      if (made && options.selfMadeDevices === 'off') continue;
      const messageId = api
        ? 'apiDefinition'
        : undone.length
          ? 'override'
          : made
            ? 'selfMade'
            : direct
              ? 'direct'
              : 'viaPath';
      report({
        messageId,
        // Reported for review, not as a hazard: a driver may override its own ops if it undoes them.
        ...(api
          ? { level: options.apiDefinitions as 'note' | 'warning' | 'error' }
          : undone.length
            ? { level: 'note' as const }
            : made
              ? { level: options.selfMadeDevices as 'note' | 'warning' | 'error' }
              : {}),
        data: {
          what: w.what,
          pair: pairNames(config),
          fn: fn.name,
          how: best.root.how + branch,
          root: best.root.describe + branch,
          roots: [...new Set(roots.map((r) => r.root.describe))].join(', '),
          undo: [...new Set(undone.map((p) => undoerOf(pairAnalysis, p)))].join(', '),
          made: made?.how ?? '',
        },
        location,
        function: fn.name,
        kind: 'outside-pair',
        site: siteText(w.site),
        path: [
          best.root.first,
          ...edgeSteps(best.reached.edges),
          {
            ...location,
            function: fn.name,
            message: `${w.what} ${w.clears ? 'clears' : 'installs'} the device's DMA ops here`,
          },
        ],
        conditions: w.cond,
      });
    }
  }
}

export const setDmaOpsOutsideSetupTeardown = defineRule<Options>({
  meta,
  // The writes, the pair that sanctions them, and every caller up to the roots that explain one.
  needs: (config) => ({
    seeds: [...opsWriteWords(config), ...pairWords(config), ...driverCoreWords(config)],
    rootsOfOpsWrites: true,
    boundFields: entryFields(config),
  }),
  check,
});
