// Rule 4: an error return of a probe (or bind, or probe_device) that leaves DMA state behind.
// The driver core retries a probe that returned -EPROBE_DEFER, and gives a failed one's device
// to the next driver: whatever the failed attempt attached, installed or mapped is found there.
import { compareText } from '../order.js';
import type { Establishment, LeakingReturn } from '../analysis/error-path-facts.js';
import { type DriverCoreAnalysis, leftAfterCore } from '../analysis/driver-core.js';
import type { ErrorPathAnalysis } from '../analysis/error-paths.js';
import type { Binding, CallGraph, FnNode } from '../callgraph/graph.js';
import { identifiers } from '../config/schema-parts.js';
import type { Config } from '../config/types.js';
import type { Location, PathStep, RelatedLocation } from '../model.js';
import { type RuleContext, type RuleMeta, defineRule, formatMessage } from './rule.js';
import { compareLocations, driverCoreWords, edgeSteps, opsWriteWords, pairWords } from './support.js';

const ID = 'error-path-leaves-dma-state';

interface Options {
  /** Callbacks that set a device up and may fail, as `struct.field` (`platform_driver.probe`). */
  entries: string[];
  /** Functions called by name as setup entries. */
  functions: string[];
}

const meta: RuleMeta<Options> = {
  id: ID,
  name: 'ErrorPathLeavesDmaState',
  shortDescription: 'An error return of probe or bind leaves DMA state established.',
  fullDescription:
    "A path through a driver's probe, a component's bind or an IOMMU's probe_device establishes DMA state " +
    '(an IOMMU attach, dma_ops installed, a mapping created) and then returns an error without undoing it.',
  help: {
    text:
      'When probe returns an error the driver core unbinds nothing: it releases the devres of the attempt and ' +
      'moves on. With -EPROBE_DEFER (a clock, a regulator or an IOMMU not there yet) the same probe runs again ' +
      'later, and it finds the attach, the dma_ops or the mapping the failed attempt left: ' +
      'arm_iommu_attach_device() fails on a device already attached, setup code that tests "if (dev->dma_ops)" ' +
      'skips the device, a mapping leaks on every retry. Undo on every error path after the state is established: ' +
      'goto the label that detaches or releases it (a jump past that label is the classic slip), call a helper ' +
      'that undoes it, register the undo with devm_add_action_or_reset() so that devres runs it when probe fails, ' +
      'or put back the ops read with get_dma_ops() before the override. A mapping stored in another object than ' +
      "the device (data->mapping = mapping, the IOMMU's own data) is that object's from then on: an error return " +
      'after the store does not leak it, one before the store does.',
    markdown:
      'When probe returns an error the driver core unbinds nothing: it releases the devres of the attempt and ' +
      'moves on. With `-EPROBE_DEFER` (a clock, a regulator or an IOMMU not there yet) the same probe runs again ' +
      'later, and it finds the attach, the `dma_ops` or the mapping the failed attempt left: ' +
      '`arm_iommu_attach_device()` fails on a device already attached, setup code that tests `if (dev->dma_ops)` ' +
      'skips the device, a mapping leaks on every retry.\n\nUndo on every error path after the state is established: ' +
      '`goto` the label that detaches or releases it (a jump past that label is the classic slip), call a helper ' +
      'that undoes it, register the undo with `devm_add_action_or_reset()` so that devres runs it when probe fails, ' +
      'or put back the ops read with `get_dma_ops()` before the override.\n\nA mapping stored in another object ' +
      "than the device (`data->mapping = mapping`, the IOMMU's own data) is that object's from then on: an error " +
      'return after the store does not leak it, one before the store does.',
  },
  defaultLevel: 'warning',
  tags: ['correctness', 'dma', 'iommu', 'kernel', 'error-path'],
  precision: 'medium',
  messages: {
    leaks:
      '{{fn}}() returns an error ({{returns}}) with {{state}} still established by {{what}}: a failed or ' +
      'deferred {{entry}} leaves it for {{next}}; undo it before this return',
    alsoLeaks: 'also returns an error ({{returns}}) with {{state}} still established',
  },
  options: {
    schema: {
      entries: {
        type: 'array',
        items: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*$' },
      },
      functions: identifiers,
    },
    defaults: {
      entries: [
        'platform_driver.probe',
        'amba_driver.probe',
        'pci_driver.probe',
        'i2c_driver.probe',
        'i2c_driver.probe_new',
        'spi_driver.probe',
        'component_ops.bind',
        'component_master_ops.bind',
        'iommu_ops.probe_device',
      ],
      functions: [],
    },
  },
};

