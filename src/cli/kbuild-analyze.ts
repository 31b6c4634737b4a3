// The first call of a build (kbuild-build.ts), or a call outside make: the whole tree's
// findings, analyzed with the build's .config and --arch= once per tree state (the calls of a
// build that is not recognised find them in the findings cache, src/cache/findings-cache.ts,
// after listing and stat'ing the tree to know it is still the same). Loaded only when needed:
// the analysis's modules cost a later call of a build more than its answer.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { loadConfig } from '../rules/load-config.js';
import { treeOptions } from '../config/tree-config.js';
import type { Config } from '../config/types.js';
import { FindingsCache, type TreeFindings, inputStats, treeState } from '../cache/findings-cache.js';
import { listSourceFiles } from '../discover.js';
import { usableCacheDir } from '../cache/usable-dir.js';
import { Configuration } from '../kconfig/configuration.js';
import { ScanShare, scan } from '../scan.js';
import { applySuppressions } from '../suppress/apply.js';
import { readRegularFile } from '../fs/read.js';
import type { KbuildCall } from './kbuild-args.js';
import type { BuildResult } from './kbuild-build.js';

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

/** The tree's findings with rules.yaml's suppressions applied, and its notifications. */
export async function analyzeTree(
  call: KbuildCall,
  cwd: string,
  root: string,
  dotconfig: string | undefined,
  cacheDir: string | false,
): Promise<BuildResult> {
  const config = loadConfig(
    call.config && path.resolve(cwd, call.config),
    call.arch ? { arch: call.arch, archFrom: `--arch=${call.arch}` } : {},
    treeOptions(root),
  );
  // One that cannot serve costs a warning, never the build.
  const usable = cacheDir && usableCacheDir(cacheDir, (line) => process.stderr.write(`dmalint: ${line}\n`));
  const { findings, notifications } = await treeFindings(root, config, dotconfig, usable);
  return { findings: applySuppressions(findings, config.suppressions, (f) => f).results, notifications };
}
