// Small helpers over tree-sitter nodes shared by the extractor modules.
import type { SyntaxNode } from 'tree-sitter';

export interface SourceText {
  text: string;
  /** Offset (in the JS string) at which each line starts. */
  lineStarts: number[];
}

export function makeSource(text: string): SourceText {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return { text, lineStarts };
}

/** 1-based line and character column of a node's start (tree-sitter columns are not characters). */
export function startPos(src: SourceText, node: SyntaxNode): { line: number; col: number } {
  const row = node.startPosition.row;
  return { line: row + 1, col: node.startIndex - (src.lineStarts[row] ?? 0) + 1 };
}

export function endPos(src: SourceText, node: SyntaxNode): { endLine: number; endCol: number } {
  const row = node.endPosition.row;
  return { endLine: row + 1, endCol: node.endIndex - (src.lineStarts[row] ?? 0) + 1 };
}

export function textOf(src: SourceText, node: SyntaxNode): string {
  return src.text.slice(node.startIndex, node.endIndex);
}

export function foldedText(src: SourceText, node: SyntaxNode): string {
  return textOf(src, node).replace(/\s+/g, ' ').trim();
}

/** Strips parentheses, casts, `&` and `*` around an expression. */
export function peel(node: SyntaxNode): SyntaxNode {
  let n = node;
  for (;;) {
    if (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChild(0)!;
    else if (n.type === 'cast_expression') {
      const value = n.childForFieldName('value');
      if (!value) return n;
      n = value;
    } else if (n.type === 'pointer_expression') {
      const arg = n.childForFieldName('argument');
      if (!arg) return n;
      n = arg;
    } else return n;
  }
}

/** The identifier a declarator declares (through pointers, arrays, functions, parentheses). */
export function declaredName(src: SourceText, node: SyntaxNode | null): string | undefined {
  let n = node;
  while (n) {
    switch (n.type) {
      case 'identifier':
      case 'field_identifier':
      case 'type_identifier':
        return textOf(src, n);
      case 'init_declarator':
      case 'pointer_declarator':
      case 'array_declarator':
      case 'function_declarator':
      case 'attributed_declarator':
        n = n.childForFieldName('declarator') ?? n.namedChild(0);
        break;
      case 'parenthesized_declarator':
        n = n.namedChild(0);
        break;
      default:
        return undefined;
    }
  }
  return undefined;
}

/** Struct tag (or typedef name) of a declaration's type: `struct device *` → `device`. */
export function typeName(src: SourceText, type: SyntaxNode | null): string | undefined {
  if (!type) return undefined;
  if (type.type === 'struct_specifier' || type.type === 'union_specifier') {
    const name = type.childForFieldName('name');
    return name ? textOf(src, name) : undefined;
  }
  if (type.type === 'type_identifier') return textOf(src, type);
  return undefined;
}

export function isNullLiteral(src: SourceText, node: SyntaxNode): boolean {
  const n = peel(node);
  if (n.type === 'null') return true;
  const t = textOf(src, n);
  return t === 'NULL' || t === '0';
}
