// What a cached summary depends on: the parser's own code (so a changed extractor never reads
// stale summaries, even between releases), the grammar, and the parse options.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { ParseOptions } from '../parser/parse-file.js';

let parserHash: string | undefined;

function hashParserCode(): string {
  if (parserHash) return parserHash;
  const hash = createHash('sha1');
  const dir = fileURLToPath(new URL('../parser/', import.meta.url));
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.js')).sort()) {
    hash.update(name).update(readFileSync(path.join(dir, name)));
  }
  const require = createRequire(import.meta.url);
  for (const pkg of ['tree-sitter/package.json', 'tree-sitter-c/package.json']) {
    hash.update(readFileSync(require.resolve(pkg)));
  }
  parserHash = hash.digest('hex');
  return parserHash;
}

export function cacheSalt(options: Omit<ParseOptions, 'cache'>): string {
  return createHash('sha1')
    .update(hashParserCode())
    .update(JSON.stringify([options.blank, options.blankWithArgs, options.exportMacros]))
    .digest('hex');
}
