// The pipeline: files → summaries → call graph → rules → findings.
import { defaultCacheDir } from './cache/summary-cache.js';
import { cacheSalt } from './cache/salt.js';
import { CallGraph } from './callgraph/graph.js';
import { textMentions } from './search/mentions.js';
import { graphOptions } from './callgraph/graph-options.js';
import { growthWords } from './scan/growth.js';
import type { Config } from './config/types.js';
import { type Listing, listSourceFiles } from './discover.js';
import type { Finding, Notification } from './model.js';
import {
  DEFAULT_MAX_FILE_SIZE,
  DEFAULT_PARSE_TIMEOUT_MS,
  type FileOutcome,
  type ParseLimits,
  type ParseOptions,
  parserSettings,
  summarizeText,
} from './parser/parse-file.js';
import { findRipgrep } from './search/ripgrep.js';
import { Prefilter, type Scope } from './scan/prefilter.js';
import { TreeIndex } from './cache/tree-index.js';
import { ScanReuse } from './cache/scan-reuse.js';
import { Workers } from './session/workers.js';
import type { FileSummary } from './parser/summary.js';
import { neededByRules, runRules } from './rules/index.js';
import { Configuration } from './kconfig/configuration.js';
import { withConditionNotes } from './kconfig/findings.js';
import { compareFindings } from './order.js';

export { compareFindings };

export interface ScanOptions {
  root: string;
  config: Config;
  /** Report only findings whose primary location is under these tree paths ('' = everything). */
  reportPaths?: string[];
  /** Worker threads; 0 runs everything on the main thread. Default: one per core. */
  workers?: number;
  /** Summary cache directory; false disables the cache. Default: ~/.cache/dmalint. */
  cacheDir?: string | false;
  /** Parse every listed file instead of the prefiltered set (for checking the prefilter). */
  parseAll?: boolean;
  /**
   * File contents that replace the tree's (tree path → text; null: the file is deleted), so
   * that a patched or unpatched tree can be analyzed without writing to it.
   */
  overlay?: ReadonlyMap<string, string | null>;
  /** Use ripgrep for the text prefilter when it is installed (default); false: Node only. */
  ripgrep?: boolean;
  /**
   * A kernel .config: only the .c files it compiles and the branches it keeps are analyzed.
   * Without one, the architecture (config.arch) decides what it can (see src/kconfig/).
   */
  kconfig?: string;
  /** false: analyze every file and branch, as if no configuration were known. */
  configAware?: boolean;
  /** What one file may cost; files beyond it are reported, not analyzed. Default: 4 MiB, 10 s. */
  limits?: ParseLimits;
  /** Return the file summaries too (for the benchmark's parse-recovery figures). */
  keepSummaries?: boolean;
  onProgress?: (stage: string, done: number, total: number) => void;
  /** Work shared with other scans of the same tree and settings (the two sides of a patch). */
  share?: ScanShare;
  /**
   * Replay the findings of the last scan with these settings when the tree has not changed
   * since (cache/scan-reuse.ts), and keep this scan's for the next. Only a whole-tree scan
   * without overlay, with a cache directory, whose summaries are not asked for, does.
   */
  reuse?: boolean;
  /**
   * Parse and search as the scan would, into `share`, without running the rules (no findings):
   * for scans that follow with the same share (scan-configurations.ts).
   */
  growOnly?: boolean;
  /**
   * Called when the scan is not replayed and will search and parse, before it takes the share's
   * index: a run of many configurations grows for their merge there (scan-configurations.ts).
   */
  beforeGrowth?: () => Promise<void>;
}

/**
 * What the scans of the two sides of a patch have in common, done once: the listing of the
 * tree, the index with what the searches so far found, the configuration's reading of Kconfig and Makefiles, the
 * threads, and the summaries
 * of the files on disk. Closed by whoever made it.
 */