interface Entry {
  fn: FnNode;
  /** The entry point it is bound as (`platform_driver.probe`); none for a configured function. */
  spec?: string;
  /** `platform_driver.probe callback`. */
  what: string;
  binding?: Binding;
  /** What meets the state it leaves (rules.yaml entryPoints afterFailure). */
  next: string;
}

function entriesOf(graph: CallGraph, config: Config, settings: Options): Entry[] {
  const out = new Map<FnNode, Entry>();
  for (const spec of settings.entries) {
    const next = config.entryPoints.find((e) => e.name === spec)?.afterFailure ?? `the next call of the ${spec}`;
    const [struct, field] = spec.split('.') as [string, string];
    for (const b of graph.bindingsOf(field)) {
      // A table whose type tree-sitter could not tell matches by field, as for other entry points.
      if (b.table.structType !== undefined && b.table.structType !== struct) continue;
      if (!out.has(b.fn)) out.set(b.fn, { fn: b.fn, spec, what: `${spec} callback`, binding: b, next });
    }
  }
  for (const name of settings.functions) {
    for (const fn of graph.named(name))
      if (!out.has(fn)) out.set(fn, { fn, what: 'setup entry', next: `the next call of ${name}()` });
  }
  return [...out.values()].sort((a, b) =>
    compareLocations({ file: a.fn.file, ...a.fn.summary }, { file: b.fn.file, ...b.fn.summary }),
  );
}

/** `the IOMMU attach and the dma_ops`. */
function stateOf(config: Config, leaked: readonly Establishment[]): string {
  const kinds = [...new Set(leaked.map((e) => e.kind))].map((k) => config.states[k]!.held);
  return kinds.length <= 1 ? (kinds[0] ?? '') : `${kinds.slice(0, -1).join(', ')} and ${kinds[kinds.length - 1]}`;
}

/** Where in the entry the state was established: the statement itself, or the call into the helper that did. */
function topSite(e: Establishment): { line: number; col: number; endLine: number; endCol: number } {
  return e.edges.first?.site ?? e.site;
}

/** The first statement of the entry that established what a return leaks. */
function causeOf(fn: FnNode, leaked: readonly Establishment[]): Location {
  const first = leaked.map(topSite).sort((a, b) => a.line - b.line || a.col - b.col)[0]!;
  return { file: fn.file, line: first.line, col: first.col };
}

function whatOf(leaked: readonly Establishment[]): string {
  const seen = new Map<string, string>();
  for (const e of leaked) {
    const top = topSite(e);
    const helper = e.edges.first?.to.name;
    const via = !helper ? '' : helper === e.fn.name ? ` in ${helper}()` : ` in ${e.fn.name}() (through ${helper}())`;
    seen.set(`${top.line}:${top.col}:${e.what}`, `${e.what}${via} at line ${top.line}`);
  }
  return [...seen.values()].join(', ');
}

