// The call graph over every summarised file: direct calls resolved by name (a static function
// binds inside its file first), and which functions are exported, bound in tables or otherwise
// have their address taken.
//
// Calls through a function-pointer member (`mmu->funcs->destroy(mmu)`) are resolved by the
// types they load through, layer by layer (addIndirect): the object's declared type, the member
// holding the table, the member called, to the functions bound to that member of that struct
// type. Where the kernel dispatches (a struct of an interface header, an entry point's member:
// probe, bind, notifiers), the entry points say when, and such calls stay out of the graph.
// A function bound in a table or passed as a value is also a root: it can be called from
// anywhere (see rules/set-dma-ops-…).
import type { CallSite, FieldBinding, FileSummary, FunctionSummary, OpsTable } from '../parser/summary.js';
import { holderLayers, holdersIndex } from './holders.js';

export interface FnNode {
  id: number;
  file: string;
  name: string;
  summary: FunctionSummary;
  exported: boolean;
  /** Named as a value somewhere (callback passed, stored or put in a table). */
  addressTaken: boolean;
  callers: Edge[];
  callees: Edge[];
  bindings: Binding[];
}

/** What the graph needs of rules.yaml to resolve calls through members. */
export interface GraphOptions {
  /** Callbacks the kernel calls (entry points, ops pairs): calls through these stay out of the graph. */
  entries: readonly { struct?: string; field: string }[];
  /** Files whose struct definitions are the kernel's interfaces (rules.yaml memberCalls.interfaces). */
  interfaceHeader: (file: string) => boolean;
  /**
   * While a scan grows: the struct types already looked for in the interface headers. Calls
   * through another type have no target until a round has told whether it is an interface.
   */
  known?: (structType: string) => boolean;
  /** rules.yaml memberCalls.maxHolders: how many types holding a table growth searches (holders.ts). */
  maxHolders: number;
  /** Where a struct's definition was not parsed: the member that embeds a struct device. */
  containers: Readonly<Record<string, string>>;
  /** rules.yaml device.structs: the first types `containers` embed; none is climbed through to a table. */
  deviceStructs: readonly string[];
}

export interface Edge {
  from: FnNode;
  to: FnNode;
  site: CallSite;
  /** Set for a call through a member resolved by its type: `msm_mmu_funcs.destroy`. */
  via?: MemberRef;
}

/** A member of a struct type, `msm_mmu_funcs.destroy`. */
export interface MemberRef {
  structType: string;
  member: string;
}

export interface Binding {
  file: string;
  table: OpsTable;
  field: FieldBinding;
  fn: FnNode;
  /**
   * The struct type the function is bound in, where the declarations tell: the table's own, a
   * nested table's from its outer table's struct definition, a run-time assignment's object's.
   */
  structType?: string;
  /**
   * How a call through `structType.field` finds this binding: bound in a static table, or at
   * run time to a variable declared with the struct type (`ops->destroy = fn`). A run-time
   * assignment through other members (`priv->ops.destroy = fn`) names the type nowhere in its
   * file, so a scan could find it only by parsing every file: it binds a callback (an entry
   * point), never a call's target.
   */
  typed: boolean;
}

export class CallGraph {
  readonly functions: FnNode[] = [];
  readonly bindings: Binding[] = [];
  private byName = new Map<string, FnNode[]>();
  private byField = new Map<string, Binding[]>();
  private structMembers = new Map<string, Map<string, string>>();
  private resolved = new Map<string, FnNode[]>();
  private byMember = new Map<string, FnNode[]>();
  /** Struct types defined in an interface header: calls through their members are the kernel's dispatch. */
  readonly interfaces = new Set<string>();
  private holders = new Map<string, Set<string>>();
  private layers = new Map<string, string[][]>();

  constructor(
    readonly files: readonly FileSummary[],
    private readonly options: GraphOptions = {
      entries: [],
      interfaceHeader: () => false,
      containers: {},
      deviceStructs: [],
      maxHolders: 64,
    },
  ) {
    for (const file of files) this.addDefinitions(file);
    this.holders = holdersIndex(files);
    for (const file of files) this.addBindings(file);
    for (const file of files) this.markReferences(file);
    for (const fn of this.functions) this.addEdges(fn);
  }

  private addDefinitions(file: FileSummary): void {
    const exported = new Set(file.exports.map((e) => e.name));
    for (const summary of file.functions) {
      const node: FnNode = {
        id: this.functions.length,
        file: file.file,
        name: summary.name,
        summary,
        exported: exported.has(summary.name),
        addressTaken: false,
        callers: [],
        callees: [],
        bindings: [],
      };
      this.functions.push(node);
      const list = this.byName.get(summary.name);
      if (list) list.push(node);
      else this.byName.set(summary.name, [node]);
    }
    const isInterface = this.options.interfaceHeader(file.file);
    for (const s of file.structs) {
      if (isInterface) this.interfaces.add(s.name);
      const members = this.structMembers.get(s.name) ?? new Map<string, string>();
      for (const [m, t] of Object.entries(s.members)) members.set(m, t);
      this.structMembers.set(s.name, members);
    }
  }