export class ScanShare {
  listing?: Listing;
  /** Shared only from a scan without overlay (see scan()). */
  index?: TreeIndex;
  /** Files new or changed since the index was saved. */
  changed?: string[];
  configuration?: Configuration;
  workers?: Workers;
  /**
   * Summaries of files on disk read or parsed by an earlier scan, by file: the tree is read
   * once per run, so a file outside the overlays is the same for every side (also without a
   * cache, where nothing else would spare the second parse).
   */
  readonly summaries = new Map<string, FileSummary>();
  /**
   * Summaries of overlaid texts by file, each with the text it was made from: a later scan
   * whose overlay holds the same text reuses it (a language server's open buffers, of which an
   * edit changes one), and a caller may put one here that it made elsewhere.
   */
  readonly overlaySummaries = new Map<string, OverlaySummary>();
  /** Parses an overlaid text; default: on the scan's thread (a language server parses elsewhere: src/lsp/). */
  summarizeOverlay?: (text: string, file: string, options: ParseOptions) => Promise<FileOutcome>;

  async close(): Promise<void> {
    await this.workers?.close();
  }
}

export interface OverlaySummary {
  text: string;
  summary?: FileSummary;
  notification?: Notification;
}

export interface ScanStats {
  filesListed: number;
  filesParsed: number;
  filesCached: number;
  growthRounds: number;
  errorNodes: number;
  /** Milliseconds spent per stage (wall clock). */
  timings: { list: number; search: number; parse: number; analyze: number };
  /** How the text prefilter ran. */
  searchedWith: 'ripgrep' | 'node';
  /** Candidate .c files the configuration does not compile, and sites in its dead branches. */
  filesNotBuilt: number;
  deadSites: number;
  /** The findings were replayed from an unchanged tree's last scan; the figures above are that scan's. */
  reused: boolean;
}

export interface ScanResult extends ScanStats {
  findings: Finding[];
  notifications: Notification[];
  summaries?: FileSummary[];
}

function underAny(file: string, prefixes: readonly string[]): boolean {
  return prefixes.some((p) => p === '' || p === '.' || file === p || file.startsWith(p.endsWith('/') ? p : `${p}/`));
}

/** The findings, and what the rules could not check (notifications). */
export function analyze(
  summaries: readonly FileSummary[],
  config: Config,
): { findings: Finding[]; notifications: Notification[] } {
  const graph = new CallGraph(summaries, graphOptions(config));
  const { findings, notifications } = runRules(graph, config, withConditionNotes);
  return { findings: findings.sort(compareFindings), notifications };
}

function summarizeLocally(text: string, file: string, options: ParseOptions): Promise<FileOutcome> {
  return Promise.resolve(summarizeText(text, file, options));
}

/** The listed files with the overlay's deletions left out and its new files added, sorted. */
function withOverlay(listed: readonly string[], overlay: ReadonlyMap<string, string | null>): readonly string[] {
  // Not copied: the scans of a share keep the listing's own array (and the prefilter's set of it).
  if (overlay.size === 0) return listed;
  const present = new Set(listed);
  const added = [...overlay].filter(([f, t]) => t !== null && !present.has(f)).map(([f]) => f);
  const kept = listed.filter((f) => overlay.get(f) !== null);
  // A kernel tree lists ~45,000 files: sort only when the overlay adds some.
  return added.length ? [...kept, ...added].sort() : kept;
}

