// Which tree paths a scan analyzes. One filter serves the directory walk (discover.ts), which
// asks about each directory before entering it, and the files a patch names (cli/collect.ts),
// which may not be on disk: both must agree, or a patch check would analyze what a tree scan
// does not.
import picomatch from 'picomatch';
import type { Config } from './config/types.js';

export interface PathFilter {
  /** Is the directory at this tree path walked into? */
  enters(dir: string): boolean;
  /** Is the file at this tree path analyzed, given that its directories are entered? */
  includes(file: string): boolean;
}

/**
 * `borrowed`: directories of other architectures that this one builds from (arch-dirs.ts:
 * arm64 compiles arch/arm/xen); they and the directories on the way to them are entered.
 */
export function pathFilter(config: Config, borrowed: readonly string[] = []): PathFilter {
  const include = picomatch(config.paths.include, { dot: false });
  const exclude = picomatch(config.paths.exclude.length ? config.paths.exclude : ['\0'], { dot: false });
  const archDir = config.paths.archDir ?? 'arch';
  const hidden = (p: string) => p.slice(p.lastIndexOf('/') + 1).startsWith('.');
  const under = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);
  /** In another architecture's tree (rules.yaml paths.archDir), whose code is not built for this one. */
  const foreign = (p: string) => {
    if (!p.startsWith(`${archDir}/`)) return false;
    const arch = p.slice(archDir.length + 1).split('/')[0];
    return arch !== config.arch && !borrowed.some((b) => under(p, b));
  };
  return {
    enters: (dir) => {
      if (hidden(dir)) return false;
      if (foreign(dir) && !borrowed.some((b) => under(b, dir))) return false;
      return !exclude(dir);
    },
    includes: (file) =>
      !hidden(file) && include(file) && !exclude(file) && !foreign(file.slice(0, Math.max(0, file.lastIndexOf('/')))),
  };
}

/** Whether the scan analyzes the file at a tree path, wherever it is (on disk or only in a patch). */
export function analyzedPath(config: Config, borrowed: readonly string[] = []): (file: string) => boolean {
  const filter = pathFilter(config, borrowed);
  return (file) => {
    const parts = file.split('/');
    for (let i = 1; i < parts.length; i++) if (!filter.enters(parts.slice(0, i).join('/'))) return false;
    return filter.includes(file);
  };
}
