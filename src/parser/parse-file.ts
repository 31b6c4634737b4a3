// One file from disk to summary: check, read, decode, blank annotations, parse, extract.
// Whatever a file holds, the outcome is a summary or a one-line notification naming the
// reason it was not analyzed; nothing a file contains may stop the scan.
import { statSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type Parser from 'tree-sitter';
import { DEFAULT_READ_LIMIT, formatSize, notRegular, readRegularFile, UnreadableFile } from '../fs/read.js';
import type { Notification } from '../model.js';
import { type BlankSets, blankAnnotations } from './blank.js';
import { extractSummary } from './extract.js';
import type { FileSummary } from './summary.js';

/** Bounds on the work one file may cost. */
export interface ParseLimits {
  /** Larger files are reported and not read (bytes; 0: no limit). */
  maxFileSize?: number;
  /** A parse that runs longer is abandoned and reported (milliseconds; 0: no limit). */
  parseTimeoutMs?: number;
}

export const DEFAULT_MAX_FILE_SIZE = DEFAULT_READ_LIMIT;
/**
 * The largest file analyzed whatever --max-file-size says (0 included): a 50 MB file of small
 * functions has summaries that outgrow V8's 4 GB heap, which aborts the process.
 */
export const MAX_ANALYZED_SIZE = 16 * 1024 * 1024;
/** Kernel files parse at 2-6 MB/s, so a file within the size limit needs a second or two. */
export const DEFAULT_PARSE_TIMEOUT_MS = 10_000;

/** Plain data, so that it can be sent to worker threads. */
export interface ParseOptions extends ParseLimits {
  blank: string[];
  blankWithArgs: string[];
  exportMacros: string[];
  /** IS_ENABLED() and its family (rules.yaml `parser.configTests`, by name). */
  configTests: string[];
  /** Where summaries are cached by content; none: no cache. */
  cache?: { dir: string; salt: string };
}

/** The parser's settings from rules.yaml's `parser` section, without limits or cache. */
export function parserSettings(parser: {
  blank: string[];
  blankWithArgs: string[];
  exportMacros: string[];
  configTests: Readonly<Record<string, unknown>>;
}): ParseOptions {
  return {
    blank: parser.blank,
    blankWithArgs: parser.blankWithArgs,
    exportMacros: parser.exportMacros,
    configTests: Object.keys(parser.configTests),
  };
}

export interface FileOutcome {
  summary?: FileSummary;
  notification?: Notification;
  /** The summary came from the cache. */
  cached?: boolean;
  /** Content key of the file, for the tree index. */
  key?: string;
  /** Bytes of source run through the parser (not for cache hits), to bound a thread's memory. */
  parsedBytes?: number;
}

/** Where summaries are kept by content (cache/summary-cache.ts), handed in by the caller. */
export interface SummaryStore {
  key(bytes: Uint8Array): string;
  get(key: string, file: string): FileSummary | undefined;
  put(key: string, summary: FileSummary): void;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** Kernel files are UTF-8, but old ones carry Latin-1 author names: keep every character. */
export function decodeSource(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return latin1.decode(bytes);
  }
}

class ParseTimeout extends Error {}

let parser: Parser | null = null;
let prepared: { key: string; sets: BlankSets; exportMacros: Set<string>; configTests: Set<string> } | null = null;

function setup(options: ParseOptions) {
  if (!parser) {
    // Loaded on first use: a re-scan answered from the cache never needs the native parser.
    const require = createRequire(import.meta.url);
    const TreeSitter = require('tree-sitter') as typeof Parser;
    parser = new TreeSitter();
    parser.setLanguage(require('tree-sitter-c') as Parser.Language);
  }
  const key = JSON.stringify([options.blank, options.blankWithArgs, options.exportMacros, options.configTests]);
  if (prepared?.key !== key) {
    prepared = {
      key,
      sets: { plain: new Set(options.blank), withArgs: new Set(options.blankWithArgs) },
      exportMacros: new Set(options.exportMacros),
      configTests: new Set(options.configTests),
    };
  }
  return { parser, ...prepared };
}

/** Loads the native parser now, so that a thread started ahead of its work is ready for it. */
export function loadParser(options: ParseOptions): void {
  setup(options);
}

/** The summary of a file's text; throws when the parse times out or extraction fails. */
export function summarizeSource(text: string, file: string, options: ParseOptions): FileSummary {
  const { parser, sets, exportMacros, configTests } = setup(options);
  const blanked = blankAnnotations(text, sets);
  parser.setTimeoutMicros((options.parseTimeoutMs ?? 0) * 1000);
  // The default 32 KiB buffer cannot hold large files; size the buffer to the whole text.
  const tree = parser.parse(blanked, undefined, { bufferSize: blanked.length * 2 + 1024 }) as Parser.Tree | null;
  if (!tree) {
    // A parser stopped by its timeout resumes the same parse next time unless reset: the next
    // file would get this one's tree.
    parser.reset();
    throw new ParseTimeout();
  }
  return extractSummary(tree, blanked, file, { exportMacros, configTests });
}

function notAnalyzed(file: string, reason: string): FileOutcome {
  return { notification: { level: 'error', file, message: `${reason}; not analyzed` } };
}

function tooLarge(file: string, size: number, options: ParseLimits): FileOutcome | undefined {
  const limit = options.maxFileSize ?? 0;
  if (size > MAX_ANALYZED_SIZE && (limit <= 0 || limit > MAX_ANALYZED_SIZE)) {
    const most = `the ${formatSize(MAX_ANALYZED_SIZE)} dmalint analyzes at most, whatever --max-file-size says`;
    return notAnalyzed(file, `${formatSize(size)}, larger than ${most}`);
  }
  if (limit <= 0 || size <= limit) return undefined;
  return notAnalyzed(file, `${formatSize(size)}, larger than --max-file-size ${formatSize(limit)}`);
}

/** Parses decoded text, turning what the parser cannot finish into a notification. */
function parseText(text: string, file: string, options: ParseOptions): FileOutcome {
  try {
    return { summary: summarizeSource(text, file, options), parsedBytes: text.length };
  } catch (err) {
    if (err instanceof ParseTimeout) {
      return notAnalyzed(file, `parsing took longer than --parse-timeout ${(options.parseTimeoutMs ?? 0) / 1000} s`);
    }
    if (err instanceof RangeError && /call stack/i.test(err.message)) {
      return notAnalyzed(file, 'nested too deeply to analyze (the syntax tree exceeds the stack)');
    }
    return notAnalyzed(file, `could not be parsed (${oneLine(err)})`);
  }
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

/**
 * The outcome for text that is not on disk (a patched file, a test's overlay), checked as a
 * file read from disk would be.
 */
export function summarizeText(text: string, file: string, options: ParseOptions): FileOutcome {
  const large = tooLarge(file, Buffer.byteLength(text), options);
  if (large) return large;
  if (text.includes('\0')) return notAnalyzed(file, 'binary file (it contains NUL bytes)');
  return parseText(text, file, options);
}

export function summarizeFile(
  root: string,
  file: string,
  options: ParseOptions,
  knownKey?: string,
  cache?: SummaryStore,
): FileOutcome {
  const full = path.join(root, file);
  let bytes: Buffer;
  try {
    // Checked before the cache too, so that what is analyzed does not depend on the cache.
    const st = statSync(full);
    if (!st.isFile()) return notAnalyzed(file, notRegular(st));
    const large = tooLarge(file, st.size, options);
    if (large) return large;
    if (cache && knownKey) {
      // The tree index vouches that the file is unchanged: no need to read it.
      const hit = cache.get(knownKey, file);
      if (hit) return { summary: hit, cached: true, key: knownKey };
    }
    bytes = readRegularFile(full, { limit: Math.min(options.maxFileSize || MAX_ANALYZED_SIZE, MAX_ANALYZED_SIZE) });
  } catch (err) {
    if (err instanceof UnreadableFile) {
      return err.size ? tooLarge(file, err.size.bytes, options)! : notAnalyzed(file, err.message);
    }
    return notAnalyzed(file, `cannot read file (${(err as NodeJS.ErrnoException).code ?? oneLine(err)})`);
  }
  // A file that grew since the check is judged by what was read.
  const large = tooLarge(file, bytes.length, options);
  if (large) return large;
  if (bytes.includes(0)) return notAnalyzed(file, 'binary file (it contains NUL bytes)');
  const key = cache?.key(bytes);
  if (cache && key) {
    const hit = cache.get(key, file);
    if (hit) return { summary: hit, cached: true, key };
  }
  const outcome = parseText(decodeSource(bytes), file, options);
  if (cache && key && outcome.summary) cache.put(key, outcome.summary);
  return key && outcome.summary ? { ...outcome, key } : outcome;
}
