// Facts at file scope that are not functions: ops tables (designated initializers that bind a
// function to a callback field) and struct definitions (the declared type of each member).
import type { SyntaxNode } from './plain-tree.js';
import { PREPROC_CONTAINERS } from './preproc.js';
import type { FileSummary, OpsTable } from './summary.js';
import { type SourceText, declaredName, fieldOf, kind, peel, startPos, textOf, typeName } from './syntax.js';

export function collectStructs(src: SourceText, summary: FileSummary, node: SyntaxNode): void {
  const stack = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if ((kind(n) === 'struct_specifier' || kind(n) === 'union_specifier') && fieldOf(n, 'body')) {
      const name = fieldOf(n, 'name');
      // No prototype: a member called __proto__ is a member, not the object's prototype.
      const members = Object.create(null) as Record<string, string>;
      for (const field of fieldOf(n, 'body')!.namedChildren) {
        if (kind(field) !== 'field_declaration') continue;
        const t = typeName(src, fieldOf(field, 'type'));
        if (!t) continue;
        for (const d of field.childrenForFieldName('declarator')) {
          const member = declaredName(src, d);
          if (member) members[member] = t;
        }
      }
      if (name) summary.structs.push({ name: textOf(src, name), members });
    }
    for (const c of n.namedChildren) stack.push(c);
  }
}

/** A designated initializer: `.add_device = ipmmu_add_device` binds a function to a field. */
export function collectTable(
  src: SourceText,
  summary: FileSummary,
  list: SyntaxNode,
  name: string,
  structType: string | undefined,
  cond: string[],
  within?: OpsTable['within'],
): void {
  const table: OpsTable = { name, structType, ...(within ? { within } : {}), fields: [], cond, ...startPos(src, list) };
  // A nested list without a type of its own is typed from this one's, member by member.
  const inner = (member: string): OpsTable['within'] =>
    structType !== undefined
      ? { structType, members: [member] }
      : within
        ? { structType: within.structType, members: [...within.members, member] }
        : undefined;
  for (const item of list.namedChildren) {
    if (kind(item) === 'initializer_pair') {
      const designator = item.childrenForFieldName('designator').at(-1);
      const value = fieldOf(item, 'value');
      if (!designator || !value) continue;
      const field = designator.namedChild(0);
      if (kind(designator) !== 'field_designator' || !field) continue;
      const fieldName = textOf(src, field);
      const v = peel(value);
      if (kind(v) === 'identifier') {
        table.fields.push({ field: fieldName, fn: textOf(src, v), ...startPos(src, item) });
      } else if (kind(v) === 'initializer_list') {
        collectTable(src, summary, v, `${name}.${fieldName}`, undefined, cond, inner(fieldName));
      } else if (kind(v) === 'compound_literal_expression') {
        const inner = fieldOf(v, 'value');
        const t = typeName(src, fieldOf(v, 'type')?.childForFieldName('type') ?? null);
        if (inner?.type === 'initializer_list') collectTable(src, summary, inner, `${name}.${fieldName}`, t, cond);
      }
    } else if (kind(item) === 'initializer_list') {
      collectTable(src, summary, item, name, structType, cond, within); // array of tables
    } else if (peel(item).type === 'identifier') {
      summary.fileRefs.push(textOf(src, peel(item))); // positional initializer
    } else if (kind(item) === 'assignment_expression') {
      // `#ifdef` inside an initializer list: tree-sitter recovers `.field = fn` as an assignment.
      const left = fieldOf(item, 'left');
      const right = fieldOf(item, 'right');
      const field = left?.type === 'field_expression' ? fieldOf(left, 'field') : null;
      if (field && right && peel(right).type === 'identifier') {
        table.fields.push({ field: textOf(src, field), fn: textOf(src, peel(right)), ...startPos(src, field) });
      }
    } else if (PREPROC_CONTAINERS.has(kind(item)) || kind(item) === 'ERROR') {
      // `#ifdef` inside an initializer list, or a macro that broke it: search what is inside.
      const inner = item.descendantsOfType('initializer_pair');
      if (inner.length) tableFromPairs(src, inner, table);
    }
  }
  if (table.fields.length) summary.tables.push(table);
}

function tableFromPairs(src: SourceText, pairs: SyntaxNode[], table: OpsTable): void {
  for (const pair of pairs) {
    const designator = pair.childrenForFieldName('designator').at(-1);
    const value = fieldOf(pair, 'value');
    const field = designator?.namedChild(0);
    if (!field || !value || peel(value).type !== 'identifier') continue;
    table.fields.push({ field: textOf(src, field), fn: textOf(src, peel(value)), ...startPos(src, pair) });
  }
}
