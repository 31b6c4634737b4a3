// Without a .config: which Kconfig symbols no configuration of the chosen architecture can
// turn on. A best-effort reading of the tree's Kconfig files, never a full Kconfig:
//
// - the files are those Kconfig reads: `source` is followed from the root Kconfig with
//   $(SRCARCH) the chosen architecture, enclosing `if` blocks included; then from each other
//   arch/<x>/Kconfig with $(SRCARCH) = x, where every file not already read belongs to that
//   other architecture (a tree without a root Kconfig decides nothing);
// - a symbol defined only in other architectures' files is off (X86_64, ARM64, …);
// - a definition whose `depends on` (with enclosing `if`, `menu … depends on` and `choice`)
//   is off cannot be turned on; nor can a definition without a prompt whose defaults are all
//   off, unless a symbol that can be on selects it (`select` overrides `depends on`, so a
//   possible selector always counts, and selects in other architectures' files never do; a
//   select never makes on a symbol only other architectures define, as Kconfig ignores it);
// - a symbol is on in every configuration when the architecture's own symbol (`config ARM64`,
//   `def_bool y`) or another such one selects it without condition (surelyOn);
// - anything else is unknown. A symbol no Kconfig file defines is unknown, not off (the tree
//   may be partial).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCacheFile } from '../cache/write-cache-file.js';
import { type Tristate, and, not, or } from '../logic/tristate.js';
import { readRegularText } from '../fs/read.js';
import { lastOfKind } from './blocks.js';
import { leavesTree, type Problem, sourceOutside, unreadable } from './unreadable.js';

interface Definition {
  /** Read for another architecture only. */
  other: boolean;
  /** `depends on` expressions, with those of enclosing blocks. */
  depends: string[];
  /** Prompt conditions ('' for an unconditional prompt); none: the symbol is invisible. */
  prompts: string[];
  /** `default V if C` / `def_bool V if C`: [V, C]. */
  defaults: [string, string][];
}

interface Select {
  /** The selecting symbol. */
  by: string;
  /** The select's own `if` condition. */
  cond: string[];
}

type Block = { kind: string; depends: string[] };

interface CacheFile {
  code: string;
  read: [string, [number, number] | null][];
  defs: [string, Definition[]][];
  selects: [string, Select[]][];
}

let ownHash: string | undefined;
/** This module's code: a changed reader never uses what an older one cached. */
function codeHash(): string {
  ownHash ??= createHash('sha1')
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .digest('hex');
  return ownHash;
}

export type Possible = false | undefined;

export class KconfigDb {
  private defs = new Map<string, Definition[]>();
  private selects = new Map<string, Select[]>();
  private memo = new Map<string, Possible>();
  private busy = new Set<string>();
  private onMemo = new Map<string, boolean>();
  private onBusy = new Set<string>();
  /** Each file looked at: its size and mtime, or null when it could not be read. */
  private read = new Map<string, [number, number] | null>();
  readonly problems: Problem[] = []; // files there but unreadable, sources out of the tree
  /** The Kconfig files looked at (tree paths, whether or not each could be read). */
  filesRead(): string[] {
    return [...this.read.keys()];
  }

  /** Number of Kconfig files read. */
  get files(): number {
    return this.read.size;
  }

  private constructor(private root: string) {}

  /**
   * The Kconfig knowledge of the tree for an architecture. With a cache directory, what was read
   * is kept there and reused while no file read (nor a sourced file that was missing) changed.
   */
  static load(root: string, arch: string, cacheDir?: string | false): KconfigDb {
    const cacheFile = cacheDir
      ? path.join(
          cacheDir,
          'kconfig',
          `${createHash('sha1')
            .update(`${path.resolve(root)}\0${arch}`)
            .digest('hex')}.json`,
        )
      : undefined;
    const cached = cacheFile ? KconfigDb.fromCache(root, cacheFile) : undefined;
    if (cached) return cached;
    const db = KconfigDb.readTree(root, arch);
    if (cacheFile) db.save(cacheFile);
    return db;
  }

  private static fromCache(root: string, file: string): KconfigDb | undefined {
    try {
      const data = JSON.parse(readRegularText(file, { limit: 0 })) as CacheFile;
      if (data.code !== codeHash()) return undefined;
      for (const [f, stat] of data.read) {
        const st = statSync(`${root}/${f}`, { throwIfNoEntry: false });
        if (stat === null ? st !== undefined : st?.size !== stat[0] || st.mtimeMs !== stat[1]) return undefined;
      }
      const db = new KconfigDb(root);
      db.read = new Map(data.read);
      db.defs = new Map(data.defs);
      db.selects = new Map(data.selects);
      return db;
    } catch {
      return undefined;
    }
  }

