// A whole-tree scan of a tree that has not changed since the last one gives the same answer.
// So a re-scan, once it has listed and stat'ed the tree, looks for the findings of a scan with
// the same settings made from the same tree state (every listed file's size and mtime, and those
// of the Kbuild and Kconfig files the configuration read: findings-cache.ts) and replays them,
// instead of reading the index and every summary, growing and analyzing again.
import { createHash } from 'node:crypto';
import type { Config } from '../config/types.js';
import type { Finding, Notification } from '../model.js';
import { FindingsCache, inputStats, treeState } from './findings-cache.js';
import type { FileStat } from './tree-index.js';
import { readRegularFile } from '../fs/read.js';

/** What a replayed scan says it did: the figures of the scan that made the entry. */
export interface ReusedStats {
  filesParsed: number;
  growthRounds: number;
  errorNodes: number;
  filesNotBuilt: number;
  deadSites: number;
}

export interface ScanKey {
  root: string;
  config: Config;
  /** The .config given, if any: its content is part of the key, not its name. */
  kconfig: string | undefined;
  configAware: boolean;
  /** The parser's settings and limits (what a summary or a notification depends on). */
  parser: object;
}

export class ScanReuse {
  private readonly cache: FindingsCache;
  private readonly tree: string;

  constructor(
    cacheDir: string,
    private readonly key: ScanKey,
    stats: ReadonlyMap<string, FileStat>,
  ) {
    const dotconfig =
      key.kconfig === undefined
        ? null
        : createHash('sha1')
            .update(readRegularFile(key.kconfig, { limitName: 'the .config limit' }))
            .digest('hex');
    this.cache = new FindingsCache(cacheDir, key.root, {
      scan: { config: key.config, dotconfig, configAware: key.configAware, parser: key.parser },
    });
    this.tree = treeState(stats);
  }

  /** The findings, notifications (beyond the listing's) and figures of the same scan of this tree state. */
  replay(): { findings: Finding[]; notifications: Notification[]; stats: ReusedStats } | undefined {
    const hit = this.cache.read(this.tree);
    if (!hit?.stats) return undefined;
    return { findings: hit.findings, notifications: hit.notifications, stats: hit.stats as unknown as ReusedStats };
  }

  /** Keeps a scan's answer; `inputs` are the tree's other files it read (Kbuild and Kconfig files). */
  keep(findings: Finding[], notifications: Notification[], stats: ReusedStats, inputs: Iterable<string>): void {
    this.cache.write(this.tree, inputStats(this.key.root, inputs), {
      findings,
      notifications,
      stats: { ...stats },
    });
  }
}
