// What a cached summary depends on: the code that makes it (so a changed extractor never reads
// stale summaries, even between releases), the grammar, and the parse options.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { ParseOptions } from '../parser/parse-file.js';

let extractorHash: string | undefined;

/** Relative module specifiers of a compiled ES module: static imports, re-exports, dynamic imports. */
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+)\1/g;

/** The summarizer, and the cache that stores what it makes (which parse-file.ts is handed). */
const SUMMARIZER = ['../parser/parse-file.js', './summary-cache.js'].map((m) =>
  fileURLToPath(new URL(m, import.meta.url)),
);

/**
 * Every module of ours that summarizing a file loads, following imports from the summarizer
 * itself (or from `entries`): a helper moved to another folder is still part of the salt, and a
 * module the extractor does not load (a rule, the CLI) does not invalidate summaries.
 */
export function extractorModules(...entries: string[]): string[] {
  const starts = entries.length ? entries : SUMMARIZER;
  const seen = new Set<string>(starts);
  const queue = [...starts];
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i]!;
    for (const m of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) {
      const target = path.resolve(path.dirname(file), m[2]!);
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return [...seen].sort();
}

function hashExtractorCode(): string {
  if (extractorHash) return extractorHash;
  const hash = createHash('sha1');
  const base = fileURLToPath(new URL('..', import.meta.url));
  for (const file of extractorModules()) hash.update(path.relative(base, file)).update(readFileSync(file));
  const require = createRequire(import.meta.url);
  for (const pkg of ['tree-sitter/package.json', 'tree-sitter-c/package.json']) {
    hash.update(readFileSync(require.resolve(pkg)));
  }
  extractorHash = hash.digest('hex');
  return extractorHash;
}

export function cacheSalt(options: Omit<ParseOptions, 'cache'>): string {
  return createHash('sha1')
    .update(hashExtractorCode())
    .update(JSON.stringify([options.blank, options.blankWithArgs, options.exportMacros, options.configTests]))
    .digest('hex');
}
