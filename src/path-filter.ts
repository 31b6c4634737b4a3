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

export function pathFilter(config: Config): PathFilter {
  const include = picomatch(config.paths.include, { dot: false });
  const exclude = picomatch(config.paths.exclude.length ? config.paths.exclude : ['\0'], { dot: false });
  const archDir = config.paths.archDir ?? 'arch';
  const hidden = (p: string) => p.slice(p.lastIndexOf('/') + 1).startsWith('.');
  return {
    enters: (dir) => {
      if (hidden(dir)) return false;
      // Other architectures' trees (rules.yaml paths.archDir): their code is never built for this one.
      const slash = dir.lastIndexOf('/');
      if (slash > 0 && dir.slice(0, slash) === archDir && dir.slice(slash + 1) !== config.arch) return false;
      return !exclude(dir);
    },
    includes: (file) => !hidden(file) && include(file) && !exclude(file),
  };
}

/** Whether the scan analyzes the file at a tree path, wherever it is (on disk or only in a patch). */
export function analyzedPath(config: Config): (file: string) => boolean {
  const filter = pathFilter(config);
  return (file) => {
    const parts = file.split('/');
    for (let i = 1; i < parts.length; i++) if (!filter.enters(parts.slice(0, i).join('/'))) return false;
    return filter.includes(file);
  };
}
