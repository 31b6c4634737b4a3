// Many configurations in one run (`--kconfig A --kconfig B`, a directory of .config files): a
// bot checks every defconfig of an architecture, or a batch of randconfigs. The tree is listed,
// searched and parsed once (ScanShare: the listing, the index, the summaries and the threads);
// each configuration then only decides which files are built and which branches are live, and
// the rules run on what it keeps. A finding is reported once, naming the configurations it
// occurs in.
import type { Finding, Notification } from './model.js';
import { fingerprint } from './output/fingerprint.js';
import { compareFindings } from './order.js';
import { type ScanOptions, type ScanResult, ScanShare, scan } from './scan.js';
import { Configuration } from './kconfig/configuration.js';
import { type DotConfig, mergeDotConfigs, readDotConfig } from './kconfig/dotconfig.js';

export interface ConfiguredFinding extends Finding {
  /** The configurations (.config files, as given) in which the finding occurs. */
  configurations: string[];
}

export interface ConfigurationsResult {
  findings: ConfiguredFinding[];
  notifications: Notification[];
  /** One scan per configuration, in the order given. */
  scans: ScanResult[];
}

/**
 * The same problem in two configurations: same rule, kind, function and site, at the same
 * place. Its explanation (the path to it) may differ between them; the first one's is kept.
 */
function identity(f: Finding): string {
  return `${fingerprint(f)}\0${f.location.line}:${f.location.col}`;
}

function notificationKey(n: Notification): string {
  return `${n.level}\0${n.file ?? ''}\0${n.line ?? ''}\0${n.message}`;
}

export async function scanConfigurations(
  options: Omit<ScanOptions, 'kconfig' | 'share'>,
  dotconfigs: readonly string[],
): Promise<ConfigurationsResult> {
  const share = new ScanShare();
  const byIdentity = new Map<string, ConfiguredFinding>();
  const notifications = new Map<string, Notification>();
  const scans: ScanResult[] = [];
  const cacheDir = options.cacheDir;
  const { config } = options;
  // Each .config is read once, for its own scan and for the merge.
  const read = dotconfigs.map(readDotConfig);
  const configuration = (dotconfig: DotConfig) =>
    new Configuration(options.root, config.arch, config.parser.configTests, dotconfig, cacheDir ?? false);
  // Before the first configuration that is not replayed grows, the merge of them all grows
  // (what they all set alike is known, what they disagree on unknown, so it builds whatever any
  // of them builds): its searches and parses are shared, so that each configuration finds its
  // words searched and its files parsed rather than starting a ripgrep pass of its own.
  let merged: Promise<void> | undefined;
  const growMerged = async () => {
    const own = share.configuration;
    share.configuration = configuration(mergeDotConfigs(read));
    const all = await scan({ ...options, share, reuse: false, growOnly: true });
    for (const n of all.notifications) notifications.set(notificationKey(n), n);
    share.configuration = own;
  };
  const beforeGrowth = dotconfigs.length > 1 ? () => (merged ??= growMerged()) : undefined;
  try {
    for (const [i, dotconfig] of dotconfigs.entries()) {
      // A configuration of its own; everything else in the share serves every configuration.
      share.configuration = configuration(read[i]!);
      const r = await scan({ ...options, kconfig: dotconfig, share, ...(beforeGrowth ? { beforeGrowth } : {}) });
      scans.push(r);
      for (const f of r.findings) {
        const key = identity(f);
        const seen = byIdentity.get(key);
        if (seen) seen.configurations.push(dotconfig);
        else byIdentity.set(key, { ...f, configurations: [dotconfig] });
      }
      for (const n of r.notifications) notifications.set(notificationKey(n), n);
    }
  } finally {
    await share.close();
  }
  return {
    findings: [...byIdentity.values()].sort(compareFindings),
    notifications: [...notifications.values()],
    scans,
  };
}
