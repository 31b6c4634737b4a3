// What a configuration decides about a tree: which .c files are compiled (Kbuild) and which
// preprocessor and IS_ENABLED() branches are live. With a .config (--kconfig) the .config
// decides; without one, the architecture does, through the symbols only other architectures
// define or can turn on (see kconfig.ts); a fragment (a defconfig) decides what it lists and
// the architecture the rest. Either way, whatever is not decided stays in.
import type { Config } from '../config/types.js';
import type {
  CallSite,
  FileSummary,
  FlowCond,
  FlowEnd,
  FlowEvent,
  FlowValue,
  FunctionFlow,
  MemberWrite,
} from '../parser/summary.js';
import { type DotConfig, readDotConfig } from './dotconfig.js';
import {
  type ConfigTests,
  type MacroOracle,
  type MacroValue,
  UNDEFINED_MACRO,
  UNKNOWN_MACRO,
  evaluateCondition,
} from './expr.js';
import type { Notification } from '../model.js';
import { Kbuild } from './kbuild.js';
import { KconfigDb } from './kconfig.js';

export interface ConfigurationStats {
  /** Candidate .c files left out because the configuration does not compile them. */
  filesNotBuilt: number;
  /** Functions, calls, member writes and ops tables dropped as dead branches. */
  deadSites: number;
}

export class Configuration {
  readonly stats: ConfigurationStats = { filesNotBuilt: 0, deadSites: 0 };
  private kbuild: Kbuild;
  private verdicts = new Map<string, boolean | undefined>();
  private db: KconfigDb | undefined;

  /**
   * @param dotconfig the .config, or undefined to decide from the architecture alone
   * @param cacheDir  where the Kconfig files' reading is kept between runs (false: nowhere)
   */
  constructor(
    private root: string,
    private arch: string,
    private tests: ConfigTests,
    private dotconfig: DotConfig | undefined,
    private cacheDir: string | false = false,
  ) {
    this.kbuild = new Kbuild(root, arch, (name) => this.makeValue(name));
  }

  static open(
    root: string,
    config: Config,
    dotconfigPath: string | undefined,
    cacheDir: string | false,
  ): Configuration {
    return new Configuration(
      root,
      config.arch,
      config.parser.configTests,
      dotconfigPath === undefined ? undefined : readDotConfig(dotconfigPath),
      cacheDir,
    );
  }

  /** The same configuration with its statistics at zero, for another scan of the same tree. */
  fresh(): Configuration {
    this.stats.filesNotBuilt = 0;
    this.stats.deadSites = 0;
    return this;
  }

  /** Reads what every question will need now, e.g. while ripgrep runs in its own process. */
  prepare(): void {
    if (!this.dotconfig?.complete) this.kconfig();
  }

  /** The Kconfig files, read on first need (only without a complete .config). */
  private kconfig(): KconfigDb {
    this.db ??= KconfigDb.load(this.root, this.arch, this.cacheDir);
    return this.db;
  }

  /** A symbol (without CONFIG_) as make sees `$(CONFIG_X)`: 'y', 'm', '' or text; undefined: unknown. */
  private makeValue(name: string): string | undefined {
    if (this.dotconfig) {
      if (this.dotconfig.unknown?.has(name)) return undefined;
      const v = this.dotconfig.values.get(name);
      if (v !== undefined) return v === 'n' ? '' : v.replace(/^"(.*)"$/, '$1');
      if (this.dotconfig.complete) return '';
    }
    // No .config, or a fragment (a defconfig) that does not list the symbol: the architecture
    // still rules out what only other architectures define or can turn on.
    return this.kconfig().possible(name) === false ? '' : undefined;
  }

  /** `CONFIG_X` as the preprocessor sees it (autoconf.h): =y is 1, =m defines CONFIG_X_MODULE. */
  private macro: MacroOracle = (name: string): MacroValue => {
    const m = /^CONFIG_(\w+)$/.exec(name);
    if (!m) return UNKNOWN_MACRO;
    const sym = m[1]!;
    const base = /^(\w+)_MODULE$/.exec(sym)?.[1];
    if (this.dotconfig) {
      const { values, complete, unknown } = this.dotconfig;
      if (unknown?.has(sym) || (base !== undefined && unknown?.has(base))) return UNKNOWN_MACRO;
      const v = values.get(sym);
      if (v === undefined) {
        const b = base === undefined ? undefined : values.get(base);
        if (b === 'm') return { defined: true, value: 1 };
        if (complete || b !== undefined) return UNDEFINED_MACRO;
      } else {
        if (v === 'y') return { defined: true, value: 1 };
        if (v === 'm' || v === 'n') return UNDEFINED_MACRO;
        const n = /^-?(?:0[xX][0-9a-fA-F]+|\d+)$/.test(v) ? Number(v) : undefined;
        return { defined: true, value: n };
      }
    }
    // As in makeValue: what the fragment leaves out, the architecture may still decide.
    const db = this.kconfig();
    if (base === undefined && db.surelyOn(sym)) return { defined: true, value: 1 };
    if (db.possible(sym) === false || (base !== undefined && db.possible(base) === false)) return UNDEFINED_MACRO;
    return UNKNOWN_MACRO;
  };

  /** The tree's files this configuration has read so far: Kbuild files and (without a .config) Kconfig files. */
  inputs(): string[] {
    return [...this.kbuild.filesRead(), ...(this.db?.filesRead() ?? [])];
  }

  /** Kbuild and Kconfig files this configuration could not read so far, each an error line. */
  problems(): Notification[] {
    return [...this.kbuild.problems, ...(this.db?.problems ?? [])];
  }

