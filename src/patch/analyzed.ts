// Whether a tree path is one the scan analyzes, for files a patch creates (they are not on
// disk for discover.ts to list). The same rules as listSourceFiles: include and exclude
// globs, excluded directories pruned, dot-directories and other architectures left out.
import picomatch from 'picomatch';
import type { Config } from '../config/types.js';

export function analyzedPath(config: Config): (file: string) => boolean {
  const include = picomatch(config.paths.include, { dot: false });
  const exclude = picomatch(config.paths.exclude.length ? config.paths.exclude : ['\0'], { dot: false });
  return (file) => {
    const parts = file.split('/');
    if (parts.some((p) => p.startsWith('.'))) return false;
    if (parts[0] === 'arch' && parts.length > 2 && parts[1] !== config.arch) return false;
    for (let i = 1; i < parts.length; i++) if (exclude(parts.slice(0, i).join('/'))) return false;
    return include(file) && !exclude(file);
  };
}
