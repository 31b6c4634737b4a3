// Which .c files a configuration compiles, from the tree's Kbuild files: `obj-$(CONFIG_FOO) +=
// foo.o`, composite objects (`foo-y += a.o`, `foo-objs := …`, `foo-$(CONFIG_BAR) += c.o`),
// directories (`obj-$(CONFIG_X) += dir/`, `subdir-y`), `lib-`/`extra-` objects, and
// `ifdef`/`ifeq` blocks around them. A directory's Kbuild file is `Kbuild`, else `Makefile`.
//
// A file is not built when the line naming it is off (its symbol is off, or an enclosing block
// is) or the directory holding it is: the nearest Makefile above that names the directory
// (`dir/`, `a/b/`) names it under a symbol that is off. Whatever the Makefiles do not say
// (a file no Makefile names, a directory only an arch Makefile adds through variables, lines
// built with make functions) is unknown, and unknown files are analyzed. Makefiles are read
// lazily, one per directory on the way from a file up to the root, and kept.
import { type Tristate as K, and, not, or } from '../logic/tristate.js';
import { readRegularText } from '../fs/read.js';
import type { Notification } from '../model.js';
import { unreadable } from './unreadable.js';

/** A symbol's value as make sees it: 'y', 'm', '' (unset) or its text; undefined when unknown. */
export type SymbolValue = (name: string) => string | undefined;

interface Mention {
  /** What the line assigns to: obj, lib, extra, subdir, or a composite object's name. */
  target: string;
  /** Whether the variable's suffix selects it (`-y`, `-m`, `-$(CONFIG_X)` on, `-objs`). */
  on: K;
  /** The enclosing ifdef/ifeq blocks. */
  blocks: K;
}

const LISTS = new Set(['obj', 'lib', 'extra', 'subdir']);

export class Kbuild {
  private makefiles = new Map<string, Map<string, Mention[]>>();
  private dirMemo = new Map<string, K>();
  /** Kbuild files that exist but could not be read, each named once. */
  readonly problems: Notification[] = [];

  constructor(
    private root: string,
    private arch: string,
    private symbol: SymbolValue,
  ) {}

  /** The Kbuild files looked at so far (tree paths, whether or not each exists). */
  filesRead(): string[] {
    return [...this.makefiles.keys()].flatMap((d) => ['Kbuild', 'Makefile'].map((n) => (d ? `${d}/${n}` : n)));
  }

  /** true: compiled, false: not, undefined: the Makefiles do not tell. */
  fileStatus(file: string): K {
    if (!file.endsWith('.c')) return undefined;
    const slash = file.lastIndexOf('/');
    const dir = slash < 0 ? '' : file.slice(0, slash);
    const base = `${file.slice(slash + 1, -2)}.o`;
    return this.named(dir, base, new Set());
  }

  /** The nearest directory at or above `dir` whose Makefile names `rest` (relative to it) decides. */
  private named(dir: string, rest: string, seen: Set<string>): K {
    for (let d: string | null = dir, r = rest; d !== null;) {
      const mentions = this.mentionsIn(d).get(r);
      if (mentions) return and(this.objectStatus(d, mentions, seen), this.dirStatus(d));
      if (d === '') break;
      const i = d.lastIndexOf('/');
      r = `${d.slice(i + 1)}/${r}`;
      d = i < 0 ? '' : d.slice(0, i);
    }
    return undefined;
  }

  private objectStatus(dir: string, mentions: Mention[], seen: Set<string>): K {
    let status: K = false;
    for (const m of mentions) {
      let s = and(m.on, m.blocks);
      if (s !== false && !LISTS.has(m.target)) {
        // A part of composite object <target>.o: built when that object is.
        const key = `${dir}\0${m.target}`;
        if (seen.has(key)) s = undefined;
        else {
          seen.add(key);
          const parent = this.mentionsIn(dir).get(`${m.target}.o`);
          s = and(s, parent ? this.objectStatus(dir, parent, seen) : undefined);
          seen.delete(key);
        }
      }
      status = or(status, s);
      if (status === true) break;
    }
    return status;
  }

  private dirStatus(dir: string): K {
    if (dir === '') return true;
    const hit = this.dirMemo.get(dir);
    if (hit !== undefined || this.dirMemo.has(dir)) return hit;
    this.dirMemo.set(dir, undefined); // guards against cycles
    const i = dir.lastIndexOf('/');
    const status = this.named(i < 0 ? '' : dir.slice(0, i), `${dir.slice(i + 1)}/`, new Set());
    this.dirMemo.set(dir, status);
    return status;
  }

  private mentionsIn(dir: string): Map<string, Mention[]> {
    let m = this.makefiles.get(dir);
    if (!m) {
      m = this.parse(this.read(dir));
      this.makefiles.set(dir, m);
    }
    return m;
  }

