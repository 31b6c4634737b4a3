// Hazard 3: a teardown that does not mirror its setup. It leaves state behind (ops, attach,
// mapping), undoes state its setup never established (8674/1 cleared ops in
// arm_teardown_iommu_dma_ops() while arch_setup_dma_ops() installs them), or, when setup can
// bail out because someone else's ops are in place, undoes state without checking that its own
// setup established it (the dma_ops_setup flag of "Don't tear third-party mappings").
import type { FnNode } from '../callgraph/graph.js';
import type { Config } from '../config/types.js';
import type { Location, PathStep, RelatedLocation, StateKind } from '../model.js';
import { type RuleContext, type RuleMeta, defineRule } from './rule.js';
import type { Effect } from '../analysis/effects.js';
import { siteText } from '../analysis/ops-writes.js';
import {
  definitionStep,
  driverCoreWords,
  edgeSteps,
  isDeviceObject,
  opsWriteWords,
  pairWords,
  siteLocation,
} from './support.js';
import { runsAfterSetup } from '../analysis/pairs.js';

const meta: RuleMeta = {
  id: 'asymmetric-teardown',
  name: 'AsymmetricTeardown',
  shortDescription: 'A DMA teardown does not mirror its setup.',
  fullDescription:
    'A setup/teardown pair (arch_setup_dma_ops/arch_teardown_dma_ops, add_device/remove_device, ' +
    "probe_device+probe_finalize/release_device, and at driver level a driver's probe/remove and a component's " +
    'bind/unbind) whose effects on the device (ops installed, device attached, mapping created) are not undone ' +
    'exactly, or are undone without proof of ownership. A devm action registered by the setup undoes at unbind.',
  help: {
    text:
      'After -EPROBE_DEFER or an unbind the teardown runs and the setup runs again on re-probe, so the ' +
      'teardown must undo exactly what its own setup did. State left behind makes setup skip the device on ' +
      're-probe; state undone that the setup never established (ops installed elsewhere, a mapping attached by ' +
      "a third party such as ipmmu-vmsa's add_device) breaks whoever owns it. When setup returns early because " +
      'ops are already set, record ownership (dev->archdata.dma_ops_setup = true) and return early from ' +
      'teardown unless it is set, as "ARM: dma-mapping: Don\'t tear third-party mappings" does. State kept in ' +
      "another object than the device (an IOMMU's one mapping for all its clients, data->mapping = " +
      "arm_iommu_create_mapping(...)) is that object's to undo, not a client's teardown's. A setup that " +
      'establishes one state at several statements is one finding, the other statements as related locations.',
    markdown:
      'After `-EPROBE_DEFER` or an unbind the teardown runs and the setup runs again on re-probe, so the ' +
      'teardown must undo exactly what its own setup did.\n\n- State left behind makes setup skip the device on ' +
      're-probe.\n- State undone that the setup never established (ops installed elsewhere, a mapping attached by ' +
      "a third party such as ipmmu-vmsa's `add_device`) breaks whoever owns it.\n- When setup returns early because " +
      'ops are already set, record ownership (`dev->archdata.dma_ops_setup = true`) and return early from ' +
      'teardown unless it is set, as "ARM: dma-mapping: Don\'t tear third-party mappings" does.\n\nState kept in ' +
      "another object than the device (an IOMMU's one mapping for all its clients, `data->mapping = " +
      "arm_iommu_create_mapping(…)`) is that object's to undo, not a client's teardown's. A setup that " +
      'establishes one state at several statements is one finding, the other statements as related locations.',
  },
  defaultLevel: 'warning',
  tags: ['correctness', 'dma', 'iommu', 'kernel'],
  precision: 'medium',
  messages: {
    leftBehind:
      '{{setup}} {{states}} here, but the teardown ({{teardown}}) never undoes this: after -EPROBE_DEFER or ' +
      'unbind the state outlives the teardown and setup finds it on re-probe; undo it in {{teardown}}',
    noTeardown: '{{setup}} {{states}} here, but {{table}} has no {{fields}} callback to undo it: add one that does',
    unguarded:
      '{{teardown}} {{states}} here without checking that the setup ({{setup}}) established it; the setup ' +
      "returns early when the device already has dma_ops, so this can tear down a third party's state (record " +
      'ownership, e.g. dev->archdata.dma_ops_setup, and test it first)',
    notEstablished:
      '{{teardown}} {{states}} here, but the setup ({{setup}}) does not establish {{nouns}}: the teardown does ' +
      'not mirror its setup and can undo state owned by someone else; make it undo only what the setup establishes',
  },
};

