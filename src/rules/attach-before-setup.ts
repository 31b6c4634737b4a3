// Hazard 2: arm_iommu_attach_device() from an IOMMU add_device/probe_device/probe_finalize
// callback or from the BUS_NOTIFY_ADD_DEVICE branch of a bus notifier runs before
// arch_setup_dma_ops(). Setup then bails out, a deferred probe's teardown removes the mapping,
// and since the notifier never runs again the re-probed device has no IOMMU ops.
import { entryInstances, eventsFor, phasesAt, type EntryInstance } from '../callgraph/entries.js';
import type { EdgePath } from '../callgraph/edge-path.js';
import type { CallGraph, FnNode } from '../callgraph/graph.js';
import { reachableFrom } from '../callgraph/paths.js';
import { identifiers } from '../config/schema-parts.js';
import { type Config, activePairs } from '../config/types.js';
import type { EffectAnalysis } from '../analysis/effects.js';
import { siteText } from '../analysis/ops-writes.js';
import type { CallSite } from '../parser/summary.js';
import { type RuleContext, type RuleMeta, defineRule } from './rule.js';
import { compareText } from '../order.js';
import {
  compareLocations,
  edgeSteps,
  entryFields,
  entryStep,
  isDeviceObject,
  pairFunctions,
  pairWords,
  siteLocation,
} from './support.js';

interface Options {
  /** Calls that install a mapping and ops on the device. */
  calls: string[];
}

const meta: RuleMeta<Options> = {
  id: 'attach-before-setup',
  name: 'AttachBeforeSetup',
  shortDescription: 'An IOMMU attach runs before arch_setup_dma_ops().',
  fullDescription:
    'arm_iommu_attach_device() reachable from an IOMMU add_device/probe_device/probe_finalize callback or from ' +
    "the BUS_NOTIFY_ADD_DEVICE branch of a bus notifier, which run before the arch sets up the device's DMA ops.",
  help: {
    text:
      'add_device, probe_device, probe_finalize and BUS_NOTIFY_ADD_DEVICE notifiers run before ' +
      'arch_setup_dma_ops(). An attach there installs ops, so setup returns early ("if (dev->dma_ops) return;"); ' +
      'on -EPROBE_DEFER arch_teardown_dma_ops() removes the mapping, and because the notifier is not called ' +
      'again the re-probed device is left without IOMMU ops (ipmmu-vmsa, May 2017). Attach from the ' +
      "device driver's probe or component bind instead (as Exynos DRM and OMAP3 ISP do), or let " +
      'of_iommu_configure() and arch_setup_dma_ops() create the mapping.',
    markdown:
      '`add_device`, `probe_device`, `probe_finalize` and `BUS_NOTIFY_ADD_DEVICE` notifiers run before ' +
      '`arch_setup_dma_ops()`. An attach there installs ops, so setup returns early (`if (dev->dma_ops) return;`); ' +
      'on `-EPROBE_DEFER` `arch_teardown_dma_ops()` removes the mapping, and because the notifier is not called ' +
      'again the re-probed device is left without IOMMU ops (ipmmu-vmsa, May 2017).\n\nAttach from the ' +
      "device driver's probe or component bind instead (as Exynos DRM and OMAP3 ISP do), or let " +
      '`of_iommu_configure()` and `arch_setup_dma_ops()` create the mapping.',
  },
  defaultLevel: 'error',
  tags: ['correctness', 'dma', 'iommu', 'kernel'],
  precision: 'high',
  // What follows from the attach depends on the tree's own pair (see consequence()): the message
  // says only that; the help text tells the 2017 story.
  messages: {
    beforeSetup:
      '{{call}}() runs before {{setup}}: it is reached from {{entry}}{{branch}}; attach once {{setup}} has run, ' +
      "from the device's probe or bind (a mapping its IOMMU's devices share can still be created here)",
    setupSkipped:
      '{{call}}() runs before {{setup}}: it is reached from {{entry}}{{branch}}; {{setup}} returns early when ' +
      'the device already has ops, so the architecture never sets this device up, and {{teardown}} leaves it alone; ' +
      "attach once {{setup}} has run, from the device's probe or bind",
    opsLost:
      '{{call}}() runs before {{setup}}: it is reached from {{entry}}{{branch}}; {{setup}} returns early when ' +
      'the device already has ops, and {{teardown}} undoes them anyway: a re-probe after -EPROBE_DEFER leaves ' +
      "the device without IOMMU ops; attach once {{setup}} has run, from the device's probe or bind",
    opsReplaced:
      '{{call}}() runs before {{setup}}: it is reached from {{entry}}{{branch}}; {{setup}} then installs its ' +
      "own ops over the ones this attach installed; attach once {{setup}} has run, from the device's probe or bind",
  },
  options: {
    schema: { calls: { ...identifiers, minItems: 1 } },
    defaults: { calls: ['arm_iommu_attach_device'] },
  },
};

interface Hit {
  inst: EntryInstance;
  fn: FnNode;
  site: CallSite;
  edges: EdgePath;
}

