import type { Level, Phase, StateKind } from '../model.js';

/** A Kconfig test's value (IS_ENABLED(CONFIG_X) …) when the symbol is built in (y) or modular (m). */
export interface ConfigTest {
  y: boolean | 'unknown';
  m: boolean | 'unknown';
}

export interface FunctionPair {
  setup: string;
  teardown: string;
}

export interface OpsPair {
  /** Struct tag of the ops table (`iommu_ops`); tables whose type is unknown match by fields. */
  struct?: string;
  setup: string[];
  teardown: string[];
}

export interface EntryPoint {
  name: string;
  struct?: string;
  field: string;
  /** Phase of the whole callback; for notifiers, the phase of events not listed in `events`. */
  phase: Phase;
  /** Explains when the callback runs, in kernel terms; used in messages. */
  when: string;
  /**
   * What meets the state a failed call leaves (`the next probe of the device`): error-path
   * messages say it. A failed bind is followed by the next bind, not by its unbind.
   */
  afterFailure?: string;
  /** Index of the parameter holding the event, for notifier callbacks. */
  eventParam?: number;
  /** Phase per event constant (BUS_NOTIFY_ADD_DEVICE: before-setup). */
  events?: Record<string, Phase>;
}

export interface Setter {
  name: string;
  deviceArg: number;
  opsArg: number;
}

export interface EffectApi {
  name: string;
  establishes: StateKind[];
  undoes: StateKind[];
}

/** `devm_add_action_or_reset(dev, undo, data)`: devres runs `undo` when probe fails and at unbind. */
export interface DevmAction {
  name: string;
  callbackArg: number;
}

/** A rule's settings: on or off, its level, and its own options (rules/rule.ts: meta.options). */
/** How messages say a kind of DMA state: what establishing and undoing it do, and its names. */
export interface StateWords {
  establish: string;
  undo: string;
  noun: string;
  /** The state a device holds, named definitely: `the IOMMU attach`. */
  held: string;
}

export interface RuleSettings {
  enabled: boolean;
  level: Level;
  [option: string]: unknown;
}

/**
 * What the configuration knows of a rule, from its module's `meta`: the loader is handed these
 * (rules/load-config.ts) rather than reaching up to the registry.
 */
export interface RuleSpec {
  id: string;
  defaultLevel: Level;
  /** The JSON schema of each of its options, and their defaults. */
  options?: { schema: object; defaults: object };
}

/** A rule's settings when rules.yaml says nothing about it: on, at its default level, default options. */
export function defaultSettings(rule: RuleSpec): RuleSettings {
  return { enabled: true, level: rule.defaultLevel, ...rule.options?.defaults };
}

/** A finding silenced on purpose (rules.yaml `suppressions`), with the reason a reviewer reads. */
export interface Suppression {
  rule: string;
  /** Glob over the tree path of the finding's primary location. */
  path: string;
  /** The function holding the primary location; any when absent. */
  function?: string;
  reason: string;
  /** Where it is written, so that a stale one can be pointed at. */
  at: { file: string; line: number };
}

/**
 * A place where the driver core runs a driver's callback and then cleans up itself:
 * `really_probe()` calls `call_driver_probe()`, and on its failure unbinds the device.
 */
export interface DriverCoreStep {
  /** The driver core's function (`really_probe`). */
  function: string;
  /** The call in it that runs the callback (`call_driver_probe`). */
  call: string;
  /** Which paths after the call: those where it failed, or every one. */
  after: 'failure' | 'return';
  /** The entry points (rules.yaml entryPoints names) it runs. */
  entries: string[];
}

export interface Config {
  /** The file this configuration came from (for messages). */
  source: string;
  arch: string;
  architectures: Record<string, { pairs: FunctionPair[] }>;
  paths: {
    include: string[];
    exclude: string[];
    /** The directory with one subdirectory per architecture, of which only `arch`'s is analyzed (default `arch`). */
    archDir?: string;
  };
  parser: {
    exportMacros: string[];
    blank: string[];
    blankWithArgs: string[];
    /** IS_ENABLED() and its family: each test's value for a built-in and a modular symbol. */
    configTests: Record<string, ConfigTest>;
  };
  device: {
    structs: string[];
    opsMember: string;
    /** Struct tag → member that is its struct device, for structs whose definition was not parsed. */
    containers: Record<string, string>;
    /**
     * Allocators of memory a struct device may be embedded in (`vdpa_alloc_device()`,
     * `kzalloc()`): a device embedded in what a function allocates is one the code makes itself.
     */
    allocators?: string[];
    /**
     * How code ties a device to a firmware node, which makes a bus's DMA configuration (and the
     * arch setup) run for it: members written (`of_node`) and calls (`device_set_node()`).
     */
    firmwareLinks?: { members: string[]; calls: string[] };
  };
  apis: { setters: Setter[]; effects: EffectApi[] };
  /** Undo other than by an effect API. */
  undo: {
    devmActions: DevmAction[];
    /** `get_dma_ops(dev)`: what it returns, written back, restores the device's ops. */
    opsGetters: string[];
    /**
     * `to_dma_iommu_mapping(dev)`: what it returns, saved and attached back to the device,
     * restores the device's earlier attach (an undo, never a new attach).
     */
    attachGetters?: string[];
  };
  /** The kinds of DMA state (`ops` always among them), as messages say them. */
  states: Record<StateKind, StateWords>;
  /** What error paths know of the values calls return. */
  values: {
    /** Allocators that return NULL on failure, never an ERR_PTR (`kzalloc()`). */
    nullOnFailure: string[];
  };
  /** Calls through members (`mmu->funcs->destroy(mmu)`): how far they are resolved. */
  memberCalls: {
    /**
     * Globs of the headers that hold the kernel's interfaces between subsystems: calls through
     * the members of a struct defined there are not followed.
     */
    interfaces: string[];
    /** How many struct types may hold a table's type before calls through it stop being searched for. */
    maxHolders: number;
  };
  opsPairs: OpsPair[];
  entryPoints: EntryPoint[];
  /** What the driver core undoes itself after a driver's callback (analysis/driver-core.ts). */
  driverCore: DriverCoreStep[];
  /** By rule id, every rule of the registry (rules/index.ts), defaults merged in. */
  rules: Record<string, RuleSettings>;
  suppressions: Suppression[];
}

/** The function pairs of the configured architecture. */
export function activePairs(config: Config): FunctionPair[] {
  return Object.hasOwn(config.architectures, config.arch) ? config.architectures[config.arch]!.pairs : [];
}

/**
 * The member of struct `type` that embeds its struct device (rules.yaml device.containers), if
 * it is one: looked up among the configured names only, as C names such as `toString` or
 * `constructor` are Object.prototype's too.
 */
export function containerMember(config: Pick<Config, 'device'>, type: string): string | undefined {
  const { containers } = config.device;
  return Object.hasOwn(containers, type) ? containers[type] : undefined;
}