function steps(config: Config, entry: Entry, leak: LeakingReturn): PathStep[] {
  const fn = entry.fn;
  const out: PathStep[] = [];
  if (entry.binding) {
    const b = entry.binding;
    out.push({
      file: b.file,
      line: b.field.line,
      col: b.field.col,
      function: fn.name,
      message: `${fn.name}() is the ${entry.what} (${b.table.name})`,
    });
  }
  const established = new Set<string>();
  for (const s of leak.witness) {
    if (s.k === 'branch') {
      out.push({
        file: fn.file,
        line: s.at.line,
        col: s.at.col,
        function: fn.name,
        message: `takes the branch where '${s.text}' is ${s.taken ? 'true' : 'false'}`,
      });
      continue;
    }
    const top = topSite(s.est);
    const key = `${top.line}:${top.col}`;
    const kinds = leak.leaked.filter((e) => topSite(e).line === top.line && topSite(e).col === top.col);
    if (established.has(key) || kinds.length === 0) continue;
    established.add(key);
    if (s.est.edges.length) {
      out.push(...edgeSteps(s.est.edges));
      out.push({
        file: s.est.fn.file,
        ...s.est.site,
        function: s.est.fn.name,
        message: `${s.est.what} establishes ${stateOf(config, kinds)}`,
      });
    } else {
      out.push({
        file: fn.file,
        ...s.est.site,
        function: fn.name,
        message: `${s.est.what} establishes ${stateOf(config, kinds)}`,
      });
    }
  }
  out.push({
    file: fn.file,
    ...leak.at,
    function: fn.name,
    message: `returns ${leak.returns || 'an error'} without undoing ${stateOf(config, leak.leaked)}`,
  });
  return out;
}

/**
 * The entry's leaking returns, without what the driver core undoes itself after the entry
 * fails (driver-core.ts), each with the conditions under which it still leaks.
 */
function leaksOf(analysis: ErrorPathAnalysis, core: DriverCoreAnalysis, entry: Entry) {
  const after = entry.spec ? core.after(entry.spec) : new Map();
  return analysis.of(entry.fn).leaks.flatMap((leak) => {
    const left = leftAfterCore(leak.leaked, after);
    return left.leaked.length ? [{ ...leak, leaked: left.leaked, onlyWith: left.onlyWith }] : [];
  });
}

function check(context: RuleContext<Options>): void {
  const { graph, config, options: settings, notify, errorPaths, report } = context;
  const analysis = errorPaths();
  for (const entry of entriesOf(graph, config, settings)) {
    const [first, ...others] = leaksOf(analysis, context.driverCore(), entry);
    if (!first) continue;
    const location: Location = { file: entry.fn.file, ...first.at };
    const related: RelatedLocation[] = others.map((l) => ({
      file: entry.fn.file,
      ...l.at,
      message: formatMessage(meta, 'alsoLeaks', { returns: l.returns || 'an error', state: stateOf(config, l.leaked) }),
    }));
    report({
      messageId: 'leaks',
      data: {
        fn: entry.fn.name,
        returns: first.returns || 'an error',
        state: stateOf(config, first.leaked),
        what: whatOf(first.leaked),
        entry: entry.what.replace(/ callback$/, ''),
        next: entry.next,
      },
      location,
      function: entry.fn.name,
      // The fingerprint: what is left, at which return (by what it returns), not how it got there.
      kind: `leaves-${[...new Set(first.leaked.map((e) => e.kind))].sort().join('+')}`,
      site: first.returns ? `return ${first.returns};` : 'return',
      path: steps(config, entry, first),
      related,
      conditions: [...entry.fn.summary.cond, ...first.onlyWith],
      // The statement that established what leaks: other rules report that statement itself.
      cause: causeOf(entry.fn, first.leaked),
    });
  }
  // A bound reached is an error of the run (exit 4 when nothing else is found): a leak through
  // that function is not reported.
  const gaveUp = new Map(analysis.gaveUp.map((g) => [g.fn, g.limit]));
  for (const [fn, limit] of [...gaveUp].sort(
    ([a], [b]) => compareText(a.file, b.file) || a.summary.line - b.summary.line,
  ))
    notify({
      level: 'error',
      file: fn.file,
      line: fn.summary.line,
      message: `${ID}: the error paths of ${fn.name}() were not analyzed (${limit}); a leak through it is not reported`,
    });
}

export const errorPathLeavesDmaState = defineRule<Options>({
  meta,
  // Everything that establishes or undoes DMA state with its callers, up to the probe or bind
  // above it, and the callbacks bound to the entries' fields (`platform_driver.probe` → probe).
  needs: (config, options) => ({
    seeds: [
      ...opsWriteWords(config),
      ...pairWords(config),
      ...config.apis.effects.map((e) => e.name),
      ...options.functions,
      ...driverCoreWords(config),
    ],
    effects: true,
    boundFields: options.entries.map((e) => e.slice(e.indexOf('.') + 1)),
  }),
  check,
});
