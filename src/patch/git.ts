// --since REV: the working tree is the new side, REV's contents of the files `git diff REV`
// names are the old side. Untracked files that git does not ignore count as added.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fsErrorText, UsageError } from '../errors.js';
import { decodeSource } from '../parser/parse-file.js';
import type { Change, FileChange } from './apply.js';
import { readRegularFile } from '../fs/read.js';

// Kernel sources run to a few MB a file; git's output is read whole.
const MAX_OUTPUT = 1 << 30;

/**
 * A tree cloned from someone else brings its .git/config: nothing a read-only diff does not need
 * may run from it (an fsmonitor hook, an external diff, a textconv filter).
 */
const SAFE = ['-c', 'core.fsmonitor=false', '-c', 'diff.external=', '-c', 'core.untrackedCache=false'];

function git(root: string, args: string[], what: string): Buffer {
  const r = spawnSync('git', [...SAFE, ...args], { cwd: root, maxBuffer: MAX_OUTPUT });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'git is not installed (not found on PATH)' : fsErrorText(r.error);
    throw new UsageError(`${what}: cannot run git: ${reason}`);
  }
  if (r.status !== 0) {
    const reason = r.stderr.toString('utf8').trim().split('\n')[0] || `git exited with status ${r.status}`;
    throw new UsageError(`${what}: ${reason}`);
  }
  return r.stdout;
}

/**
 * The files that differ between REV and the working tree under `root`, on both sides; only
 * those `wanted` are read (git show is one process a file).
 */
export function changeSince(root: string, rev: string, wanted: (file: string) => boolean): Change {
  const what = `--since ${rev}`;
  if (rev.startsWith('-')) throw new UsageError(`${what}: a revision cannot start with '-'`);
  git(root, ['rev-parse', '--git-dir'], what);
  // Renames show as a deletion and an addition: each path then has one content per side.
  const status = git(
    root,
    ['diff', '--no-ext-diff', '--no-textconv', '--no-renames', '--name-status', '-z', '--relative', rev, '--'],
    what,
  ).toString('utf8');
  const fields = status.split('\0').filter(Boolean);
  const listed: Array<[kind: string, file: string]> = [];
  for (let i = 0; i + 1 < fields.length; i += 2) listed.push([fields[i]!, fields[i + 1]!]);
  // A new file not yet added is part of the working tree too; ignored ones are not.
  const untracked = git(root, ['ls-files', '--others', '--exclude-standard', '-z', '--', '.'], what).toString('utf8');
  for (const file of untracked.split('\0').filter(Boolean)) listed.push(['A', file]);
  const files: FileChange[] = [];
  for (const [kind, file] of listed) {
    if (!wanted(file)) continue;
    const old = kind.startsWith('A')
      ? null
      : decodeSource(git(root, ['show', '--no-textconv', `${rev}:./${file}`], what));
    let now: string | null = null;
    if (!kind.startsWith('D')) {
      try {
        now = decodeSource(readRegularFile(path.join(root, file), { limit: 0, inside: root }));
      } catch {
        now = null; // gone from the working tree since git listed it
      }
    }
    files.push({ path: file, old, new: now });
  }
  return { disk: 'new', files };
}
