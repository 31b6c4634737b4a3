// A plain JavaScript copy of a tree-sitter syntax tree, made with one cursor walk.
//
// node-tree-sitter's node objects cross into C++ for every property read (children, fields,
// end offsets), allocate a BigInt id per node handed out and register each one in a native
// cache, so walking a kernel file through them cost 3-4 times the parse itself. A cursor walk
// reads four numbers per node; after it, everything the extractor asks is a property read.
// On the 82 files a Linux 6.1 scan parses: extraction 1.4-1.9 s → about 0.5 s on one core.
import type Parser from 'tree-sitter';

const NO_NODES: readonly SyntaxNode[] = Object.freeze([]);

/** Named node types that never have children: the walk does not try to descend into them. */
const LEAF_TYPES = new Set([
  'identifier',
  'field_identifier',
  'type_identifier',
  'statement_identifier',
  'number_literal',
  'primitive_type',
  'comment',
  'string_content',
  'escape_sequence',
  'system_lib_string',
  'char_literal',
]);

/**
 * What the cursor reports about a node type or field, asked once per id and kept (dmalint
 * parses with one language, tree-sitter-c).
 */
const typeNames: string[] = [];
const named: boolean[] = [];
const leaf: boolean[] = [];
const fieldNames: string[] = [];

/** Line starts of the text the tree was parsed from, to turn offsets into rows. */
export interface Lines {
  lineStarts: readonly number[];
}

function rowOf(lines: Lines, index: number): number {
  const starts = lines.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * One node, with the subset of node-tree-sitter's SyntaxNode interface the extractor uses.
 * Offsets are in UTF-16 code units of the parsed text, as node-tree-sitter reports them.
 */
export class SyntaxNode {
  children: readonly SyntaxNode[] = NO_NODES;
  private named_: readonly SyntaxNode[] | undefined;

  constructor(
    readonly type: string,
    readonly isNamed: boolean,
    readonly startIndex: number,
    readonly endIndex: number,
    /** The field of its parent this node fills (`declarator`, `body`, …). */
    readonly field: string | undefined,
    /** 0-based row of the first character. */
    readonly startRow: number,
    private readonly lines: Lines,
  ) {}

  /** 0-based row of the end (as tree-sitter: the row holding the character after the node). */
  get endRow(): number {
    return rowOf(this.lines, this.endIndex);
  }

  get namedChildren(): readonly SyntaxNode[] {
    this.named_ ??= this.children.every((c) => c.isNamed) ? this.children : this.children.filter((c) => c.isNamed);
    return this.named_;
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  namedChild(i: number): SyntaxNode | null {
    return this.namedChildren[i] ?? null;
  }

  child(i: number): SyntaxNode | null {
    return this.children[i] ?? null;
  }

  childForFieldName(name: string): SyntaxNode | null {
    for (const c of this.children) if (c.field === name) return c;
    return null;
  }

  childrenForFieldName(name: string): SyntaxNode[] {
    return this.children.filter((c) => c.field === name);
  }

  /** The node and its descendants of the given type, in document order (as tree-sitter). */
  descendantsOfType(type: string): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    const stack: SyntaxNode[] = [this];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.type === type) out.push(n);
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
    }
    return out;
  }
}

/**
 * Copies `tree` into plain nodes. Iterative, so that no nesting depth can exhaust the stack
 * here (the extractor's recursion reports what is too deep for it).
 */
export function plainTree(tree: Parser.Tree, lines: Lines): SyntaxNode {
  const cursor = tree.walk();
  const starts = lines.lineStarts;
  let row = 0;
  let isLeaf = false;
  const make = (field: string | undefined): SyntaxNode => {
    const id = cursor.nodeTypeId;
    let type = typeNames[id];
    if (type === undefined) {
      type = typeNames[id] = cursor.nodeType;
      named[id] = cursor.nodeIsNamed;
      // Anonymous nodes are tokens (tree-sitter-c aliases only patterns to anonymous names).
      leaf[id] = !named[id] || LEAF_TYPES.has(type);
    }
    isLeaf = leaf[id]!;
    const start = cursor.startIndex;
    // A pre-order walk meets nodes in non-decreasing start order: the row only moves forward.
    while (row + 1 < starts.length && starts[row + 1]! <= start) row++;
    return new SyntaxNode(type, named[id]!, start, cursor.endIndex, field, row, lines);
  };
  const root = make(undefined);
  if (!cursor.gotoFirstChild()) return root;
  const parents: SyntaxNode[] = [root];
  const kids: SyntaxNode[][] = [[]];
  for (;;) {
    const fieldId = cursor.currentFieldId as number | undefined;
    const field = fieldId === undefined ? undefined : (fieldNames[fieldId] ??= cursor.currentFieldName);
    const node = make(field);
    kids[kids.length - 1]!.push(node);
    if (!isLeaf && cursor.gotoFirstChild()) {
      parents.push(node);
      kids.push([]);
      continue;
    }
    while (!cursor.gotoNextSibling()) {
      // The last child of the innermost open node: close it and move up.
      parents.pop()!.children = kids.pop()!;
      if (parents.length === 0) return root;
      cursor.gotoParent();
    }
  }
}