  private save(file: string): void {
    const data: CacheFile = {
      code: codeHash(),
      read: [...this.read],
      defs: [...this.defs],
      selects: [...this.selects],
    };
    writeCacheFile(file, data);
  }

  private static readTree(root: string, arch: string): KconfigDb {
    const db = new KconfigDb(root);
    if (!existsSync(`${root}/Kconfig`)) return db;
    db.source('Kconfig', arch, false, []);
    let arches: string[] = [];
    try {
      arches = readdirSync(`${root}/arch`)
        .filter((a) => a !== arch)
        .sort();
    } catch {
      // no arch/ directory
    }
    for (const other of arches) {
      for (const name of ['Kconfig', 'Kconfig.debug']) {
        if (existsSync(`${root}/arch/${other}/${name}`)) db.source(`arch/${other}/${name}`, other, true, []);
      }
    }
    return db;
  }

  /** Reads a file once, and the files it sources where they appear, inside its open blocks. */
  private source(file: string, srcarch: string, other: boolean, outer: Block[]): void {
    if (this.read.has(file)) return;
    let text: string;
    try {
      const st = statSync(`${this.root}/${file}`);
      this.read.set(file, [st.size, st.mtimeMs]);
      text = readRegularText(`${this.root}/${file}`, { inside: this.root });
    } catch (err) {
      this.read.set(file, null);
      this.problems.push(...unreadable(file, err, 'the symbols it defines are unknown'));
      return;
    }
    if (text.includes('\\\n')) text = text.replace(/\\\r?\n/g, ' ');
    // Enclosing blocks: `if X`, `menu` (with its depends on), `choice` (with its depends on).
    const blocks: Block[] = [...outer];
    let current: { name: string; def: Definition } | null = null;
    let header: Block | null = null;
    let enclosingCache: string[] | null = null;
    const enclosing = () => (enclosingCache ??= blocks.flatMap((b) => b.depends));
    const finish = () => {
      if (current) {
        const list = this.defs.get(current.name);
        if (list) list.push(current.def);
        else this.defs.set(current.name, [current.def]);
      }
      current = null;
    };
    // Only lines that start with a keyword matter; the regex skips the rest at native speed.
    const LINE =
      /^[ \t]*(config|menuconfig|if|menu|choice|endif|endmenu|endchoice|comment|source|mainmenu|help|---help---|depends|bool|tristate|string|int|hex|prompt|def_bool|def_tristate|default|select)(?=[\s#"]|$)(.*)$/gm;
    for (let m = LINE.exec(text); m; m = LINE.exec(text)) {
      const word = m[1]!;
      const raw = m[0];
      if (word === 'help' || word === '---help---') {
        // Help text runs to the first line indented less than its first line.
        LINE.lastIndex = skipHelp(text, LINE.lastIndex, indentOf(raw));
        continue;
      }
      if (word === 'if' || word === 'menu' || word === 'choice' || word.startsWith('end')) enclosingCache = null;
      const line = stripComment(raw).trim();
      const rest = line.slice(word.length).trim();
      switch (word) {
        case 'config':
        case 'menuconfig':
          finish();
          header = null;
          // A copy: its own `depends on` lines are added to it, never to the enclosing blocks'.
          current = {
            name: rest.split(/\s/)[0]!,
            def: { other, depends: [...enclosing()], prompts: [], defaults: [] },
          };
          continue;
        case 'if':
          finish();
          header = null;
          blocks.push({ kind: 'if', depends: [rest] });
          continue;
        case 'menu':
        case 'choice':
          finish();
          header = { kind: word, depends: [] };
          blocks.push(header);
          continue;
        case 'endif':
        case 'endmenu':
        case 'endchoice': {
          finish();
          header = null;
          const at = lastOfKind(blocks, word.slice(3));
          if (at >= outer.length) blocks.splice(at);
          continue;
        }
        case 'source': {
          finish();
          header = null;
          const target = /^"([^"]*)"/.exec(rest)?.[1]?.replace(/\$\(SRCARCH\)/g, srcarch);
          const normal = target && !target.includes('$') ? path.posix.normalize(target) : undefined;
          if (normal !== undefined && leavesTree(normal))
            this.problems.push(sourceOutside(file, text, m.index, target!));
          else if (normal !== undefined) this.source(normal, srcarch, other, blocks);
          continue;
        }
        case 'comment':
        case 'mainmenu':
          finish();
          header = null;
          continue;
        case 'depends': {
          enclosingCache = null;
          const expr = rest.replace(/^on\s+/, '');
          if (current) current.def.depends.push(expr);
          else if (header) header.depends.push(expr);
          continue;
        }
      }
      if (!current) continue;
      const def = current.def;
      const { value, cond } = splitIf(rest);
      switch (word) {
        case 'bool':
        case 'tristate':
        case 'string':
        case 'int':
        case 'hex':
          if (value) def.prompts.push(cond);
          break;
        case 'prompt':
          def.prompts.push(cond);
          break;
        case 'def_bool':
        case 'def_tristate':
        case 'default':
          def.defaults.push([value, cond]);
          break;
        case 'select':
          if (!other) {
            const target = value.split(/\s/)[0]!;
            const list = this.selects.get(target) ?? [];
            list.push({ by: current.name, cond: cond ? [cond] : [] });
            this.selects.set(target, list);
          }
          break;
      }
    }
    finish();
  }