  private read(dir: string): string {
    const base = dir ? `${this.root}/${dir}` : this.root;
    for (const name of ['Kbuild', 'Makefile']) {
      try {
        return readRegularText(`${base}/${name}`, { inside: this.root });
      } catch (err) {
        const problems = unreadable(dir ? `${dir}/${name}` : name, err, 'the files it names are taken as built');
        if (problems.length === 0) continue;
        this.problems.push(...problems);
        return '';
      }
    }
    return '';
  }

  /** Expands `$(CONFIG_X)`, `${CONFIG_X}` and `$(SRCARCH)`; undefined when something else is left. */
  private expand(text: string): string | undefined {
    let unknown = false;
    const out = text.replace(/\$[({](\w+)[)}]/g, (_, name: string) => {
      if (name === 'SRCARCH') return this.arch;
      const sym = /^CONFIG_(\w+)$/.exec(name);
      const v = sym ? this.symbol(sym[1]!) : undefined;
      if (v === undefined) unknown = true;
      return v ?? '';
    });
    return unknown || out.includes('$') ? undefined : out;
  }

  /** `ifdef`/`ifndef`/`ifeq`/`ifneq` → whether the block's lines are read. */
  private condition(directive: string, arg: string): K {
    if (directive === 'ifdef' || directive === 'ifndef') {
      const v = this.expand(`$(${arg.trim()})`);
      if (v === undefined) return undefined;
      return (v !== '') === (directive === 'ifdef');
    }
    const a = arg.trim();
    let sides: string[] | undefined;
    const paren = /^\((.*),(.*)\)$/.exec(a);
    if (paren) sides = [paren[1]!, paren[2]!];
    const quoted = /^(["'])(.*?)\1\s+(["'])(.*?)\3$/.exec(a);
    if (quoted) sides = [quoted[2]!, quoted[4]!];
    if (!sides) return undefined;
    const [l, r] = sides.map((s) => this.expand(s.trim()));
    if (l === undefined || r === undefined) return undefined;
    return (l === r) === (directive === 'ifeq');
  }

  private parse(text: string): Map<string, Mention[]> {
    const out = new Map<string, Mention[]>();
    const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
    // Each open block: the value of its condition and whether an else was met.
    const stack: { cond: K; taken: K }[] = [];
    let defining = false;
    const blocks = (): K => stack.reduce<K>((acc, b) => and(acc, b.cond), true);
    for (const raw of lines) {
      const line = raw.replace(/(^|[^\\])#.*$/, '$1').trim();
      if (!line) continue;
      if (defining) {
        if (/^endef\b/.test(line)) defining = false;
        continue;
      }
      if (/^define\b/.test(line)) {
        defining = true;
        continue;
      }
      const cond = /^(ifdef|ifndef|ifeq|ifneq)\s+(.*)$/.exec(line);
      if (cond) {
        const c = this.condition(cond[1]!, cond[2]!);
        stack.push({ cond: c, taken: c });
        continue;
      }
      const els = /^else\b\s*(.*)$/.exec(line);
      if (els && stack.length) {
        const top = stack[stack.length - 1]!;
        const nested = /^(ifdef|ifndef|ifeq|ifneq)\s+(.*)$/.exec(els[1]!);
        const c = nested ? this.condition(nested[1]!, nested[2]!) : true;
        top.cond = and(not(top.taken), c);
        top.taken = or(top.taken, c);
        continue;
      }
      if (/^endif\b/.test(line)) {
        stack.pop();
        continue;
      }
      const assign = /^([^\s:+?=]+)\s*(?:\+=|:=|\?=|=)\s*(.*)$/.exec(line);
      if (!assign) continue;
      const variable = assign[1]!;
      const dash = /^([\w.-]+?)-(y|m|n|objs|\$[({].*|)$/.exec(variable);
      if (!dash) continue;
      const [, target, suffix] = dash as unknown as [string, string, string];
      let on: K;
      if (suffix === 'objs' || suffix === 'y' || suffix === 'm') on = true;
      else if (suffix === '' || suffix === 'n') on = false;
      else {
        const v = this.expand(
          suffix.replace(/^\$\(subst m,y,(\$\(CONFIG_\w+\))\)$/, '$1').replace(/^\$\((CONFIG_\w+):m=y\)$/, '$($1)'),
        );
        on = v === undefined ? undefined : v === 'y' || v === 'm';
      }
      const mention: Mention = { target, on, blocks: blocks() };
      for (const word of assign[2]!.split(/\s+/)) {
        const token = word.includes('$') ? this.expand(word) : word;
        if (!token || !/(\.o|\/)$/.test(token)) continue;
        const key = token.replace(/^\.\//, '');
        const list = out.get(key);
        if (list) list.push(mention);
        else out.set(key, [mention]);
      }
    }
    return out;
  }
}
