// Hazard 1: dev->dma_ops written outside the arch setup/teardown pair. arch_setup_dma_ops()
// returns early when ops are already set, so ops installed by anyone else silently disable
// setup, and teardown cannot tell whose ops it clears.
import { entryInstances, eventsFor, phasesAt, type EntryInstance } from '../callgraph/entries.js';
import type { CallGraph, FnNode } from '../callgraph/graph.js';
import { callersOf, type Reached } from '../callgraph/paths.js';
import type { Config } from '../config/types.js';
import type { Finding, PathStep } from '../model.js';
import { type Rule, type RuleMeta, formatMessage } from './rule.js';
import { compareLocations, definitionStep, edgeSteps, entryStep, opsWritesIn, pairFunctions, pairNames, pairSetup, siteLocation, siteText } from './support.js';
import { compareText } from '../order.js';

const meta: RuleMeta = {
  id: 'set-dma-ops-outside-setup-teardown',
  name: 'SetDmaOpsOutsideSetupTeardown',
  shortDescription: "A device's dma_ops are written outside the arch setup/teardown pair.",
  fullDescription:
    "set_dma_ops() or an assignment to struct device's dma_ops in a function that can be reached other than " +
    'through arch_setup_dma_ops()/arch_teardown_dma_ops() and the helpers only they call.',
  help: {
    text:
      'arch_setup_dma_ops() is the one place that may install a device\'s DMA ops, and it begins with ' +
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
    direct: "{{what}} writes the device's dma_ops outside {{pair}}: {{fn}}() {{how}}",
    viaPath: "{{what}} writes the device's dma_ops outside {{pair}}: {{fn}}() is reached from {{root}}",
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

const runsBeforeSetup = (inst: EntryInstance) =>
  inst.entry.phase === 'before-setup' || Object.values(inst.entry.events ?? {}).includes('before-setup');

function rootOf(fn: FnNode, entries: Map<FnNode, EntryInstance[]>): Root | undefined {
  const bound = entries.get(fn);
  if (bound?.length) {
    // A callback that runs before setup says most; then the first binding in the tree.
    const inst = [...bound].sort(
      (a, b) => Number(runsBeforeSetup(b)) - Number(runsBeforeSetup(a)) || compareLocations(entryStep(a), entryStep(b)) || compareText(a.entry.name, b.entry.name),
    )[0]!;
    return { rank: runsBeforeSetup(inst) ? 0 : 1, entry: inst, fn, describe: `the ${inst.entry.name} callback ${fn.name}()`, how: `is the ${inst.entry.name} callback`, first: entryStep(inst) };
  }
  if (fn.exported) {
    return { rank: 2, fn, describe: `the exported function ${fn.name}()`, how: 'is exported: any module can call it, at any time', first: definitionStep(fn, `${fn.name}() is exported: any module can call it, at any time`) };
  }
  if (fn.addressTaken) {
    return { rank: 3, fn, describe: `${fn.name}(), called through a function pointer`, how: 'is called through a function pointer', first: definitionStep(fn, `${fn.name}() is used as a callback`) };
  }
  if (fn.callers.length === 0) {
    return { rank: 4, fn, describe: `${fn.name}(), which has no caller in the analyzed tree`, how: 'has no caller in the analyzed tree, so it is called from elsewhere', first: definitionStep(fn, `${fn.name}() has no caller in the analyzed tree`) };
  }
  return undefined;
}

/**
 * The explanation of a write, chosen among the roots of its callers' region (callers up to the
 * first functions that can be entered from outside) in this order: the nearest (fewest calls
 * from it to the write), then the most telling kind (a callback that runs before setup, another
 * callback, an exported function, a function used as a value, one without caller), then the
 * root's place in the tree (file, line, column), then the places of the path's calls.
 */
function bestRoot(reached: Reached[], sanctioned: ReadonlySet<FnNode>, entries: Map<FnNode, EntryInstance[]>) {
  const candidates: { root: Root; reached: Reached }[] = [];
  for (const r of reached) {
    if (sanctioned.has(r.fn)) continue;
    const root = rootOf(r.fn, entries);
    if (root) candidates.push({ root, reached: r });
  }
  const pathKey = (r: Reached) => r.edges.map((e) => `${e.from.file}\0${String(e.site.line).padStart(9, '0')}\0${String(e.site.col).padStart(9, '0')}`).join('\0');
  candidates.sort(
    (a, b) =>
      a.reached.edges.length - b.reached.edges.length ||
      a.root.rank - b.root.rank ||
      compareLocations(a.root.first, b.root.first) ||
      compareText(pathKey(a.reached), pathKey(b.reached)),
  );
  return candidates[0];
}

function check(graph: CallGraph, config: Config): Finding[] {
  const sanctioned = pairFunctions(graph, config);
  const setters = new Set(config.apis.setters.map((s) => s.name));
  const entries = new Map<FnNode, EntryInstance[]>();
  for (const inst of entryInstances(graph, config.entryPoints)) {
    const list = entries.get(inst.fn) ?? [];
    list.push(inst);
    entries.set(inst.fn, list);
  }
  const findings: Finding[] = [];
  for (const fn of graph.functions) {
    if (setters.has(fn.name) || sanctioned.has(fn)) continue;
    const writes = opsWritesIn(graph, config, fn);
    if (writes.length === 0) continue;
    const reached = callersOf(fn, sanctioned, (f) => rootOf(f, entries) === undefined);
    const best = bestRoot(reached, sanctioned, entries);
    if (!best) continue; // reached only through the pair: part of it
    for (const w of writes) {
      const location = siteLocation(fn, w);
      const direct = best.root.fn === fn;
      // For a notifier, say which events reach the write: the first call, or the write itself.
      const entry = best.root.entry?.entry;
      let branch = '';
      if (entry?.events) {
        const constraints = best.reached.edges[0]?.site.params ?? w.site.params;
        const events = eventsFor(entry, 'before-setup');
        if (phasesAt(entry, constraints).has('before-setup')) branch = `, for ${events.join('/')}, before ${pairSetup(config)}`;
      }
      const messageId = direct ? 'direct' : 'viaPath';
      const message = formatMessage(meta, messageId, {
        what: w.what,
        pair: pairNames(config),
        fn: fn.name,
        how: best.root.how + branch,
        root: best.root.describe + branch,
      });
      findings.push({
        ruleId: meta.id,
        level: config.rules[meta.id].level,
        messageId,
        message,
        location,
        function: fn.name,
        kind: 'outside-pair',
        site: siteText(w.site),
        path: [
          best.root.first,
          ...edgeSteps(best.reached.edges),
          { ...location, function: fn.name, message: `${w.what} ${w.clears ? 'clears' : 'installs'} the device's DMA ops here` },
        ],
        related: [],
        conditions: w.cond,
      });
    }
  }
  return findings;
}

export const setDmaOpsOutsideSetupTeardown: Rule = { meta, check };
