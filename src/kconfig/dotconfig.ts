// A kernel .config: `CONFIG_FOO=y`, `=m`, `=123`, `="text"`, and `# CONFIG_FOO is not set`.
//
// A .config written by Kconfig (`make …config`, `make olddefconfig`) is complete: every symbol
// whose dependencies are met is listed, and a symbol it does not list is off, as the generated
// autoconf.h leaves it undefined. A hand-written fragment (a defconfig, a config snippet) is not:
// a symbol it leaves out may be on or off. A file is taken as complete when it carries Kconfig's
// header line ("# Automatically generated file; DO NOT EDIT."); otherwise a symbol it does not
// mention is unknown, and the code under it is kept.
import { readRegularText } from '../fs/read.js';

export interface DotConfig {
  /** Symbol without the CONFIG_ prefix → 'y', 'm', 'n' (not set), or the raw value (`123`, `"text"`). */
  values: Map<string, string>;
  /** Symbols absent from the file are off (see above). */
  complete: boolean;
  /** Symbols whose value is not known whatever the file says (configurations merged, see below). */
  unknown?: ReadonlySet<string>;
}

/**
 * What several configurations agree on: a symbol all of them set alike keeps its value, one
 * they disagree on is unknown. Whatever any of them builds, the merge keeps: a scan with it
 * parses and searches for all of them at once (scan-configurations.ts).
 */
export function mergeDotConfigs(configs: readonly DotConfig[]): DotConfig {
  const complete = configs.every((c) => c.complete);
  const value = (c: DotConfig, sym: string) => c.values.get(sym) ?? (c.complete ? 'n' : undefined);
  const values = new Map<string, string>();
  const unknown = new Set<string>();
  for (const sym of new Set(configs.flatMap((c) => [...c.values.keys()]))) {
    const seen = new Set(configs.map((c) => value(c, sym)));
    const [only] = seen;
    if (seen.size === 1 && only !== undefined) values.set(sym, only);
    else unknown.add(sym);
  }
  return { values, complete, unknown };
}

export const COMPLETE_MARK = /^#\s*Automatically generated file; DO NOT EDIT\./m;

export function parseDotConfig(text: string): DotConfig {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const set = /^\s*CONFIG_(\w+)=(.*?)\s*$/.exec(line);
    if (set) {
      values.set(set[1]!, set[2]!);
      continue;
    }
    const unset = /^#\s*CONFIG_(\w+) is not set\s*$/.exec(line);
    if (unset) values.set(unset[1]!, 'n');
  }
  return { values, complete: COMPLETE_MARK.test(text) };
}

export function readDotConfig(file: string): DotConfig {
  return parseDotConfig(readRegularText(file, { limitName: 'the .config limit' }));
}

// Kconfig's header names $(ARCH), which may be a variant of the arch/ directory (SRCARCH).
const SRCARCH: Record<string, string> = {
  x86_64: 'x86',
  i386: 'x86',
  sparc32: 'sparc',
  sparc64: 'sparc',
  parisc64: 'parisc',
  sh64: 'sh',
};

/** The architecture a .config was written for, from Kconfig's header (`# Linux/arm64 6.1.0 Kernel Configuration`). */
export function dotConfigArch(text: string): string | undefined {
  const arch = /^#\s*Linux\/(\S+)(?: \S+)? Kernel Configuration\b/m.exec(text.split('\n', 8).join('\n'))?.[1];
  if (arch === undefined) return undefined;
  return Object.hasOwn(SRCARCH, arch) ? SRCARCH[arch] : arch;
}