  /** false when no configuration of the architecture can turn the symbol on; else undefined. */
  possible(name: string): Possible {
    if (this.memo.has(name)) return this.memo.get(name);
    if (this.busy.has(name)) return undefined; // a cycle: assume it may be on
    this.busy.add(name);
    const r = this.compute(name);
    this.busy.delete(name);
    this.memo.set(name, r);
    return r;
  }

  private compute(name: string): Possible {
    const all = this.defs.get(name);
    if (!all?.length) return undefined;
    const defs = all.filter((d) => !d.other);
    // Defined only for other architectures: a select here names a symbol this configuration
    // does not have, which Kconfig ignores (ARM_DMA_USE_IOMMU, selected by IOMMU drivers arm64 builds).
    if (defs.length === 0) return false;
    for (const d of defs) {
      if (d.depends.some((e) => this.value(e) === 'n')) continue;
      if (d.prompts.some((c) => c === '' || this.value(c) !== 'n')) return undefined;
      if (d.defaults.some(([v, c]) => this.value(v) !== 'n' && (c === '' || this.value(c) !== 'n'))) return undefined;
    }
    for (const s of this.selects.get(name) ?? []) {
      if (this.possible(s.by) === false) continue;
      if (s.cond.some((c) => this.value(c) === 'n')) continue;
      return undefined;
    }
    return false;
  }

  /**
   * Whether every configuration of the architecture has the symbol on: it is selected without
   * condition by a symbol that is (`config ARM64` selects ARCH_HAS_SETUP_DMA_OPS), or its only
   * definitions here are invisible, without `depends on`, and default to y without condition
   * (`config ARM64 / def_bool y`). Anything else is not known to be on.
   */
  surelyOn(name: string): boolean {
    const known = this.onMemo.get(name);
    if (known !== undefined) return known;
    if (this.onBusy.has(name)) return false; // a cycle proves nothing
    this.onBusy.add(name);
    const selected = (this.selects.get(name) ?? []).some((s) => s.cond.length === 0 && this.surelyOn(s.by));
    const defs = this.defs.get(name) ?? [];
    const own = defs.filter((d) => !d.other);
    const byDefault =
      own.length > 0 &&
      own.length === defs.length &&
      own.every(
        (d) =>
          d.prompts.length === 0 && d.depends.length === 0 && d.defaults[0]?.[0] === 'y' && d.defaults[0][1] === '',
      );
    this.onBusy.delete(name);
    this.onMemo.set(name, selected || byDefault);
    return selected || byDefault;
  }

  /** A Kconfig expression: 'n' when it is off in every configuration, 'y' when on, else undefined. */
  value(expr: string): 'y' | 'n' | undefined {
    try {
      const p = new KExpr(expr, (s) => this.possible(s));
      return p.parse();
    } catch {
      return undefined;
    }
  }
}

type T = 'y' | 'n' | undefined;
const truth = (v: T): Tristate => (v === undefined ? undefined : v === 'y');
const yn = (k: Tristate): T => (k === undefined ? undefined : k ? 'y' : 'n');

