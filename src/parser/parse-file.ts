// One file from disk to summary: read, decode, blank annotations, parse, extract.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type Parser from 'tree-sitter';
import type { Notification } from '../model.js';
import { type BlankSets, blankAnnotations } from './blank.js';
import { extractSummary } from './extract.js';
import type { FileSummary } from './summary.js';
import { SummaryCache } from '../cache/summary-cache.js';

/** Plain data, so that it can be sent to worker threads. */
export interface ParseOptions {
  blank: string[];
  blankWithArgs: string[];
  exportMacros: string[];
  /** Where summaries are cached by content; none: no cache. */
  cache?: { dir: string; salt: string };
}

export interface FileOutcome {
  summary?: FileSummary;
  notification?: Notification;
  /** The summary came from the cache. */
  cached?: boolean;
  /** Content key of the file, for the tree index. */
  key?: string;
}

let openCache: SummaryCache | null = null;
function cacheFor(spec: { dir: string; salt: string }): SummaryCache {
  if (openCache?.dir !== spec.dir) openCache = new SummaryCache(spec.dir, spec.salt);
  return openCache;
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

let parser: Parser | null = null;
let prepared: { key: string; sets: BlankSets; exportMacros: Set<string> } | null = null;

function setup(options: ParseOptions) {
  if (!parser) {
    // Loaded on first use: a re-scan answered from the cache never needs the native parser.
    const require = createRequire(import.meta.url);
    const TreeSitter = require('tree-sitter') as typeof Parser;
    parser = new TreeSitter();
    parser.setLanguage(require('tree-sitter-c') as Parser.Language);
  }
  const key = JSON.stringify([options.blank, options.blankWithArgs, options.exportMacros]);
  if (prepared?.key !== key) {
    prepared = {
      key,
      sets: { plain: new Set(options.blank), withArgs: new Set(options.blankWithArgs) },
      exportMacros: new Set(options.exportMacros),
    };
  }
  return { parser, ...prepared };
}

export function summarizeSource(text: string, file: string, options: ParseOptions): FileSummary {
  const { parser, sets, exportMacros } = setup(options);
  const blanked = blankAnnotations(text, sets);
  // The default 32 KiB buffer cannot hold large files; size the buffer to the whole text.
  const tree = parser.parse(blanked, undefined, { bufferSize: blanked.length * 2 + 1024 });
  return extractSummary(tree, blanked, file, { exportMacros });
}

export function summarizeFile(root: string, file: string, options: ParseOptions, knownKey?: string): FileOutcome {
  const cache = options.cache ? cacheFor(options.cache) : undefined;
  if (cache && knownKey) {
    // The tree index vouches that the file is unchanged: no need to read it.
    const hit = cache.get(knownKey, file);
    if (hit) return { summary: hit, cached: true, key: knownKey };
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path.join(root, file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    return { notification: { level: 'error', file, message: `cannot read file (${code}); not analyzed` } };
  }
  if (bytes.includes(0)) {
    return { notification: { level: 'warning', file, message: 'binary file (NUL byte); not analyzed' } };
  }
  const key = cache?.key(bytes);
  if (cache && key) {
    const hit = cache.get(key, file);
    if (hit) return { summary: hit, cached: true, key };
  }
  try {
    const summary = summarizeSource(decodeSource(bytes), file, options);
    if (cache && key) cache.put(key, summary);
    return { summary, ...(key ? { key } : {}) };
  } catch (err) {
    return { notification: { level: 'error', file, message: `could not be parsed: ${(err as Error).message}` } };
  }
}