/**
 * The entry point that explains an attach: the nearest (fewest calls), then by name (entry
 * point, callback, its file, the functions on the way), then by place; names first, so that
 * reordering definitions does not change the explanation.
 */
function explainsBetter(a: Hit, b: Hit): boolean {
  const names = (h: Hit) => Array.from(h.edges, (e) => e.to.name).join('\0');
  const order =
    a.edges.length - b.edges.length ||
    compareText(a.inst.entry.name, b.inst.entry.name) ||
    compareText(a.inst.fn.name, b.inst.fn.name) ||
    compareText(a.inst.binding.file, b.inst.binding.file) ||
    compareText(names(a), names(b)) ||
    compareLocations(entryStep(a.inst), entryStep(b.inst));
  return order < 0;
}

/**
 * What an attach before setup leads to in this tree, from its pair: whether the setup returns
 * early when the device already has ops, and whether the teardown's undos are all guarded by a
 * flag the setup sets (Linux 6.1's dma_ops_setup), so that it leaves a device it never set up
 * alone. Without the pair in the tree, only that the attach runs before setup.
 */
function consequence(
  graph: CallGraph,
  config: Config,
  effects: () => EffectAnalysis,
): { messageId: string; setup: string; teardown: string } {
  const [pair] = activePairs(config);
  const setups = pair ? graph.named(pair.setup) : [];
  if (!pair || setups.length === 0)
    return { messageId: 'beforeSetup', setup: pair ? `${pair.setup}()` : 'setup', teardown: '' };
  const names = { setup: `${pair.setup}()`, teardown: `${pair.teardown}()` };
  const bails = setups.some((s) =>
    s.summary.bails.some((b) => b.member === config.device.opsMember && isDeviceObject(graph, config, b.object)),
  );
  if (!bails) return { messageId: 'opsReplaced', ...names };
  const analysis = effects();
  const flags = new Set(setups.flatMap((s) => [...analysis.flagsSetBy(s)]));
  const undos = graph.named(pair.teardown).flatMap((t) => analysis.of(t).filter((e) => e.op === 'undo'));
  const guarded = undos.every((e) => e.guards.some((g) => flags.has(g)));
  return { messageId: guarded ? 'setupSkipped' : 'opsLost', ...names };
}

function check({ graph, config, options, effects, report }: RuleContext<Options>): void {
  const targets = new Set(options.calls);
  // API implementations and the pair itself are not walked into: their effects are known.
  const opaque = new Set<FnNode>(pairFunctions(graph, config));
  for (const name of [
    ...targets,
    ...config.apis.setters.map((s) => s.name),
    ...config.apis.effects.map((e) => e.name),
  ]) {
    for (const fn of graph.named(name)) opaque.add(fn);
  }
  const instances = entryInstances(graph, config.entryPoints)
    .filter((i) => i.entry.phase === 'before-setup' || Object.values(i.entry.events ?? {}).includes('before-setup'))
    .sort((a, b) =>
      compareLocations({ ...a.binding.field, file: a.binding.file }, { ...b.binding.field, file: b.binding.file }),
    );

  const hits = new Map<string, Hit>();
  for (const inst of instances) {
    const runsBeforeSetup = (site: CallSite) => phasesAt(inst.entry, site.params).has('before-setup');
    const reached = reachableFrom(
      inst.fn,
      (edge) => !opaque.has(edge.to) && (edge.from !== inst.fn || runsBeforeSetup(edge.site)),
    );
    for (const r of reached) {
      for (const site of r.fn.summary.calls) {
        if (site.viaMember || !targets.has(site.callee)) continue;
        if (r.fn === inst.fn && !runsBeforeSetup(site)) continue;
        const key = `${r.fn.file}:${site.line}:${site.col}`;
        const hit = { inst, fn: r.fn, site, edges: r.edges };
        const previous = hits.get(key);
        if (!previous || explainsBetter(hit, previous)) hits.set(key, hit);
      }
    }
  }

  const result = consequence(graph, config, effects);
  for (const hit of hits.values()) {
    const events = eventsFor(hit.inst.entry, 'before-setup');
    const branch = hit.inst.entry.events ? ` (its ${events.join('/')} branch)` : '';
    const location = siteLocation(hit.fn, hit.site);
    report({
      messageId: result.messageId,
      data: {
        call: hit.site.callee,
        entry: `the ${hit.inst.entry.name} callback ${hit.inst.fn.name}()`,
        branch,
        setup: result.setup,
        teardown: result.teardown,
      },
      location,
      function: hit.fn.name,
      kind: 'before-setup',
      site: siteText(hit.site),
      path: [
        entryStep(hit.inst),
        ...edgeSteps(hit.edges),
        {
          ...location,
          function: hit.fn.name,
          message: `${hit.site.callee}() attaches the device and installs IOMMU ops here`,
        },
      ],
      conditions: hit.site.cond,
    });
  }
}

export const attachBeforeSetup = defineRule<Options>({
  meta,
  // Every caller chain of an attach, up to the entry point that starts it.
  needs: (config, options) => ({
    seeds: [...options.calls, ...pairWords(config)],
    callersOf: options.calls,
    boundFields: entryFields(config),
  }),
  check,
});
