// Who should hear about a finding: the sections of the tree's MAINTAINERS that cover its file,
// matched and ordered as scripts/get_maintainer.pl does (Linux 6.1), so that a bot or a
// developer gets the same people from dmalint as from `get_maintainer.pl -f FILE`:
// - F:/X: patterns are regexes after get_maintainer's rewriting (`.` literal, `*` → `.*`,
//   `?` → `.`, a trailing `/` added when the pattern names a directory of the tree); a pattern
//   ending in `/` matches everything below it, any other matches only at the same depth, so its
//   `*` does not cross `/`.
// - X: excludes a section whatever its F: lines say; N: is a regex over the path (perl's /x).
// - K: is a regex over the file's content; its sections come after the others.
// - Sections are ordered by the depth of their last matching pattern, deepest first (N: counts
//   0, a pattern starting with `*` counts -1); ties keep MAINTAINERS order, where perl's order
//   is that of a hash and so unspecified.
// - Addresses are deduplicated by name or address, lists by address; subscribers-only lists are
//   left out, as get_maintainer does by default, and so is the chief penguin (the maintainer of
//   a section whose status is "Buried alive in reporters": THE REST). Git history (its
//   --git-fallback) is not read.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Notification } from '../model.js';
import { type Email, Mailmap, formatEmail, parseEmail } from './mailmap.js';
import { unreadable } from '../errors.js';
import { readRegularText } from '../fs/read.js';
import { RE2JS } from 're2js';

export interface Contact {
  /** `Name <address>` for people, the address for lists. */
  address: string;
  /** get_maintainer's role: `maintainer:IOMMU SUBSYSTEM`, `reviewer:…`, `moderated list:…`. */
  role: string;
}

export interface Routing {
  /** Section names, most specific first. */
  sections: string[];
  /** Maintainers and reviewers, in get_maintainer's order (by section, then line). */
  people: Contact[];
  lists: Contact[];
}

interface Entry {
  type: string;
  value: string;
  line: number;
}

interface Section {
  name: string;
  line: number;
  entries: Entry[];
  /** F:/X:/N:/K: compiled; entries whose regex does not compile are left out (and reported). */
  patterns: { type: 'F' | 'X' | 'N' | 'K'; source: string; re: Pattern; prefix: string }[];
}

/**
 * The patterns run in linear time (RE2): a backtracking engine took minutes on `N: (a+)+$`
 * against a path of 40 a's, and a careless MAINTAINERS must not stall a CI job. RE2 reads
 * perl's inline `(?i)` and `(?i:…)` as get_maintainer does; lookarounds and backreferences,
 * which it cannot run in linear time, make the entry a warning.
 */
type Pattern = Pick<RE2JS, 'test'>;

/**
 * Compiled on first use: compiling Linux's 7,000 patterns in RE2 takes a second, and a file's
 * directories rule out almost all of them. The syntax is checked at once, for the warning.
 */
function lazyPattern(source: string, anchored: boolean): Pattern {
  const full = anchored ? `^(?:${source})` : source;
  let re: RE2JS | undefined;
  // Only names, escaped dots and wildcards (most F: lines) cannot fail to compile.
  if (!/^(?:[\w/.*,@~+ -]|\\\.)*$/.test(source)) re = RE2JS.compile(full);
  return { test: (text) => (re ??= RE2JS.compile(full)).test(text) };
}

const KNOWN_TYPES = new Set([...'MRLSWQBCPTFXNK']);
const SECTION_NAME_MAX = 50;

/** Perl's /x: whitespace and #-comments outside character classes are not part of the pattern. */
function perlExtended(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      out += c + (source[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '#') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (!/\s/.test(c)) out += c;
  }
  return out;
}

/** get_maintainer's rewriting of an F:/X: value into a regex source. */
function filePattern(value: string, root: string): string {
  let source = value.replace(/\./g, '\\.').replace(/\*/g, '.*').replace(/\?/g, '.');
  // It tests the rewritten value as a path, escapes included, as perl's `-d $value` does: one
  // with a rewritten `.`, `*` or `?` names no directory, so only plain paths are looked at.
  if (!source.endsWith('/') && !/[\\.]/.test(source) && isDirectory(path.join(root, source))) source += '/';
  return source;
}

function isDirectory(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isDirectory();
  } catch {
    return false;
  }
}

const slashes = (s: string) => s.split('/').length - 1;

function fileMatches(file: string, p: { source: string; re: Pattern; prefix: string }): boolean {
  if (!file.startsWith(p.prefix) || !p.re.test(file)) return false;
  return p.source.endsWith('/') || slashes(file) === slashes(p.source);
}

