// The calls of one build answered from its first call's result. make does not change the tree
// while it compiles it (it only adds objects), yet each call of `make C=1/C=2 CHECK=dmalint`
// is a process of its own, which listed and stat'ed the tree's ~45,000 files to find its
// findings in the cache (0.55-0.85 s a call). A build is the run of the outermost make above
// the call that works in the tree or the build directory: its process id and start time (from
// /proc), which every call of that run shares and no other process can have (with the boot's
// id). The first call of a build keeps the tree's findings, with
// rules.yaml's suppressions applied, under a key made of the build, the build directory, the
// tree, the arch, the rules configuration and the .config (their names, sizes and mtimes) and
// dmalint's own code; a later call with the same key reads them, without listing the tree or
// loading the analysis. A tree changed while make runs is seen by the next build. Without
// /proc, or outside make, every call is a first call.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Location, Notification } from '../model.js';
import type { ReportedFinding } from '../output/reported.js';
import { writeCacheFile } from '../cache/write-cache-file.js';
import { readRegularText } from '../fs/read.js';
import { treeConfigPath } from '../config/tree-config.js';

/** What a build's first call keeps: the whole tree's findings, suppressions applied. */
export interface BuildResult {
  findings: ReportedFinding[];
  notifications: Notification[];
}

interface BuildFile extends BuildResult {
  version: 1;
}

const VERSION = 1;
/** A chain of processes deeper than this is no build's (and /proc loops are not followed forever). */
const MAX_DEPTH = 64;
/** A kept result larger than this is no build's: read as absent. */
const READ_LIMIT = 64 * 1024 * 1024;

/** A process's name, parent and start time (clock ticks since boot), from /proc/PID/stat. */
function processStat(pid: number): { name: string; parent: number; start: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name is in parentheses and may itself hold spaces and parentheses.
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    return { name: stat.slice(stat.indexOf('(') + 1, close), parent: Number(fields[1]), start: fields[19]! };
  } catch {
    return undefined;
  }
}

/**
 * The outermost make above this process working in one of `dirs` (the tree's root, the build
 * directory), as `pid-starttime`; none outside make or without /proc. A make elsewhere (a test
 * harness's, a script's that runs two builds) is not the build's: Kbuild's own makes all work
 * in the source or the object tree.
 */
export function currentBuild(dirs: readonly string[]): string | undefined {
  const wanted = new Set(dirs.map((d) => realpathOr(d)));
  let build: string | undefined;
  let pid = process.ppid;
  for (let depth = 0; pid > 1 && depth < MAX_DEPTH; depth++) {
    const stat = processStat(pid);
    if (!stat) break;
    if ((stat.name === 'make' || stat.name === 'gmake') && wanted.has(realpathOr(`/proc/${pid}/cwd`)))
      build = `${pid}-${stat.start}`;
    pid = stat.parent;
  }
  return build;
}

function realpathOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8');
  } catch {
    return '';
  }
}

function alive(build: string): boolean {
  const [pid, start] = build.split('-');
  return processStat(Number(pid))?.start === start;
}

/** A file as the key holds it: its path, size and mtime, so that an edit makes another key. */
function fileState(file: string | undefined): string {
  if (!file) return '';
  const st = statSync(file, { throwIfNoEntry: false });
  return st ? `${file}\0${st.size}\0${st.mtimeMs}` : `${file}\0absent`;
}

export interface BuildInputs {
  build: string;
  /** The build directory (the object tree with O=). */
  cwd: string;
  root: string;
  arch?: string;
  /** The rules configuration given through CF=, resolved. */
  config?: string;
  dotconfig?: string;
}

/** The file under `cacheDir` that holds the result for these inputs (named by the build, to prune). */
export function buildFile(cacheDir: string, inputs: BuildInputs): string {
  const hash = createHash('sha1');
  for (const part of [
    // A process id and start time recur after a reboot; the boot's id does not.
    bootId(),
    inputs.cwd,
    inputs.root,
    inputs.arch ?? '',
    fileState(inputs.config),
    // The tree's own configuration (.dmalint.yaml): an edit of it is another configuration.
    fileState(treeConfigPath(inputs.root)),
    fileState(inputs.dotconfig),
    // dmalint itself: reinstalled during the build, it is another checker.
    fileState(fileURLToPath(import.meta.url)),
  ])
    hash.update(part).update('\0');
  return path.join(cacheDir, 'builds', `${inputs.build}-${hash.digest('hex')}.json`);
}

/** The result kept by an earlier call of the same build, if any (anything unreadable: none). */
export function readBuild(file: string): BuildResult | undefined {
  try {
    const data = JSON.parse(readRegularText(file, { limit: READ_LIMIT })) as Partial<BuildFile>;
    if (data.version !== VERSION || !Array.isArray(data.findings) || !Array.isArray(data.notifications))
      return undefined;
    // What a call reads of each before it prints: anything else is a result no build kept.
    const located = (l: unknown) => typeof (l as Partial<Location> | null)?.file === 'string';
    const finding = (f: Partial<ReportedFinding> | null) =>
      located(f?.location) && [f?.path, f?.related].every((ls) => Array.isArray(ls) && ls.every(located));
    if (!data.findings.every(finding) || !data.notifications.every((n) => typeof n?.message === 'string'))
      return undefined;
    return { findings: data.findings, notifications: data.notifications };
  } catch {
    return undefined;
  }
}

/** Keeps a build's result, and removes those of builds that have ended. */
export function keepBuild(file: string, result: BuildResult): void {
  const dir = path.dirname(file);
  try {
    for (const name of readdirSync(dir)) {
      const build = /^(\d+-\d+)-[0-9a-f]+\.json$/.exec(name)?.[1];
      if (build && !alive(build)) rmSync(path.join(dir, name), { force: true });
    }
  } catch {
    // no directory yet, or one that cannot be read: nothing to prune
  }
  writeCacheFile(file, { version: VERSION, ...result } satisfies BuildFile);
}
