// dmalint as Kbuild's source checker: `make C=1 CHECK=dmalint` (the files make compiles) or
// C=2 (every file). Kbuild runs `$(CHECK) $(CHECKFLAGS) $(c_flags) file.c` once per file, in the
// build directory: the source tree, or with O= the object tree, which holds the .config. Each
// call prints, as sparse does, the findings whose primary location or path lies in its file,
// and exits 0 so that the build goes on (CF=--dmalint-fail makes findings fail it).
//
// The findings come from an analysis of the whole tree with the build's .config and --arch=,
// done once per build: a later call of the same build reads the first one's result
// (kbuild-build.ts) and loads nothing else; a call make's processes do not tell apart analyzes
// (kbuild-analyze.ts), or finds the result in the findings cache.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { defaultCacheDir } from '../cache/summary-cache.js';
import { findRoot, toTreePath } from '../fs/tree-root.js';
import { UsageError } from '../errors.js';
import type { Finding, Location } from '../model.js';
import { type ReportedFinding, counts } from '../output/reported.js';
import { renderText } from '../output/text.js';
import { parseKbuildCall } from './kbuild-args.js';
import { buildFile, currentBuild, keepBuild, readBuild } from './kbuild-build.js';

/** The build's .config as Kbuild finds it: $KCONFIG_CONFIG, else .config, in the build directory. */
export function buildDotConfig(cwd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = path.resolve(cwd, env.KCONFIG_CONFIG || '.config');
  return statSync(file, { throwIfNoEntry: false })?.isFile() ? file : undefined;
}

/** Whether the finding is about the file: its primary location or a step of its path is there. */
function concerns(f: Finding, file: string): boolean {
  return f.location.file === file || f.path.some((s) => s.file === file);
}

/** Tree paths named as the build names files: relative to its directory, or absolute as an O= build gives them. */
function renamed(f: ReportedFinding, name: (file: string) => string): ReportedFinding {
  const at = <L extends Location>(l: L): L => ({ ...l, file: name(l.file) });
  return { ...f, location: at(f.location), path: f.path.map(at), related: f.related.map(at) };
}

export async function kbuildCheck(args: readonly string[], cwd = process.cwd()): Promise<number> {
  try {
    const call = parseKbuildCall(args);
    const source = path.resolve(cwd, call.source);
    if (!existsSync(source)) throw new UsageError(`${call.source}: no such file`);
    const root = findRoot(source)?.root;
    if (!root)
      throw new UsageError(`${call.source}: cannot find the kernel tree root above it (no MAINTAINERS or Kbuild)`);
    const file = toTreePath(root, source);
    const cacheDir =
      call.cacheDir === undefined ? defaultCacheDir() : call.cacheDir && path.resolve(cwd, call.cacheDir);
    const dotconfig = buildDotConfig(cwd);
    const build = cacheDir ? currentBuild([root, cwd]) : undefined;
    const kept =
      cacheDir && build
        ? buildFile(cacheDir, {
            build,
            cwd,
            root,
            ...(call.arch ? { arch: call.arch } : {}),
            ...(call.config ? { config: path.resolve(cwd, call.config) } : {}),
            ...(dotconfig ? { dotconfig } : {}),
          })
        : undefined;
    let result = kept && readBuild(kept);
    if (!result) {
      const { analyzeTree } = await import('./kbuild-analyze.js');
      result = await analyzeTree(call, cwd, root, dotconfig, cacheDir);
      if (kept) keepBuild(kept, result);
    }
    const { findings, notifications } = result;
    const mine = findings.filter((f) => concerns(f, file));
    const name = (f: string) =>
      path.isAbsolute(call.source) ? path.join(root, f) : path.relative(cwd, path.join(root, f)) || f;
    const text = renderText(
      mine.map((f) => renamed(f, name)),
      notifications.filter((n) => n.file === file).map((n) => ({ ...n, file: name(file) })),
    );
    // As sparse does: diagnostics on stderr, where make shows them beside its own.
    process.stderr.write(text);
    return call.fail && mine.some(counts) ? 1 : 0;
  } catch (err) {
    const { userErrorText } = await import('./user-error.js');
    const text = userErrorText(err);
    if (text !== undefined) {
      process.stderr.write(text);
      return 2;
    }
    throw err;
  }
}
