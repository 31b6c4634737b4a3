// The quick fix that accepts a finding: a `suppressions` entry in the rules.yaml in effect, with
// the file, rule and function filled in and a reason for the developer to write. The file is
// changed by inserting text only, so its comments, quoting and line breaks stay as they are.
import { type Document, isMap, isSeq, parseDocument, stringify } from 'yaml';
import type { Finding } from '../model.js';

export const REASON_PLACEHOLDER = 'TODO: say why this finding is acceptable';

export interface Insertion {
  /** Offset in the text where `text` goes (a replacement of [offset, end) when end is given). */
  offset: number;
  end?: number;
  text: string;
}

function entryLines(f: Finding, indent: string): string {
  const entry = { rule: f.ruleId, path: f.location.file, function: f.function, reason: REASON_PLACEHOLDER };
  const item = stringify([entry], { lineWidth: 0 }).trimEnd();
  return item
    .split('\n')
    .map((l) => indent + l)
    .join('\n');
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/** What to insert into `text` (a rules.yaml) to suppress `f`; throws when the file is not a mapping. */
export function suppressionInsertion(text: string, f: Finding): Insertion {
  const doc: Document = parseDocument(text);
  if (doc.errors.length) throw new Error(`YAML syntax error: ${doc.errors[0]!.message.split('\n')[0]}`);
  const top = doc.contents;
  if (top !== null && !isMap(top)) throw new Error('the configuration is not a mapping of keys');
  const node = doc.get('suppressions', true);
  const eol = text.length === 0 || text.endsWith('\n') ? '' : '\n';
  if (node === undefined || node === null || (!isSeq(node) && !(isMap(top) && top.has('suppressions')))) {
    return { offset: text.length, text: `${eol}suppressions:\n${entryLines(f, '  ')}\n` };
  }
  if (!isSeq(node)) throw new Error('suppressions is not a list');
  const [start, , end] = node.range ?? [text.length, text.length, text.length];
  if (node.flow || node.items.length === 0) {
    // `suppressions: []` (the bundled file) or a flow list: rewritten as a block list.
    const existing = node.items.map((i) =>
      stringify([(i as { toJSON(): unknown }).toJSON()], { lineWidth: 0 }).trimEnd(),
    );
    const body = [
      ...existing.map((e) =>
        e
          .split('\n')
          .map((l) => `  ${l}`)
          .join('\n'),
      ),
      entryLines(f, '  '),
    ].join('\n');
    // From the end of `suppressions:`, so that no trailing blank is left behind.
    let from = start;
    while (from > 0 && text[from - 1] === ' ') from--;
    return { offset: from, end: node.range?.[1] ?? end, text: `\n${body}` };
  }
  const first = node.items[0] as { range?: [number, number, number] };
  const indent = ' '.repeat(Math.max(0, columnOf(text, first.range?.[0] ?? start) - 2));
  // After the list's last item (its range ends at the line end or after trailing comments).
  const valueEnd = node.range?.[1] ?? end;
  const lineEnd = text.indexOf('\n', valueEnd - 1);
  const at = lineEnd < 0 ? text.length : lineEnd + 1;
  const nl = at === text.length && !text.endsWith('\n') ? '\n' : '';
  return { offset: at, text: `${nl}${entryLines(f, indent)}\n` };
}

export function applyInsertion(text: string, ins: Insertion): string {
  return text.slice(0, ins.offset) + ins.text + text.slice(ins.end ?? ins.offset);
}