export async function scan(options: ScanOptions): Promise<ScanResult> {
  const { root, config } = options;
  const progress = options.onProgress ?? (() => {});
  const timings = { list: 0, search: 0, parse: 0, analyze: 0 };
  const timed = async <T>(stage: keyof typeof timings, work: () => Promise<T> | T): Promise<T> => {
    const start = performance.now();
    try {
      return await work();
    } finally {
      timings[stage] += performance.now() - start;
    }
  };
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  const share = options.share;
  const listing = share?.listing ?? (await timed('list', () => listSourceFiles(root, config, cacheDir !== false)));
  if (share) share.listing = listing;
  const overlay = options.overlay ?? new Map<string, string | null>();
  const files = withOverlay(listing.files, overlay);
  progress('listed', files.length, files.length);
  const configuration =
    options.configAware === false
      ? undefined
      : (share?.configuration?.fresh() ?? Configuration.open(root, config, options.kconfig, cacheDir));
  if (share) share.configuration = configuration;
  const reportable = (findings: Finding[]) =>
    options.reportPaths?.length ? findings.filter((f) => underAny(f.location.file, options.reportPaths!)) : findings;
  const maxFileSize = options.limits?.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const parseTimeoutMs = options.limits?.parseTimeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS;
  const base = {
    ...parserSettings(config.parser),
    maxFileSize,
    parseTimeoutMs,
  };
  const salt = cacheSalt(base);
  const reuse =
    options.reuse && cacheDir && overlay.size === 0 && !options.parseAll && !options.keepSummaries && !options.growOnly
      ? new ScanReuse(
          cacheDir,
          { root, config, kconfig: options.kconfig, configAware: options.configAware !== false, parser: base },
          listing.stats,
        )
      : undefined;
  const replayed = reuse?.replay();
  if (replayed) {
    return {
      ...replayed.stats,
      findings: reportable(replayed.findings),
      notifications: [...listing.notifications, ...replayed.notifications],
      filesListed: files.length,
      filesCached: replayed.stats.filesParsed,
      timings,
      searchedWith: 'node',
      reused: true,
    };
  }
  await options.beforeGrowth?.();
  const parseOptions: ParseOptions = cacheDir ? { ...base, cache: { dir: cacheDir, salt } } : base;
  // The index of a scan without overlay, which searched every file as it is on disk, serves a
  // later side too; one with an overlay did not search the overlaid files' disk contents.
  const index = share?.index ?? TreeIndex.open(cacheDir, root, salt);
  const changed = share?.changed ?? index.refresh(listing.stats);
  if (share && overlay.size === 0) Object.assign(share, { index, changed });
  const workers = share?.workers ?? new Workers(options.workers);
  if (share) share.workers = workers;
  const rg = options.ripgrep === false ? undefined : findRipgrep();
  const prefilter = new Prefilter(root, files, changed, index, workers, rg, overlay);
  const needs = neededByRules(config);
  // A tree scanned for the first time parses its candidates: start the threads meanwhile.
  if (options.parseAll || needs.seeds.some((w) => !index.knows(w))) workers.prestart(parseOptions);
  const summaries: FileSummary[] = [];
  const notifications: Notification[] = [...listing.notifications];
  let cached = 0;
  let rounds = 0;
  const search = (words: string[], skip?: ReadonlySet<string>, scope?: Scope) =>
    timed('search', () => prefilter.mentioning(words, skip, scope));
  try {
    const parsed = new Set<string>();
    const parse = (batch: readonly string[]) =>
      timed('parse', async () => {
        for (const f of batch) parsed.add(f);
        if (configuration) batch = batch.filter((f) => configuration.built(f));
        const live = (s: FileSummary) => (configuration ? configuration.live(s) : s);
        const earlier = (f: string) => (overlay.has(f) ? undefined : share?.summaries.get(f));
        for (const f of batch) if (earlier(f)) summaries.push(live(earlier(f)!));
        const onDisk = batch.filter((f) => !overlay.has(f) && !earlier(f));
        const r = await workers.parse(
          root,
          onDisk,
          parseOptions,
          (f) => index.contentKey(f),
          (d, t) => progress('parsed', d, t),
        );
        for (const [f, key] of r.keys) index.setContentKey(f, key);
        for (const s of r.summaries) share?.summaries.set(s.file, s);
        summaries.push(...r.summaries.map(live));
        notifications.push(...r.notifications);
        cached += r.cached;
        for (const f of batch.filter((f) => overlay.has(f))) {
          const text = overlay.get(f)!;
          const earlierText = share?.overlaySummaries.get(f);
          const made: OverlaySummary =
            earlierText?.text === text
              ? earlierText
              : { text, ...(await (share?.summarizeOverlay ?? summarizeLocally)(text, f, base)) };
          share?.overlaySummaries.set(f, made);
          const { summary, notification } = made;
          if (summary) summaries.push(live(summary));
          if (notification) notifications.push(notification);
        }
      });
    if (options.parseAll) {
      await parse(files);
    } else {
      // One tree-wide search for the seed words; later lists are answered from the index for
      // these (a ripgrep pass over a kernel tree costs half a second).
      const firstSearch = search(needs.seeds);
      // ripgrep is a process of its own: read the Kconfig files meanwhile (0.5-1 s uncached).
      if (configuration) await timed('parse', () => configuration.prepare());
      await firstSearch;
      await parse(await search(needs.seeds));
      // Grown until a round finds nothing new (growth.ts: the words are finite, each searched once).
      const searched = new Set<string>();
      const probed = new Set<string>();
      const holderTypes = new Set<string>();
      const holderMembers = new Set<string>();
      const headers: Scope = { name: 'interfaces', covers: graphOptions(config).interfaceHeader };
      const isHeader = (f: string) => f.endsWith('.h');
      // Member names are common words (`destroy`): looked for in the files naming a type only.
      const mentioning = async (candidates: string[], names: string[]) => {
        const found = await workers.wordsIn(
          root,
          candidates.filter((f) => !overlay.has(f)),
          names,
        );
        return candidates.filter((f) =>
          overlay.has(f) ? textMentions(overlay.get(f) ?? '', names) : (found.get(f)?.length ?? 0) > 0,
        );
      };
      for (;;) {
        const { words, probes, holders } = growthWords(summaries, config, needs, searched, probed);
        const types = holders.types.filter((t) => !holderTypes.has(t));
        const members = holders.members.filter((m) => !holderMembers.has(m));
        if (!words.length && !probes.length && !types.length && !members.length) break;
        rounds++;
        for (const w of words) searched.add(w);
        for (const p of probes) probed.add(p);
        // Each pass over the tree costs about as much whatever it looks for: one pass for the
        // round's words and new types, and the interface headers for the probes meanwhile. The
        // searches below are then answered from the index.
        await timed('search', () =>
          Promise.all([prefilter.mentioning([...words, ...types]), prefilter.mentioning(probes, undefined, headers)]),
        );
        const more: string[] = [];
        if (words.length) more.push(...(await search(words, parsed)));
        if (probes.length) more.push(...(await search(probes, parsed, headers)));
        // A file naming a type that holds a table and one of the members bound there (growth.ts),
        // and the headers naming such a type, for their struct definitions: the types searched
        // before with the new members, then the new types with every member.
        if (members.length && holderTypes.size)
          more.push(...(await mentioning(await search([...holderTypes], parsed), members)));
        for (const m of members) holderMembers.add(m);
        if (types.length) {
          const naming = await search(types, parsed);
          more.push(...naming.filter(isHeader), ...(await mentioning(naming, [...holderMembers])));
        }
        for (const t of types) holderTypes.add(t);
        if (more.length) await parse([...new Set(more)].sort());
      }
    }
  } finally {
    if (!share) await workers.close();
  }
  // An overlaid scan (a patch check) must not teach the index contents the tree does not have.
  if (overlay.size === 0) index.save();
  summaries.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const analyzed = options.growOnly
    ? { findings: [], notifications: [] }
    : await timed('analyze', () => analyze(summaries, config));
  notifications.push(...analyzed.notifications);
  if (configuration) notifications.push(...configuration.problems());
  const findings = analyzed.findings;
  const figures = {
    filesParsed: summaries.length,
    growthRounds: rounds,
    errorNodes: summaries.reduce((n, s) => n + s.errorNodes, 0),
    filesNotBuilt: configuration?.stats.filesNotBuilt ?? 0,
    deadSites: configuration?.stats.deadSites ?? 0,
  };
  // The listing's own notifications are made again by the listing of the run that replays. A
  // scan that could not analyze a file (a parse timeout on a busy machine, a thread that died)
  // is not kept: running again must try again, not replay what was missing.
  const own = notifications.slice(listing.notifications.length);
  if (!own.some((n) => n.level === 'error')) reuse?.keep(findings, own, figures, configuration?.inputs() ?? []);
  return {
    ...figures,
    findings: reportable(findings),
    notifications,
    filesListed: files.length,
    filesCached: cached,
    timings,
    searchedWith: rg ? 'ripgrep' : 'node',
    reused: false,
    ...(options.keepSummaries ? { summaries } : {}),
  };
}
