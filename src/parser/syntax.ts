// Small helpers over tree-sitter nodes shared by the extractor modules.
import type { SyntaxNode } from './plain-tree.js';

export type { SyntaxNode };

export interface SourceText {
  text: string;
  /** Offset (in the JS string) at which each line starts. */
  lineStarts: number[];
}

export function kind(node: SyntaxNode): string {
  return node.type;
}

/** A node's child in a field. */
export function fieldOf(node: SyntaxNode | null | undefined, name: string): SyntaxNode | null {
  return node ? node.childForFieldName(name) : null;
}

export function makeSource(text: string): SourceText {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return { text, lineStarts };
}

/** 1-based line and character column of a node's start (tree-sitter columns are not characters). */
export function startPos(src: SourceText, node: SyntaxNode): { line: number; col: number } {
  const row = node.startRow;
  return { line: row + 1, col: node.startIndex - (src.lineStarts[row] ?? 0) + 1 };
}

export function endPos(src: SourceText, node: SyntaxNode): { endLine: number; endCol: number } {
  const row = node.endRow;
  return { endLine: row + 1, endCol: node.endIndex - (src.lineStarts[row] ?? 0) + 1 };
}

export function textOf(src: SourceText, node: SyntaxNode): string {
  return src.text.slice(node.startIndex, node.endIndex);
}

export function foldedText(src: SourceText, node: SyntaxNode): string {
  return textOf(src, node).replace(/\s+/g, ' ').trim();
}

/** Strips parentheses, casts, `&` and `*` around an expression. */
/** The expression inside any parentheses around it. */
export function unwrap(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (kind(n) === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChild(0)!;
  return n;
}

export function peel(node: SyntaxNode): SyntaxNode {
  let n = node;
  for (;;) {
    if (kind(n) === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChild(0)!;
    else if (kind(n) === 'cast_expression') {
      const value = fieldOf(n, 'value');
      if (!value) return n;
      n = value;
    } else if (kind(n) === 'pointer_expression') {
      const arg = fieldOf(n, 'argument');
      if (!arg) return n;
      n = arg;
    } else return n;
  }
}

/** The identifier a declarator declares (through pointers, arrays, functions, parentheses). */
export function declaredName(src: SourceText, node: SyntaxNode | null): string | undefined {
  let n = node;
  while (n) {
    switch (kind(n)) {
      case 'identifier':
      case 'field_identifier':
      case 'type_identifier':
        return textOf(src, n);
      case 'init_declarator':
      case 'pointer_declarator':
      case 'array_declarator':
      case 'function_declarator':
      case 'attributed_declarator':
        n = fieldOf(n, 'declarator') ?? n.namedChild(0);
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
  if (kind(type) === 'struct_specifier' || kind(type) === 'union_specifier') {
    const name = fieldOf(type, 'name');
    return name ? textOf(src, name) : undefined;
  }
  if (kind(type) === 'type_identifier') return textOf(src, type);
  return undefined;
}

export function isNullLiteral(src: SourceText, node: SyntaxNode): boolean {
  const n = peel(node);
  if (kind(n) === 'null') return true;
  const t = textOf(src, n);
  return t === 'NULL' || t === '0';
}
