// Small helpers over tree-sitter nodes shared by the extractor modules.
import type { SyntaxNode } from 'tree-sitter';

export interface SourceText {
  text: string;
  /** Offset (in the JS string) at which each line starts. */
  lineStarts: number[];
}

const typeByClass = new Map<Function, string>();

/**
 * A node's type. node-tree-sitter computes `type` in C++ on every access, and the extractor
 * asks millions of times on a kernel tree; each named node type has its own JS class, so the
 * answer is cached per class (error nodes share the base class and are asked each time).
 */
export function kind(node: SyntaxNode): string {
  const cls = node.constructor;
  const cached = typeByClass.get(cls);
  if (cached !== undefined) return cached;
  const type = node.type;
  if (Object.getPrototypeOf(cls.prototype) !== Object.prototype) typeByClass.set(cls, type);
  return type;
}

/**
 * node-tree-sitter 0.22 keeps a node's start (UTF-16 byte offset, row) in the node object
 * itself, but its getters go through C++ every time. Reading the fields directly halves the
 * crossings of the extractor; `verifyNodeLayout` checks the layout once per parser, and the
 * getters are used if it ever differs.
 */
let directStart = false;

export function verifyNodeLayout(root: SyntaxNode): void {
  const probe = root.namedChildCount > 0 ? root.namedChild(root.namedChildCount - 1)! : root;
  const fields = probe as unknown as Record<number, number>;
  directStart = fields[2] === probe.startIndex * 2 && fields[3] === probe.startPosition.row;
}

function startIndexOf(node: SyntaxNode): number {
  return directStart ? (node as unknown as Record<number, number>)[2]! / 2 : node.startIndex;
}

function startRowOf(node: SyntaxNode): number {
  return directStart ? (node as unknown as Record<number, number>)[3]! : node.startPosition.row;
}

/**
 * A node's child in a field. Each named node type has its own class with a getter per field
 * (by field id); asking by name makes tree-sitter look the name up every time.
 */
export function fieldOf(node: SyntaxNode | null | undefined, name: string): SyntaxNode | null {
  if (!node) return null;
  const n = node as unknown as Record<string, unknown> & { fields?: readonly string[] };
  if (n.fields === undefined) return node.childForFieldName(name); // error and anonymous nodes
  const single = getterNames.get(name) ?? cacheGetter(name);
  if (n.fields.includes(single[0])) return n[single[0]] as SyntaxNode | null;
  if (n.fields.includes(single[1])) return ((n[single[1]] as SyntaxNode[])[0] ?? null) as SyntaxNode | null;
  return null;
}

const getterNames = new Map<string, [string, string]>();
function cacheGetter(name: string): [string, string] {
  const camel = name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
  const names: [string, string] = [`${camel}Node`, `${camel}Nodes`];
  getterNames.set(name, names);
  return names;
}

export function makeSource(text: string): SourceText {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return { text, lineStarts };
}

/** 1-based line and character column of a node's start (tree-sitter columns are not characters). */
export function startPos(src: SourceText, node: SyntaxNode): { line: number; col: number } {
  const row = startRowOf(node);
  return { line: row + 1, col: startIndexOf(node) - (src.lineStarts[row] ?? 0) + 1 };
}

export function endPos(src: SourceText, node: SyntaxNode): { endLine: number; endCol: number } {
  const row = node.endPosition.row;
  return { endLine: row + 1, endCol: node.endIndex - (src.lineStarts[row] ?? 0) + 1 };
}

export function textOf(src: SourceText, node: SyntaxNode): string {
  return src.text.slice(startIndexOf(node), node.endIndex);
}

export function foldedText(src: SourceText, node: SyntaxNode): string {
  return textOf(src, node).replace(/\s+/g, ' ').trim();
}

/** Strips parentheses, casts, `&` and `*` around an expression. */
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
