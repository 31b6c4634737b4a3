// The cheap text prefilter: which files mention any of a set of identifiers. It only decides
// what to parse; findings are decided on syntax trees.
import path from 'node:path';
import { readRegularFile } from '../fs/read.js';

const cache = new Map<string, RegExp>();

function patternFor(words: readonly string[]): RegExp {
  const key = words.join('\n');
  let re = cache.get(key);
  if (!re) {
    const alternatives = [...words].sort((a, b) => b.length - a.length).join('|');
    re = new RegExp(`(?<![A-Za-z0-9_])(?:${alternatives})(?![A-Za-z0-9_])`);
    cache.clear();
    cache.set(key, re);
  }
  return re;
}

export function textMentions(text: string, words: readonly string[]): boolean {
  return words.length > 0 && patternFor(words).test(text);
}

/** For each file (by index into `files`), the words of `words` it mentions. */
export function wordsInFiles(root: string, files: readonly string[], words: readonly string[]): string[][] {
  const re = new RegExp(patternFor(words).source, 'g');
  return files.map((file) => {
    let text: string;
    try {
      text = readRegularFile(path.join(root, file), { limit: 0 }).toString('latin1');
    } catch {
      return [...words]; // unreadable: let the parser report it
    }
    return [...new Set(Array.from(text.matchAll(re), (m) => m[0]))];
  });
}
