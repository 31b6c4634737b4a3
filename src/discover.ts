// Which files make up the tree: its root, and the C files the configuration includes.
import { type Dirent, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import type { Config } from './config/types.js';
import type { Notification } from './model.js';
import type { FileStat } from './cache/tree-index.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** The kernel tree holding `start`: the nearest directory upwards with MAINTAINERS, else the outermost one with Kbuild. */
export function findRoot(start: string): string | undefined {
  let dir = path.resolve(start);
  if (existsSync(dir) && !statSync(dir).isDirectory()) dir = path.dirname(dir);
  let kbuild: string | undefined;
  for (;;) {
    if (existsSync(path.join(dir, 'MAINTAINERS'))) return dir;
    if (existsSync(path.join(dir, 'Kbuild'))) kbuild = dir;
    else if (kbuild) return kbuild;
    const parent = path.dirname(dir);
    if (parent === dir) return kbuild;
    dir = parent;
  }
}

export interface Listing {
  files: string[];
  /** Size and mtime of each file, when asked for. */
  stats: Map<string, FileStat>;
  /** Problems met while listing (unreadable directories), reported without stopping. */
  notifications: Notification[];
}

/**
 * Files to analyze, relative to the root, '/'-separated and sorted. A plain directory walk with
 * picomatch filters: excluded directories are pruned, symbolic links are not followed (a link
 * loop cannot hang the scan), and other architectures' arch/ trees are left out.
 */
export function listSourceFiles(root: string, config: Config, withStats = false): Listing {
  const include = picomatch(config.paths.include, { dot: false });
  const exclude = picomatch(config.paths.exclude.length ? config.paths.exclude : ['\0'], { dot: false });
  const files: string[] = [];
  const stats = new Map<string, FileStat>();
  const notifications: Notification[] = [];
  const walk = (dir: string, rel: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      notifications.push({ level: 'error', file: rel || '.', message: `cannot list directory (${code}); its files are not analyzed` });
      return;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (rel === 'arch' && entry.name !== config.arch) continue;
        if (exclude(childRel)) continue;
        walk(`${dir}/${entry.name}`, childRel);
      } else if (entry.isFile() && include(childRel) && !exclude(childRel)) {
        files.push(childRel);
        if (withStats) {
          const st = statSync(`${dir}/${entry.name}`, { throwIfNoEntry: false });
          if (st) stats.set(childRel, [st.size, st.mtimeMs]);
        }
      }
    }
  };
  walk(root, '');
  return { files: files.sort(), stats, notifications };
}

export function toTreePath(root: string, p: string): string {
  const rel = path.relative(root, path.resolve(p));
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new UsageError(`${p} is outside the tree root ${root}`);
  return rel.split(path.sep).join('/');
}