/** Kconfig expressions: symbols, y/m/n, "strings", =, !=, <, >, !, &&, ||, parentheses. */
class KExpr {
  private tokens: string[];
  private at = 0;
  constructor(
    text: string,
    private possible: (name: string) => Possible,
  ) {
    this.tokens = text.match(/"(?:\\.|[^"])*"|'[^']*'|&&|\|\||!=|<=|>=|[=<>!()]|[^\s=<>!()&|"']+/g) ?? [];
  }
  parse(): T {
    const v = this.or();
    if (this.at !== this.tokens.length) throw new SyntaxError('trailing');
    return v;
  }
  private or(): T {
    let v = this.and();
    while (this.tokens[this.at] === '||') {
      this.at++;
      const w = this.and();
      v = yn(or(truth(v), truth(w)));
    }
    return v;
  }
  private and(): T {
    let v = this.not();
    while (this.tokens[this.at] === '&&') {
      this.at++;
      const w = this.not();
      v = yn(and(truth(v), truth(w)));
    }
    return v;
  }
  private not(): T {
    if (this.tokens[this.at] === '!') {
      this.at++;
      return yn(not(truth(this.not())));
    }
    return this.compare();
  }
  private compare(): T {
    const left = this.primary();
    const op = this.tokens[this.at];
    if (op !== '=' && op !== '!=' && op !== '<' && op !== '>' && op !== '<=' && op !== '>=') return left.truth;
    this.at++;
    const right = this.primary();
    if (op === '=' || op === '!=') {
      // Only "sym = n" / "sym != n" and their mirror images can be decided from "off".
      const sym = left.literal === undefined ? left : right;
      const lit = left.literal === undefined ? right.literal : left.literal;
      if (sym.literal === undefined && sym.truth === 'n' && lit !== undefined) {
        const eq = lit === 'n';
        return (op === '=') === eq ? 'y' : 'n';
      }
    }
    return undefined;
  }
  private primary(): { truth: T; literal?: string } {
    const t = this.tokens[this.at++];
    if (t === undefined) throw new SyntaxError('end');
    if (t === '(') {
      const v = this.or();
      if (this.tokens[this.at++] !== ')') throw new SyntaxError(')');
      return { truth: v };
    }
    if (t === 'y' || t === 'n') return { truth: t, literal: t };
    if (t === 'm') return { truth: undefined, literal: 'm' };
    if (/^["']/.test(t)) {
      const s = t.slice(1, -1);
      return { truth: s === 'y' || s === 'n' ? s : undefined, literal: s };
    }
    if (/^-?\d+$|^0x[0-9a-fA-F]+$/.test(t)) return { truth: undefined, literal: t };
    if (!/^\w+$/.test(t)) throw new SyntaxError(t);
    // $(…) macros and the like never reach here (they are not \w+): unknown by the throw above.
    return { truth: this.possible(t) === false ? 'n' : undefined };
  }
}

/** Where help text that starts after `from` (the end of the `help` line) ends. */
function skipHelp(text: string, from: number, keywordIndent: number): number {
  let at = text.indexOf('\n', from);
  if (at < 0) return text.length;
  at++;
  let helpIndent: number | null = null;
  while (at < text.length) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const indent = indentOf(text.slice(at, Math.min(end, at + 64)));
    if (indent >= 0) {
      helpIndent ??= indent > keywordIndent ? indent : Infinity;
      if (indent < helpIndent) return at;
    }
    at = end + 1;
  }
  return text.length;
}

/** Columns of leading white space (tabs to multiples of 8); -1 for a blank line. */
function indentOf(line: string): number {
  let n = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 32) n++;
    else if (c === 9) n = (Math.floor(n / 8) + 1) * 8;
    else return c === 13 ? -1 : n;
  }
  return -1;
}

function stripComment(line: string): string {
  // A '#' outside quotes starts a comment.
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#') return line.slice(0, i);
  }
  return line;
}

/** `"prompt" if COND` → value and condition ('' when unconditional); quoted text is skipped. */
function splitIf(rest: string): { value: string; cond: string } {
  let quote: string | null = null;
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (/\s/.test(ch) && rest.slice(i).match(/^\s+if\s/)) {
      return {
        value: rest.slice(0, i).trim(),
        cond: rest
          .slice(i)
          .replace(/^\s+if\s+/, '')
          .trim(),
      };
    }
  }
  return { value: rest.trim(), cond: '' };
}
