// Which files make up the tree: its root, and the C files the configuration includes.
import {
  type Dirent,
  type Stats,
  accessSync,
  constants,
  existsSync,
  readdirSync,
  realpathSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import type { Config } from './config/types.js';
import type { Notification } from './model.js';
import type { FileStat } from './cache/tree-index.js';
import { pathFilter } from './path-filter.js';
import { crossArchDirs } from './arch-dirs.js';

export { findRoot, looksLikeKernelTree, toTreePath } from './fs/tree-root.js';

export interface Listing {
  files: string[];
  /** Size and mtime of each file, when asked for. */
  stats: Map<string, FileStat>;
  /** Problems met while listing (unreadable directories), reported without stopping. */
  notifications: Notification[];
}

// Whether the mode bits let this process read a file: a stat the listing makes anyway, where an
// access() per file would cost a system call each. Root reads everything.
const euid = process.geteuid?.();
const groups = new Set([process.getegid?.(), ...(process.getgroups?.() ?? [])]);
function modeAllowsRead(st: Stats): boolean {
  if (euid === undefined || euid === 0) return true;
  if (st.uid === euid) return (st.mode & 0o400) !== 0;
  if (groups.has(st.gid)) return (st.mode & 0o040) !== 0;
  return (st.mode & 0o004) !== 0;
}

function readable(file: string, st: Stats): boolean {
  if (modeAllowsRead(st)) return true;
  try {
    accessSync(file, constants.R_OK); // an ACL may still grant it
    return true;
  } catch {
    return false;
  }
}

/**
 * Files to analyze, relative to the root, '/'-separated and sorted. A plain directory walk with
 * picomatch filters: excluded directories are pruned, symbolic links are not followed (a link
 * loop cannot hang the scan, and a file linked from elsewhere in the tree is analyzed where it
 * lives), and other architectures' arch/ trees are left out. What cannot be analyzed is said
 * in a notification: a directory that cannot be listed or a file that cannot be read (errors,
 * whatever the file holds), and a link with a C file's name that leads nowhere or out of the tree.
 */
export function listSourceFiles(root: string, config: Config, withStats = false): Listing {
  const filter = pathFilter(config, crossArchDirs(root, config));
  const files: string[] = [];
  const stats = new Map<string, FileStat>();
  const notifications: Notification[] = [];
  let realRoot: string | undefined;
  const link = (full: string, rel: string) => {
    let target: string;
    try {
      target = realpathSync(full);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      notifications.push({
        level: 'warning',
        file: rel,
        message: `symbolic link that leads nowhere (${code}); not analyzed`,
      });
      return;
    }
    realRoot ??= realpathSync(root);
    const inTree = path.relative(realRoot, target);
    if (inTree.startsWith('..') || path.isAbsolute(inTree)) {
      notifications.push({
        level: 'warning',
        file: rel,
        message: `symbolic link to ${target}, outside the tree; not analyzed`,
      });
    }
  };
  const walk = (dir: string, rel: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      notifications.push({
        level: 'error',
        file: rel || '.',
        message: `cannot list directory (${code}); its files are not analyzed`,
      });
      return;
    }
    for (const entry of entries) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      const full = `${dir}/${entry.name}`;
      // A name that is not UTF-8 comes back with U+FFFD in it, a path that names nothing on disk.
      if (entry.name.includes('\ufffd') && (entry.isDirectory() || filter.includes(childRel)) && !existsSync(full)) {
        const dirOrFile = entry.isDirectory() ? 'directory name' : 'file name';
        const consequence = entry.isDirectory() ? 'its files are not analyzed' : 'not analyzed';
        notifications.push({ level: 'error', file: childRel, message: `${dirOrFile} is not UTF-8; ${consequence}` });
        continue;
      }
      if (entry.isDirectory()) {
        if (filter.enters(childRel)) walk(full, childRel);
      } else if (!filter.includes(childRel)) {
        continue;
      } else if (entry.isFile()) {
        let st: Stats | undefined;
        try {
          st = statSync(full, { throwIfNoEntry: false });
        } catch (err) {
          // A directory that may be listed but not searched (no x bit) lets nothing in it be read.
          notifications.push({
            level: 'error',
            file: childRel,
            message: `cannot read file (${(err as NodeJS.ErrnoException).code ?? 'error'}); not analyzed`,
          });
          continue;
        }
        if (!st) continue; // removed since it was listed
        if (!readable(full, st)) {
          notifications.push({ level: 'error', file: childRel, message: 'cannot read file (EACCES); not analyzed' });
          continue;
        }
        files.push(childRel);
        if (withStats) stats.set(childRel, [st.size, st.mtimeMs]);
      } else if (entry.isSymbolicLink()) {
        link(full, childRel);
      }
      // FIFOs, sockets and devices with a C file's name are never opened: a read could block.
    }
  };
  walk(root, '');
  return { files: files.sort(), stats, notifications };
}

/**
 * The tree path of the directory the command runs in, when it lies inside the tree below its
 * root (`arch/arm/mm`): the text report prints paths from there, as a compiler does.
 */
export function workingDirInTree(root: string): string | undefined {
  let real: string;
  try {
    real = realpathSync(root);
  } catch {
    return undefined;
  }
  const rel = path.relative(real, process.cwd());
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}
