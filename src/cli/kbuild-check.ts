// dmalint as Kbuild's source checker: `make C=1 CHECK=dmalint` (the files make compiles) or
// C=2 (every file). Kbuild runs `$(CHECK) $(CHECKFLAGS) $(c_flags) file.c` once per file, in the
// build directory: the source tree, or with O= the object tree, which holds the .config. Each
// call prints, as sparse does, the findings whose primary location or path lies in its file,
// and exits 0 so that the build goes on (CF=--dmalint-fail makes findings fail it).
//
// The findings come from an analysis of the whole tree with the build's .config and --arch=,
// done once per tree state: the calls of one build find it in the findings cache
// (src/cache/findings-cache.ts) and only list and stat the tree to know it is still the same.
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../rules/load-config.js';
import type { Config } from '../config/types.js';
import { FindingsCache, type TreeFindings, inputStats, treeState } from '../cache/findings-cache.js';
import { defaultCacheDir } from '../cache/summary-cache.js';
import { findRoot, listSourceFiles, toTreePath } from '../discover.js';
import { UsageError } from '../errors.js';
import { userErrorText } from './user-error.js';
import { usableCacheDir } from '../cache/usable-dir.js';
import { Configuration } from '../kconfig/configuration.js';
import type { Finding, Location } from '../model.js';
import { type ReportedFinding, counts } from '../output/reported.js';
import { renderText } from '../output/text.js';
import { ScanShare, scan } from '../scan.js';
import { applySuppressions } from '../suppress/apply.js';
import { parseKbuildCall } from './kbuild-args.js';
import { readRegularFile } from '../fs/read.js';

/** The build's .config as Kbuild finds it: $KCONFIG_CONFIG, else .config, in the build directory. */
export function buildDotConfig(cwd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = path.resolve(cwd, env.KCONFIG_CONFIG || '.config');
  return statSync(file, { throwIfNoEntry: false })?.isFile() ? file : undefined;
}

/** The whole tree's findings: from the findings cache when the tree is as it was, else analyzed (and kept). */
async function treeFindings(
  root: string,
  config: Config,
  dotconfig: string | undefined,
  cacheDir: string | false,
): Promise<TreeFindings> {
  const listing = listSourceFiles(root, config, cacheDir !== false);
  const analyze = async () => {
    const share = new ScanShare();
    share.listing = listing;
    share.configuration = Configuration.open(root, config, dotconfig, cacheDir);
    try {
      const r = await scan({ root, config, kconfig: dotconfig, cacheDir, share });
      return { result: { findings: r.findings, notifications: r.notifications }, inputs: share.configuration.inputs() };
    } finally {
      await share.close();
    }
  };
  if (cacheDir === false) return (await analyze()).result;
  const dotconfigHash = dotconfig
    ? createHash('sha1')
        .update(readRegularFile(dotconfig, { limitName: 'the .config limit' }))
        .digest('hex')
    : null;
  const cache = new FindingsCache(cacheDir, root, { config, dotconfig: dotconfigHash });
  const tree = treeState(listing.stats);
  return (
    cache.read(tree) ??
    (await cache.locked(async () => {
      // Another call of the same build may have analyzed the tree while this one waited.
      const made = cache.read(tree);
      if (made) return made;
      const { result, inputs } = await analyze();
      cache.write(tree, inputStats(root, inputs), result);
      return result;
    }))
  );
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
    const config = loadConfig(
      call.config && path.resolve(cwd, call.config),
      call.arch ? { arch: call.arch, archFrom: `--arch=${call.arch}` } : {},
    );
    const wanted = call.cacheDir === undefined ? defaultCacheDir() : call.cacheDir && path.resolve(cwd, call.cacheDir);
    // One that cannot serve costs a warning, never the build.
    const cacheDir = wanted && usableCacheDir(wanted, (line) => process.stderr.write(`dmalint: ${line}\n`));
    const { findings, notifications } = await treeFindings(root, config, buildDotConfig(cwd), cacheDir);

    const mine = findings.filter((f) => concerns(f, file));
    const { results } = applySuppressions(mine, config.suppressions, (f) => f);
    const name = (f: string) =>
      path.isAbsolute(call.source) ? path.join(root, f) : path.relative(cwd, path.join(root, f)) || f;
    const text = renderText(
      results.map((f) => renamed(f, name)),
      notifications.filter((n) => n.file === file).map((n) => ({ ...n, file: name(file) })),
    );
    // As sparse does: diagnostics on stderr, where make shows them beside its own.
    process.stderr.write(text);
    return call.fail && results.some(counts) ? 1 : 0;
  } catch (err) {
    const text = userErrorText(err);
    if (text !== undefined) {
      process.stderr.write(text);
      return 2;
    }
    throw err;
  }
}