export class Maintainers {
  /** Sections by the literal directory their F: patterns start with; the rest are always tried. */
  private readonly byDirectory = new Map<string, number[]>();
  private readonly everywhere: number[] = [];

  private constructor(
    private readonly sections: Section[],
    private readonly mailmap: Mailmap,
    readonly notifications: Notification[],
  ) {
    // 6,941 F: patterns in Linux 6.1; a file's directories rule out almost all of them.
    sections.forEach((s, index) => {
      const dirs = new Set<string>();
      let anywhere = false;
      for (const p of s.patterns) {
        if (p.type === 'N') anywhere = true;
        if (p.type !== 'F') continue;
        const slash = p.prefix.lastIndexOf('/');
        if (slash < 0) anywhere = true;
        else dirs.add(p.prefix.slice(0, slash));
      }
      if (anywhere) this.everywhere.push(index);
      else for (const dir of dirs) this.byDirectory.set(dir, [...(this.byDirectory.get(dir) ?? []), index]);
    });
  }

  /**
   * The tree's MAINTAINERS, or undefined when it has none or it cannot be read (then an error
   * line in `problems`, as a FIFO or a file without permission are not "no MAINTAINERS").
   * Malformed lines are warnings in its notifications.
   */
  static read(root: string, problems: Notification[], file = 'MAINTAINERS'): Maintainers | undefined {
    let text: string;
    try {
      text = readRegularText(path.join(root, file), { inside: root });
    } catch (err) {
      problems.push(...unreadable(file, err, 'no one is named for the findings'));
      return undefined;
    }
    const maintainers = Maintainers.parse(text, root, file);
    // An empty MAINTAINERS (a marker of the tree's root, as in small test trees) routes nothing.
    return maintainers.sections.length > 0 ? maintainers : undefined;
  }

  static parse(text: string, root: string, file = 'MAINTAINERS'): Maintainers {
    const notifications: Notification[] = [];
    const warn = (line: number, message: string) => notifications.push({ level: 'warning', file, line, message });
    const sections: Section[] = [];
    let title: { name: string; line: number } | undefined;
    let current: Section | undefined;
    const lines = text.split('\n');
    lines.forEach((raw, i) => {
      const line = raw.replace(/\r$/, '');
      const typed = /^([A-Z]):\s*(.*)$/.exec(line);
      if (!typed) {
        current = undefined;
        title = /^\s*$/.test(line) || /^\s*#/.test(line) ? undefined : { name: line, line: i + 1 };
        return;
      }
      const [, type, value] = typed as unknown as [string, string, string];
      if (!current) {
        // A typed line right after a title opens that title's section; one after anything else
        // opens a section with no name (get_maintainer takes the line above as its name).
        if (!title && sections.length > 0) warn(i + 1, `'${type}:' entry outside a section (no section name above it)`);
        current = { name: title?.name ?? '', line: title?.line ?? i + 1, entries: [], patterns: [] };
        sections.push(current);
        title = undefined;
      }
      if (!KNOWN_TYPES.has(type)) warn(i + 1, `unknown entry type '${type}:'`);
      if (value.trim() === '' && 'FXNKML'.includes(type)) warn(i + 1, `empty '${type}:' entry`);
      current.entries.push({ type, value, line: i + 1 });
      if (type === 'F' || type === 'X' || type === 'N' || type === 'K') {
        const isFile = type === 'F' || type === 'X';
        const source = isFile ? filePattern(value, root) : perlExtended(value);
        try {
          const re = lazyPattern(source, isFile);
          // The literal start of a file pattern rules most sections out with a string compare.
          const prefix = type === 'F' || type === 'X' ? /^[^\\.()[\]|+^$]*/.exec(source)![0] : '';
          current.patterns.push({ type, source, re, prefix });
        } catch (err) {
          warn(
            i + 1,
            `'${type}: ${value}' is not a regular expression dmalint can read ` +
              `(${(err as Error).message.replace(/^error parsing regexp: /, '')}); entry ignored`,
          );
        }
      }
    });
    // The file's own preamble (descriptions of the entry types) precedes the first section.
    const kept = sections.filter((s) => s.name !== '' || s.entries.some((e) => 'FN'.includes(e.type)));
    return new Maintainers(kept, Mailmap.read(root, notifications), notifications);
  }

