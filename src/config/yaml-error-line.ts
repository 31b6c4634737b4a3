// The line a YAML syntax error belongs to. The yaml library reports an unclosed `[`, `{` or
// quote where the input runs out (the next line, or past the end of the file); a user looks
// for it where it was opened.
import { type Document, isNode, isScalar, type LineCounter, visit, type YAMLError } from 'yaml';

function isUnclosed(e: YAMLError): boolean {
  return e.code === 'MISSING_CHAR' || (e.code === 'BAD_INDENT' && /^Flow (map|sequence)\b/.test(e.message));
}

/** The node the error ends, if it is an unclosed flow collection or quoted scalar. */
function openedAt(doc: Document, at: number): number | undefined {
  let start: number | undefined;
  visit(doc, (_key, node) => {
    if (!isNode(node) || !node.range || node.range[1] !== at) return;
    const opens = ('flow' in node && node.flow === true) || (isScalar(node) && node.type?.startsWith('QUOTE'));
    if (opens && (start === undefined || node.range[0] < start)) start = node.range[0];
  });
  return start;
}

export function yamlErrorLine(doc: Document, text: string, lines: LineCounter, e: YAMLError): number {
  let offset = e.pos[0];
  if (isUnclosed(e)) offset = openedAt(doc, offset) ?? offset;
  // Past the last line: the last line that holds anything.
  if (offset >= text.length) offset = Math.max(0, text.trimEnd().length - 1);
  return lines.linePos(offset).line;
}
