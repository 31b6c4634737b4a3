// An edit answered without a scan. A full scan ends with a set of summaries closed under growth:
// every file that mentions a word the rules need (the seeds, the effect APIs, and each name
// growth searched for) is in it, and by issue 11's guarantee such a set gives what parsing
// every file gives. An edit keeps the set closed when the edited file's new summary makes growth
// ask for no word outside those already followed; then its summary is replaced (or added, when
// the new text mentions one of the words), the rules run once over the set, and nothing is
// listed, searched or grown. Anything else (a new or deleted file, a new name to follow, a
// buffer given back to the disk) is left to a full scan.
import { growthWords } from '../scan/growth.js';
import type { Config } from '../config/types.js';
import type { Finding, Notification } from '../model.js';
import {
  DEFAULT_MAX_FILE_SIZE,
  DEFAULT_PARSE_TIMEOUT_MS,
  type FileOutcome,
  type ParseOptions,
  parserSettings,
} from '../parser/parse-file.js';
import { textMentions } from '../search/mentions.js';
import type { FileSummary } from '../parser/summary.js';
import { neededByRules } from '../rules/index.js';
import { type ScanShare, analyze } from '../scan.js';

/** What a full scan (or a quick analysis after it) ended with. */
export interface Baseline {
  /** Tree path → summary, as the rules saw it (the configuration's dead branches gone). */
  readonly summaries: ReadonlyMap<string, FileSummary>;
  /** The overlay the summaries were made with. */
  readonly overlay: ReadonlyMap<string, string | null>;
  /** Words every file mentioning which is summarized. */
  readonly words: readonly string[];
}

/**
 * The options scan() parses an overlaid text with (its `base`: the parser settings of
 * rules.yaml and the default limits, no cache); test/lsp-quick.test.ts holds the two equal.
 */
export function overlayParseOptions(config: Config): ParseOptions {
  return {
    ...parserSettings(config.parser),
    maxFileSize: DEFAULT_MAX_FILE_SIZE,
    parseTimeoutMs: DEFAULT_PARSE_TIMEOUT_MS,
  };
}

function sortedByFile(summaries: Iterable<FileSummary>): FileSummary[] {
  return [...summaries].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** The baseline of a full scan's summaries (scan's keepSummaries) with `overlay`. */
export function baselineOf(
  summaries: readonly FileSummary[],
  overlay: ReadonlyMap<string, string | null>,
  config: Config,
): Baseline {
  const needs = neededByRules(config);
  const grown = growthWords(summaries, config, needs, new Set());
  const words = new Set([...needs.seeds, ...grown.words, ...grown.holders.types, ...grown.holders.members]);
  return { summaries: new Map(summaries.map((s) => [s.file, s])), overlay: new Map(overlay), words: [...words].sort() };
}

export interface QuickResult {
  findings: Finding[];
  notifications: Notification[];
  baseline: Baseline;
}

/**
 * The findings with `overlay`, from `baseline` and the edited files alone; undefined when only
 * a full scan can tell. `parse` summarizes a text as the scan would (share.summarizeOverlay).
 */
export async function quickAnalysis(
  baseline: Baseline,
  overlay: ReadonlyMap<string, string | null>,
  config: Config,
  share: ScanShare,
  parse: (text: string, file: string) => Promise<FileOutcome>,
): Promise<QuickResult | undefined> {
  const listed = share.listing?.files;
  if (!listed) return undefined;
  const changed = [...new Set([...overlay.keys(), ...baseline.overlay.keys()])].filter(
    (f) => overlay.get(f) !== baseline.overlay.get(f),
  );
  if (changed.some((f) => typeof overlay.get(f) !== 'string')) return undefined; // deleted, or back to the disk's text
  const inListing = new Set(listed);
  if (changed.some((f) => !inListing.has(f))) return undefined; // a new file: the listing changes
  const configuration = share.configuration;
  const next = new Map(baseline.summaries);
  const notifications: Notification[] = [];
  for (const file of changed) {
    const text = overlay.get(file)!;
    if (configuration && !configuration.built(file)) continue;
    if (!next.has(file) && !textMentions(text, baseline.words)) continue; // still nothing the rules read
    const earlier = share.overlaySummaries.get(file);
    const made = earlier?.text === text ? earlier : { text, ...(await parse(text, file)) };
    share.overlaySummaries.set(file, made);
    if (made.notification) notifications.push(made.notification);
    if (made.summary) next.set(file, configuration ? configuration.live(made.summary) : made.summary);
    else next.delete(file);
  }
  const summaries = sortedByFile(next.values());
  // A name not followed yet.
  const known = new Set(baseline.words);
  const grown = growthWords(summaries, config, neededByRules(config), known);
  if (grown.words.length || [...grown.holders.types, ...grown.holders.members].some((w) => !known.has(w)))
    return undefined;
  const analyzed = analyze(summaries, config);
  return {
    findings: analyzed.findings,
    notifications: [...notifications, ...analyzed.notifications],
    baseline: { summaries: next, overlay: new Map(overlay), words: baseline.words },
  };
}