  /** The sections of a tree path (`drivers/iommu/foo.c`), with `content` for K: patterns. */
  route(file: string, content?: string): Routing {
    const depth = new Map<number, number>();
    const candidates = new Set(this.everywhere);
    for (let slash = file.indexOf('/'); slash >= 0; slash = file.indexOf('/', slash + 1)) {
      for (const index of this.byDirectory.get(file.slice(0, slash)) ?? []) candidates.add(index);
    }
    for (const index of [...candidates].sort((a, b) => a - b)) {
      const s = this.sections[index]!;
      if (s.patterns.some((p) => p.type === 'X' && fileMatches(file, p))) continue;
      for (const p of s.patterns) {
        if (p.type === 'F' && fileMatches(file, p)) {
          let d = slashes(p.source) + (p.source.endsWith('/') ? 0 : 1);
          if (p.source.startsWith('.*')) d = -1;
          depth.set(index, d); // the last matching line of a section decides, as in get_maintainer
        } else if (p.type === 'N' && p.re.test(file)) depth.set(index, 0);
      }
    }
    const ordered = [...depth].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([i]) => i);
    if (content !== undefined) {
      // get_maintainer sorts the keyword sections' indices as strings.
      const byKeyword = this.sections.flatMap((s, i) =>
        s.patterns.some((p) => p.type === 'K' && p.re.test(content)) ? [String(i)] : [],
      );
      for (const i of byKeyword.sort()) ordered.push(Number(i));
    }
    return this.contacts([...new Set(ordered)].map((i) => this.sections[i]!));
  }

  private contacts(sections: Section[]): Routing {
    const routing: Routing = { sections: [], people: [], lists: [] };
    const usedNames = new Set<string>();
    const usedAddresses = new Set<string>();
    const usedLists = new Set<string>();
    // get_maintainer's push_email_address: one entry per person, by name or by address.
    const person = (value: string, role: string) => {
      const e = parseEmail(value);
      if (!e.address) return;
      if ((e.name && usedNames.has(e.name.toLowerCase())) || usedAddresses.has(e.address.toLowerCase())) return;
      if (e.name) usedNames.add(e.name.toLowerCase());
      usedAddresses.add(e.address.toLowerCase());
      routing.people.push({ address: formatEmail(e), role });
    };
    for (const s of sections) {
      const name = s.name.length > SECTION_NAME_MAX ? `${s.name.slice(0, SECTION_NAME_MAX - 3).trimEnd()}...` : s.name;
      routing.sections.push(s.name);
      const status =
        s.entries
          .filter((e) => e.type === 'S')
          .at(-1)
          ?.value.toLowerCase() ?? 'unknown';
      const role = ROLES[status] ?? status;
      for (const e of s.entries) {
        if (e.type === 'M' && role !== 'chief penguin') person(e.value, `${role}:${name}`);
        else if (e.type === 'R') person(e.value, `reviewer:${name}`);
        else if (e.type === 'L') {
          const [address = '', ...rest] = e.value.trim().split(/\s+/);
          const extra = rest.join(' ');
          if (!address || extra.includes('subscribers-only') || usedLists.has(address.toLowerCase())) continue;
          usedLists.add(address.toLowerCase());
          const listRole = name === 'THE REST' ? '' : `:${name}`;
          routing.lists.push({
            address,
            role: `${extra.includes('moderated') ? 'moderated' : 'open'} list${listRole}`,
          });
        }
      }
    }
    // get_maintainer's deduplicate_email, then merge_email: addresses as .mailmap has them now,
    // the same person under two names or addresses once.
    const byName = new Map<string, Email>();
    const byAddress = new Map<string, Email>();
    const dedupe = (c: Contact): Contact => {
      let e = this.mailmap.apply(parseEmail(c.address));
      const known = (e.name && byName.get(e.name.toLowerCase())) || byAddress.get(e.address.toLowerCase());
      if (known) e = known;
      else {
        byName.set(e.name.toLowerCase(), e);
        byAddress.set(e.address.toLowerCase(), e);
      }
      return { address: formatEmail(this.mailmap.apply(e)), role: c.role };
    };
    const seen = new Set<string>();
    const merged = (list: Contact[]) => list.map(dedupe).filter((c) => !seen.has(c.address) && seen.add(c.address));
    routing.people = merged(routing.people);
    routing.lists = merged(routing.lists);
    return routing;
  }
}

const ROLES: Record<string, string> = {
  supported: 'supporter',
  maintained: 'maintainer',
  'odd fixes': 'odd fixer',
  orphan: 'orphan minder',
  obsolete: 'obsolete minder',
  'buried alive in reporters': 'chief penguin',
};
