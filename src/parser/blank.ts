// Kernel annotation macros (__init, __iomem, __printf(1, 2), ...) confuse tree-sitter-c: the
// function name lands in the wrong field or the definition is lost (docs/parsing.md). They
// carry nothing the rules need, so they are overwritten with spaces of the same length before
// parsing: offsets, lines and columns stay exact. This is a lexical pass (comments, strings and
// character literals are skipped), not a decision about findings.

export interface BlankSets {
  /** Replaced alone: `__init`. */
  plain: ReadonlySet<string>;
  /** Replaced with their balanced parenthesised argument: `__printf(1, 2)`. */
  withArgs: ReadonlySet<string>;
}

const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentPart = (c: number) => isIdentStart(c) || (c >= 48 && c <= 57);

/** The text with each [from, to) range overwritten by spaces, line breaks kept. */
function overwrite(text: string, ranges: [number, number][]): string {
  let out = '';
  let at = 0;
  for (const [from, to] of ranges) {
    out += text.slice(at, from) + text.slice(from, to).replace(/[^\r\n]/g, ' ');
    at = to;
  }
  return out + text.slice(at);
}

/** Returns the end (exclusive) of the balanced `( … )` starting at or after `from`, or -1. */
function balancedParens(text: string, from: number): number {
  let i = from;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  if (text[i] !== '(') return -1;
  let depth = 0;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i + 1;
    else if (ch === ';' || ch === '{') return -1; // unbalanced: leave the text alone
  }
  return -1;
}

export function blankAnnotations(text: string, sets: BlankSets): string {
  const ranges: [number, number][] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 42 /* * */) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      const end = text.indexOf('\n', i + 2);
      i = end < 0 ? n : end + 1;
    } else if (c === 34 /* " */ || c === 39 /* ' */) {
      i++;
      while (i < n && text.charCodeAt(i) !== c && text.charCodeAt(i) !== 10) {
        i += text.charCodeAt(i) === 92 /* \ */ ? 2 : 1;
      }
      i++;
    } else if (isIdentStart(c)) {
      const start = i;
      while (i < n && isIdentPart(text.charCodeAt(i))) i++;
      const word = text.slice(start, i);
      if (sets.plain.has(word)) {
        ranges.push([start, i]);
      } else if (sets.withArgs.has(word)) {
        const end = balancedParens(text, i);
        if (end > 0) {
          ranges.push([start, end]);
          i = end;
        }
      }
    } else {
      i++;
    }
  }
  return ranges.length === 0 ? text : overwrite(text, ranges);
}
