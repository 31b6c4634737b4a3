// The call graph over every summarised file: direct calls resolved by name (a static function
// binds inside its file first), and which functions are exported, bound in tables or otherwise
// have their address taken.
//
// Calls through a function-pointer member (`ops->add_device(dev)`) are not edges. Where the
// kernel calls drivers through ops tables, the configured entry points say when (their phase);
// resolving such a call to every function bound to that member anywhere would make a path
// depend on which other files happened to be parsed, and the kernel's own dispatchers would
// connect every driver to every other. A function bound in a table or passed as a value is a
// root instead: it can be called from anywhere (see rules/set-dma-ops-…).
import type { CallSite, FieldBinding, FileSummary, FunctionSummary, OpsTable } from '../parser/summary.js';

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

export interface Edge {
  from: FnNode;
  to: FnNode;
  site: CallSite;
}

export interface Binding {
  file: string;
  table: OpsTable;
  field: FieldBinding;
  fn: FnNode;
}

export class CallGraph {
  readonly functions: FnNode[] = [];
  readonly bindings: Binding[] = [];
  private byName = new Map<string, FnNode[]>();
  private byField = new Map<string, Binding[]>();
  private structMembers = new Map<string, Map<string, string>>();
  private resolved = new Map<string, FnNode[]>();

  constructor(readonly files: readonly FileSummary[]) {
    for (const file of files) this.addDefinitions(file);
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
    for (const s of file.structs) {
      const members = this.structMembers.get(s.name) ?? new Map<string, string>();
      for (const [m, t] of Object.entries(s.members)) members.set(m, t);
      this.structMembers.set(s.name, members);
    }
  }

  private bind(file: string, table: OpsTable, field: FieldBinding): void {
    for (const fn of this.resolve(file, field.fn)) {
      const binding: Binding = { file, table, field, fn };
      this.bindings.push(binding);
      fn.bindings.push(binding);
      fn.addressTaken = true;
      const list = this.byField.get(field.field);
      if (list) list.push(binding);
      else this.byField.set(field.field, [binding]);
    }
  }

  private addBindings(file: FileSummary): void {
    for (const table of file.tables) for (const field of table.fields) this.bind(file.file, table, field);
    // Run-time bindings: `nb->notifier_call = fn;`
    for (const summary of file.functions) {
      for (const w of summary.writes) {
        if (!w.valueIdent || !this.byName.has(w.valueIdent)) continue;
        const structType = this.typeOf(w.object.rootType, w.object.members);
        const table: OpsTable = { name: w.object.text, structType, fields: [], cond: w.cond, line: w.line, col: w.col };
        const field: FieldBinding = { field: w.member, fn: w.valueIdent, line: w.line, col: w.col };
        table.fields.push(field);
        this.bind(file.file, table, field);
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
      if (site.viaMember) continue;
      for (const to of this.resolve(fn.file, site.callee)) {
        const edge: Edge = { from: fn, to, site };
        fn.callees.push(edge);
        to.callers.push(edge);
      }
    }
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
