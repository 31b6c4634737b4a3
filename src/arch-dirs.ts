// Directories of other architectures that the configured one builds from: arm64's
// arch/arm64/xen/Makefile compiles `$(addprefix ../../arm/xen/, enlighten.o …)`, so
// arch/arm/xen is arm64 code too, and a function registered there (a Xen callback) has its
// caller there. Read from the Kbuild files under arch/<arch>: every relative path that climbs
// out of it into another architecture's directory names that directory.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config/types.js';
import { readRegularFile } from './fs/read.js';

const RELATIVE = /(?:\.\.\/)+[\w.-][\w./-]*/g;

function kbuildFiles(root: string, dir: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(path.join(root, dir), { withFileTypes: true });
  } catch {
    return; // no such directory, or not ours to read: the listing reports what it cannot read
  }
  for (const e of entries) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory() && !e.name.startsWith('.')) kbuildFiles(root, rel, out);
    else if (e.isFile() && (e.name === 'Makefile' || e.name === 'Kbuild')) out.push(rel);
  }
}

/** Tree paths of other architectures' directories that the configured one's Kbuild files build from. */
export function crossArchDirs(root: string, config: Config): string[] {
  const archDir = config.paths.archDir ?? 'arch';
  const own = `${archDir}/${config.arch}`;
  const makefiles: string[] = [];
  kbuildFiles(root, own, makefiles);
  const dirs = new Set<string>();
  for (const makefile of makefiles.sort()) {
    let text: string;
    try {
      text = readRegularFile(path.join(root, makefile), { inside: root }).toString('latin1');
    } catch {
      continue; // not a file dmalint reads: its directory's Kbuild reading says so
    }
    for (const m of text.matchAll(RELATIVE)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(makefile), m[0]));
      // `../../arm/xen/` or `../../arm/xen/enlighten.o`: the directory either way.
      const dir = m[0].endsWith('/') ? target.replace(/\/$/, '') : path.posix.dirname(target);
      if (!dir.startsWith(`${archDir}/`) || dir === own || dir.startsWith(`${own}/`)) continue;
      dirs.add(dir);
    }
  }
  return [...dirs].sort();
}