  private bind(
    file: string,
    table: OpsTable,
    field: FieldBinding,
    structType: string | undefined,
    typed: boolean,
  ): void {
    for (const fn of this.resolve(file, field.fn)) {
      const binding: Binding = { file, table, field, fn, ...(structType ? { structType } : {}), typed };
      this.bindings.push(binding);
      fn.bindings.push(binding);
      fn.addressTaken = true;
      if (typed && structType !== undefined) {
        const key = `${structType}.${field.field}`;
        const targets = this.byMember.get(key);
        if (!targets) this.byMember.set(key, [fn]);
        else if (!targets.includes(fn)) targets.push(fn);
      }
      const list = this.byField.get(field.field);
      if (list) list.push(binding);
      else this.byField.set(field.field, [binding]);
    }
  }

  private addBindings(file: FileSummary): void {
    for (const table of file.tables) {
      const structType =
        table.structType ?? (table.within ? this.typeOf(table.within.structType, table.within.members) : undefined);
      for (const field of table.fields) this.bind(file.file, table, field, structType, true);
    }
    // Run-time bindings: `nb->notifier_call = fn;`
    for (const summary of file.functions) {
      for (const w of summary.writes) {
        if (!w.valueIdent || !this.byName.has(w.valueIdent)) continue;
        const structType = this.typeOf(w.object.rootType, w.object.members);
        const table: OpsTable = { name: w.object.text, structType, fields: [], cond: w.cond, line: w.line, col: w.col };
        const field: FieldBinding = { field: w.member, fn: w.valueIdent, line: w.line, col: w.col };
        table.fields.push(field);
        this.bind(file.file, table, field, structType, w.object.members.length === 0 && structType !== undefined);
      }
    }
  }

  private markReferences(file: FileSummary): void {
    const mark = (name: string) => {
      for (const fn of this.resolve(file.file, name)) fn.addressTaken = true;
    };
    for (const name of file.fileRefs) mark(name);
    for (const summary of file.functions) for (const name of summary.valueRefs) mark(name);
  }

  private addEdges(fn: FnNode): void {
    for (const site of fn.summary.calls) {
      if (site.viaMember) {
        this.addIndirect(fn, site);
        continue;
      }
      for (const to of this.resolve(fn.file, site.callee)) this.link(fn, to, site);
    }
  }

  private link(from: FnNode, to: FnNode, site: CallSite, via?: MemberRef): void {
    const edge: Edge = { from, to, site, ...(via ? { via } : {}) };
    from.callees.push(edge);
    to.callers.push(edge);
  }

  /**
   * The type a member call loads through, then the functions bound to that member of it. A call
   * whose type the declarations do not tell, or whose chain from its root goes deeper than the
   * layers of holders growth searched (a prefiltered scan might not type it), has no target.
   */
  private addIndirect(fn: FnNode, site: CallSite): void {
    const { containers, deviceStructs } = this.options;
    if (!site.object) return;
    const structType = this.typeOf(site.object.rootType, site.object.members, (t, m) =>
      (Object.hasOwn(containers, t) ? containers[t] : undefined) === m ? deviceStructs[0] : undefined,
    );
    if (structType === undefined || this.dispatches(structType, site.callee)) return;
    if (site.object.members.length > this.holderLayers(structType).length - 1) return;
    if (!(this.options.known?.(structType) ?? true)) return;
    const via: MemberRef = { structType, member: site.callee };
    for (const to of this.byMember.get(`${structType}.${site.callee}`) ?? []) this.link(fn, to, site, via);
  }

  /** Is a call through `structType.member` the kernel dispatching (an interface's, an entry point's)? */
  dispatches(structType: string, member: string): boolean {
    return (
      this.interfaces.has(structType) ||
      this.options.entries.some((e) => e.field === member && (e.struct === undefined || e.struct === structType))
    );
  }

  /** The layers of parsed struct types holding `table`, up to device structs and interfaces (holders.ts). */
  holderLayers(table: string): string[][] {
    let layers = this.layers.get(table);
    if (!layers) {
      const stop = (t: string) => this.options.deviceStructs.includes(t) || this.interfaces.has(t);
      layers = holderLayers(table, this.holders, this.options.maxHolders, stop);
      this.layers.set(table, layers);
    }
    return layers;
  }

  /**
   * Definitions a name used in `file` refers to: the file's own first, else non-static ones,
   * else static inline ones from headers (which every includer gets a copy of).
   */
  resolve(file: string, name: string): FnNode[] {
    const all = this.byName.get(name);
    if (!all) return [];
    if (all.length === 1 && (all[0]!.file === file || !all[0]!.summary.isStatic)) return all;
    const key = `${file}\0${name}`;
    let hit = this.resolved.get(key);
    if (!hit) {
      const local = all.filter((f) => f.file === file);
      const global = all.filter((f) => !f.summary.isStatic);
      hit = local.length ? local : global.length ? global : all.filter((f) => f.file.endsWith('.h'));
      this.resolved.set(key, hit);
    }
    return hit;
  }

  named(name: string): FnNode[] {
    return this.byName.get(name) ?? [];
  }

  bindingsOf(field: string): Binding[] {
    return this.byField.get(field) ?? [];
  }

  /** Type of `root.m1.m2…` from the parsed struct definitions, or undefined when unknown. */
  typeOf(
    rootType: string | undefined,
    members: readonly string[],
    fallback?: (type: string, member: string) => string | undefined,
  ): string | undefined {
    let type = rootType;
    for (const m of members) {
      if (type === undefined) return undefined;
      type = this.structMembers.get(type)?.get(m) ?? fallback?.(type, m);
    }
    return type;
  }
}