  /** Whether the configuration may compile the file (false only when it surely does not); not counted. */
  compiles(file: string): boolean {
    return this.kbuild.fileStatus(file) !== false;
  }

  /** Whether a candidate file is analyzed: false only when the configuration does not compile it. */
  built(file: string): boolean {
    const ok = this.compiles(file);
    if (!ok) this.stats.filesNotBuilt++;
    return ok;
  }

  /** true / false when the configuration decides the condition, undefined when it does not. */
  evaluate(cond: string, ownMacros: ReadonlySet<string> = new Set()): boolean | undefined {
    if (ownMacros.size) {
      // The file defines some CONFIG_ macros itself: those are unknown here.
      return evaluateCondition(cond, (n) => (ownMacros.has(n) ? UNKNOWN_MACRO : this.macro(n)), this.tests);
    }
    if (this.verdicts.has(cond)) return this.verdicts.get(cond);
    const v = evaluateCondition(cond, this.macro, this.tests);
    this.verdicts.set(cond, v);
    return v;
  }

  /** The summary without what lives in dead branches (see liveSummary). */
  live(summary: FileSummary): FileSummary {
    const own = new Set(summary.macros.map((m) => m.name).filter((n) => n.startsWith('CONFIG_')));
    const out = liveSummary(
      summary,
      (cond) => this.evaluate(cond, own) === false,
      (cond) => this.evaluate(cond, own) === true,
    );
    this.stats.deadSites += countSites(summary) - countSites(out);
    return out;
  }
}

function countSites(s: FileSummary): number {
  return s.tables.length + s.functions.reduce((n, f) => n + 1 + f.calls.length + f.writes.length, 0);
}

/**
 * Drops the functions, calls, member writes, ops tables and macros that live under a dead
 * condition (`dead(cond)` true for one of their conditions), and the calls that a function-like
 * macro defined above them in a branch that holds (`holds`) makes macro uses: ipmmu-vmsa.c's
 * `#define arm_iommu_detach_device(...) do {} while (0)` in the `#else` of `#if
 * defined(CONFIG_ARM)` is what arm64 compiles. Pure: the input is not changed.
 */
export function liveSummary(
  summary: FileSummary,
  dead: (cond: string) => boolean,
  holds: (cond: string) => boolean = () => false,
): FileSummary {
  const memo = new Map<string, boolean>();
  const isDead = (cond: string) => {
    let d = memo.get(cond);
    if (d === undefined) memo.set(cond, (d = dead(cond)));
    return d;
  };
  const live = <T extends { cond: string[] }>(xs: T[]) =>
    xs.some((x) => x.cond.some(isDead)) ? xs.filter((x) => !x.cond.some(isDead)) : xs;
  const macros = live(summary.macros);
  const stubs = macros.filter((m) => m.functionLike && m.cond.length > 0 && m.cond.every(holds));
  const shadowed = (c: CallSite) => !c.viaMember && stubs.some((m) => m.name === c.callee && m.line < c.line);
  const functions = live(summary.functions).map((f) => {
    const liveCalls = live(f.calls);
    const calls = stubs.length && liveCalls.some(shadowed) ? liveCalls.filter((c) => !shadowed(c)) : liveCalls;
    const writes = live(f.writes);
    if (calls === f.calls && writes === f.writes) return f;
    return { ...f, calls, writes, ...(f.flow ? { flow: liveFlow(f.flow, f.calls, calls, f.writes, writes) } : {}) };
  });
  return { ...summary, functions, tables: live(summary.tables), macros };
}

/** New index of each kept element of `all` in `kept` (a subsequence of it), -1 for the others. */
function reindex<T>(all: readonly T[], kept: readonly T[]): number[] {
  let k = 0;
  return all.map((x) => (kept[k] === x ? k++ : -1));
}

/**
 * The flow with its events pointing at the kept calls and writes: a dead site's event goes,
 * and a value or test of a dead call's result is unknown (the flow indexes sites by position).
 */
function liveFlow(
  flow: FunctionFlow,
  allCalls: readonly CallSite[],
  calls: readonly CallSite[],
  allWrites: readonly MemberWrite[],
  writes: readonly MemberWrite[],
): FunctionFlow {
  const call = reindex(allCalls, calls);
  const write = reindex(allWrites, writes);
  const value = (v: FlowValue): FlowValue =>
    v.k !== 'call' ? v : call[v.call]! < 0 ? { k: 'other' } : { k: 'call', call: call[v.call]! };
  const cond = (c: FlowCond): FlowCond => {
    switch (c.k) {
      case 'callnz':
      case 'callneg':
        return call[c.call]! < 0 ? { k: 'unknown' } : { k: c.k, call: call[c.call]! };
      case 'not':
        return { k: 'not', c: cond(c.c) };
      case 'and':
      case 'or':
        return { k: c.k, l: cond(c.l), r: cond(c.r) };
      default:
        return c;
    }
  };
  const event = (e: FlowEvent): FlowEvent[] => {
    if ('call' in e) return call[e.call]! < 0 ? [] : [{ call: call[e.call]! }];
    if ('write' in e) return write[e.write]! < 0 ? [] : [{ write: write[e.write]! }];
    return [{ set: e.set, value: value(e.value) }];
  };
  const end = (x: FlowEnd): FlowEnd => {
    if (x.k === 'branch') return { ...x, cond: cond(x.cond) };
    if (x.k === 'return' && x.value) return { ...x, value: value(x.value) };
    return x;
  };
  const blocks = flow.blocks.map((b) => ({ ...(b.ev ? { ev: b.ev.flatMap(event) } : {}), end: end(b.end) }));
  return { ...flow, blocks };
}