/** What is wrong, for the fingerprint: a missing teardown callback is state left behind too. */
const KIND: Record<string, string> = {
  leftBehind: 'left-behind',
  noTeardown: 'left-behind',
  unguarded: 'unguarded',
  notEstablished: 'not-established',
};

function join(words: string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** What the effects do, as rules.yaml `states` says it: `installs the DMA ops and creates …`. */
function describeStates(config: Config, kinds: StateKind[], op: 'establish' | 'undo'): string {
  return join([...new Set(kinds)].sort().map((k) => config.states[k]![op]));
}

/** The statement in the pair function through which an effect happens. */
const primaryOf = (e: Effect): Location =>
  e.edges.first ? siteLocation(e.edges.first.from, e.edges.first.site) : siteLocation(e.fn, e.site);

function pathOf(config: Config, top: FnNode, e: Effect, role: string): PathStep[] {
  const last = siteLocation(e.fn, e.site);
  return [
    definitionStep(top, `${top.name}() is the ${role}`),
    ...edgeSteps(e.edges),
    { ...last, function: e.fn.name, message: `${e.what} ${describeStates(config, [e.kind], e.op)}` },
  ];
}

/** Groups effects by the statement of the pair function they happen through. */
function byStatement(effects: Effect[]): Effect[][] {
  const groups = new Map<string, Effect[]>();
  for (const e of effects) {
    const p = primaryOf(e);
    const key = `${p.file}:${p.line}:${p.col}`;
    const g = groups.get(key) ?? [];
    g.push(e);
    groups.set(key, g);
  }
  return [...groups.values()];
}

/** The statements of one pair function that do the same to the same states: one problem. */
interface Problem {
  top: FnNode;
  /** One group of effects per statement, in the order they were found. */
  statements: Effect[][];
}

/**
 * One finding per function and set of states, whatever the number of statements: a setup that
 * installs the ops twice (the plain write and the CONFIG_XEN override) leaves one thing behind,
 * shown at its first statement, the others as related locations.
 */
function byProblem(effects: { e: Effect; top: FnNode }[]): Problem[] {
  const problems = new Map<string, Problem>();
  for (const group of byStatement(effects.map((x) => x.e))) {
    const top = effects.find((x) => x.e === group[0])!.top;
    const key = `${top.id}:${[...new Set(group.map((e) => e.kind))].sort().join('+')}`;
    const problem = problems.get(key) ?? { top, statements: [] };
    problem.statements.push(group);
    problems.set(key, problem);
  }
  return [...problems.values()];
}

/** The other statements of a problem: `arch_setup_dma_ops() also installs the DMA ops here`. */
function alsoHere(config: Config, top: FnNode, statements: Effect[][]): RelatedLocation[] {
  return statements.map((group) => {
    const first = group[0]!;
    const through = first.edges.first ? `, through ${first.edges.first.to.name}()` : '';
    const states = describeStates(
      config,
      group.map((e) => e.kind),
      first.op,
    );
    return { ...primaryOf(first), message: `${top.name}() also ${states} here${through}` };
  });
}

function check({ graph, config, effects, pairs, report }: RuleContext): void {
  const analysis = effects();
  // Members released anywhere: a mapping kept in a long-lived object and released by that
  // object's own teardown (one mapping per IOMMU instance) is not the pair's to undo.
  const releasedMembers = new Set<string>();
  for (const fn of graph.functions) {
    for (const e of analysis.of(fn))
      if (e.op === 'undo' && e.releasedFrom && e.edges.length === 0) releasedMembers.add(e.releasedFrom);
  }
  const emit = (
    messageId: string,
    group: Effect[],
    top: FnNode,
    role: string,
    data: Record<string, string>,
    related: RelatedLocation[],
  ) => {
    const first = group[0]!;
    const location = primaryOf(first);
    report({
      messageId,
      data: {
        ...data,
        // The function whose statement this is, by name: a pair can have two setups.
        [role]: `${top.name}()`,
        states: describeStates(
          config,
          group.map((e) => e.kind),
          first.op,
        ),
        nouns: join([...new Set(group.map((e) => e.kind))].sort().map((k) => config.states[k]!.noun)),
      },
      location,
      function: first.edges.first?.from.name ?? first.fn.name,
      kind: KIND[messageId]!,
      site: first.edges.first ? siteText(first.edges.first.site) : first.text,
      path: pathOf(config, top, first, role),
      related,
      conditions: first.edges.first?.site.cond ?? first.cond,
    });
  };

  for (const pair of [...pairs().functions(), ...pairs().tables()]) {
    const setupEffects = pair.setups.flatMap((fn) => analysis.of(fn).map((e) => ({ e, top: fn })));
    const teardownEffects = pair.teardowns.flatMap((fn) => analysis.of(fn).map((e) => ({ e, top: fn })));
    const established = new Set(setupEffects.filter((x) => x.e.op === 'establish').map((x) => x.e.kind));
    // A devres callback the setup registers undoes at unbind, with the teardown.
    const undone = pairs().undoneBy(pair);
    const data = { setup: pair.setupName, teardown: pair.teardownName };
    const relatedTeardown: RelatedLocation[] = pair.teardowns.map((t) => ({
      ...definitionStep(t, `${t.name}() is the matching teardown`),
    }));
    const relatedSetup: RelatedLocation[] = pair.setups.map((s) => ({
      ...definitionStep(s, `${s.name}() is the matching setup`),
    }));

    // (a) established, never undone; what another object keeps is that object's to undo
    const leftBehind = setupEffects.filter(
      (x) =>
        x.e.op === 'establish' &&
        !undone.has(x.e.kind) &&
        !x.e.keptElsewhere &&
        !(x.e.storedIn && releasedMembers.has(x.e.storedIn)),
    );
    for (const { top, statements } of byProblem(leftBehind)) {
      const [group, ...others] = statements as [Effect[], ...Effect[][]];
      const also = alsoHere(config, top, others);
      if (pair.teardowns.length === 0 && pair.table) {
        emit(
          'noTeardown',
          group,
          top,
          'setup',
          { ...data, table: pair.table.name, fields: pair.table.fields.map((f) => `.${f}`).join('/') },
          [...also, { ...pair.table.location, message: `${pair.table.name} is defined here` }],
        );
      } else {
        emit('leftBehind', group, top, 'setup', data, [...also, ...relatedTeardown]);
      }
    }

    // (b) setup can bail out on someone else's ops; teardown undoes without an ownership guard
    const bail = pair.setups
      .flatMap((s) => s.summary.bails.map((b) => ({ b, s })))
      .find(({ b }) => b.member === config.device.opsMember && isDeviceObject(graph, config, b.object));
    const flags = new Set(pair.setups.flatMap((s) => [...analysis.flagsSetBy(s)]));
    if (bail) {
      const unguarded = teardownEffects.filter((x) => x.e.op === 'undo' && !x.e.guards.some((g) => flags.has(g)));
      const groups = byStatement(unguarded.map((x) => x.e));
      const firstGroup = groups[0];
      if (firstGroup) {
        const top = unguarded.find((x) => x.e === firstGroup[0])!.top;
        emit('unguarded', firstGroup, top, 'teardown', data, [
          {
            file: bail.s.file,
            line: bail.b.line,
            col: bail.b.col,
            message: `${bail.s.name}() returns early here when the device already has ops`,
          },
        ]);
      }
    }

    // (c) undone, never established. Not asked of a driver's remove or a component's unbind:
    // they tear down whatever the driver's callbacks set up (lazily in open(), from a firmware
    // boot thread …), not only what probe did; clearing ops the driver never installed is a
    // dma_ops write that set-dma-ops-outside-setup-teardown reports.
    const foreign = runsAfterSetup(config, pair)
      ? []
      : teardownEffects.filter((x) => x.e.op === 'undo' && !established.has(x.e.kind));
    for (const { top, statements } of byProblem(foreign)) {
      const [group, ...others] = statements as [Effect[], ...Effect[][]];
      emit('notEstablished', group, top, 'teardown', data, [...alsoHere(config, top, others), ...relatedSetup]);
    }
  }
}

export const asymmetricTeardown = defineRule({
  meta,
  // The pairs, and everything with an effect on a device's DMA state with its callers: files
  // that call an effect API are where helpers with an effect are defined. An ops table is not
  // looked for by its struct tag (platform_driver alone is named in 4,737 files of Linux 6.1):
  // a pair's callbacks can only differ in what they establish and undo, so a table matters only
  // when one of them is, or calls, a function with an effect. Those are grown to with their
  // callers; a static callback's table is in its file, a non-static one's is found by its
  // name, and the table's other callbacks are then searched as bound fields.
  needs: (config) => ({
    seeds: [
      ...pairWords(config),
      ...opsWriteWords(config),
      ...config.apis.effects.map((e) => e.name),
      ...driverCoreWords(config),
    ],
    effects: true,
    boundFields: config.opsPairs.flatMap((p) => [...p.setup, ...p.teardown]),
  }),
  check,
});
