// Facts inside expressions of a function body: call sites with their arguments, writes to
// struct members with the declared type of the object, and identifiers used as values (a
// function passed to a registration call is a use, not a call).
import type { SyntaxNode } from './plain-tree.js';
import { CONSTANT } from './facts.js';
import type { Scope } from './scope.js';
import type { ArgInfo, CallSite, FileSummary, FunctionSummary, ObjectRef, SiteContext } from './summary.js';
import {
  type SourceText,
  endPos,
  fieldOf,
  foldedText,
  isNullLiteral,
  kind,
  peel,
  startPos,
  textOf,
  unwrap,
} from './syntax.js';

/** What the walkers of one file share. */
export interface FileState {
  readonly src: SourceText;
  readonly summary: FileSummary;
  /** File-scope variables and their struct types. */
  readonly fileScope: Scope;
  /** IS_ENABLED() and its family (rules.yaml `parser.configTests`). */
  readonly configTests: ReadonlySet<string>;
}

export function noteErrorNode(summary: FileSummary, node: SyntaxNode): void {
  summary.errorNodes++;
  summary.errorSpans.push([node.startRow + 1, node.endRow + 1]);
}

/** What holds at a statement: the site context, the variables in scope, parameter positions. */
export interface Ctx extends SiteContext {
  scope: Scope;
  paramIndex: ReadonlyMap<string, number>;
}

/** `pdev->dev` → root pdev (struct platform_device), members ['dev']. */
/** Whether a literal argument is non-zero: `0`, `false`, `NULL` are not; `1`, `0x10UL`, `true` are. */
function literalTruth(src: SourceText, node: SyntaxNode): boolean | undefined {
  const n = unwrap(node);
  if (kind(n) === 'true') return true;
  if (kind(n) === 'false' || isNullLiteral(src, n)) return false;
  if (kind(n) !== 'number_literal') return undefined;
  const value = Number(textOf(src, n).replace(/[uUlL]+$/, ''));
  return Number.isNaN(value) ? undefined : value !== 0;
}

export function objectRef(src: SourceText, node: SyntaxNode, scope: Scope): ObjectRef {
  const members: string[] = [];
  let n = peel(node);
  for (;;) {
    if (kind(n) === 'field_expression') {
      const field = fieldOf(n, 'field');
      if (field) members.unshift(textOf(src, field));
      n = peel(fieldOf(n, 'argument')!);
    } else if (kind(n) === 'subscript_expression') {
      n = peel(fieldOf(n, 'argument')!);
    } else break;
  }
  const ref: ObjectRef = { members, text: foldedText(src, node) };
  if (kind(n) === 'identifier') {
    ref.root = textOf(src, n);
    const t = scope.lookup(ref.root);
    if (t) ref.rootType = t;
  }
  return ref;
}

/**
 * Walks the expressions of one function body. Statements nested in expressions (statement
 * expressions, error recovery) go back to the statement walker, which extends this class.
 */
export abstract class ExpressionWalker {
  protected readonly src: SourceText;

  constructor(
    protected readonly file: FileState,
    protected readonly fn: FunctionSummary,
  ) {
    this.src = file.src;
  }

  abstract statement(node: SyntaxNode, ctx: Ctx): Ctx;

  expression(node: SyntaxNode, ctx: Ctx): void {
    switch (kind(node)) {
      case 'call_expression':
        this.call(node, ctx);
        return;
      case 'assignment_expression':
        this.assignment(node, ctx);
        return;
      case 'compound_statement': // statement expression ({ … })
        this.statement(node, ctx);
        return;
      case 'identifier':
      case 'number_literal':
      case 'string_literal':
      case 'comment':
        return;
      default:
        if (kind(node) === 'ERROR') noteErrorNode(this.file.summary, node);
        for (const child of node.namedChildren) {
          if (kind(child) === 'declaration' || kind(child).endsWith('_statement')) this.statement(child, ctx);
          else this.expression(child, ctx);
        }
    }
  }

  protected call(node: SyntaxNode, ctx: Ctx, storedInMember?: string, assignedTo?: string): void {
    const fn = fieldOf(node, 'function');
    const argsNode = fieldOf(node, 'arguments');
    const argNodes = argsNode?.namedChildren.filter((a) => kind(a) !== 'comment') ?? [];
    let callee: string | undefined;
    let viaMember = false;
    let object: ObjectRef | undefined;
    const target = fn ? peel(fn) : null;
    if (target?.type === 'identifier') callee = textOf(this.src, target);
    else if (target?.type === 'field_expression') {
      const field = fieldOf(target, 'field');
      const loadedFrom = fieldOf(target, 'argument');
      if (field) {
        callee = textOf(this.src, field);
        viaMember = true;
        if (loadedFrom) object = objectRef(this.src, loadedFrom, ctx.scope);
      }
      this.expression(target, ctx);
    } else if (target) this.expression(target, ctx);
    if (callee) {
      const site: CallSite = {
        callee,
        ...(viaMember ? { viaMember } : {}),
        ...(object ? { object } : {}),
        args: argNodes.map((a) => this.argInfo(a, ctx)),
        ...(storedInMember ? { storedInMember } : {}),
        ...(assignedTo ? { assignedTo } : {}),
        cond: ctx.cond,
        guards: ctx.guards,
        params: ctx.params,
        ...startPos(this.src, node),
        ...endPos(this.src, node),
      };
      this.fn.calls.push(site);
    }
    for (const a of argNodes) {
      const p = peel(a);
      if (kind(p) === 'identifier') this.fn.valueRefs.push(textOf(this.src, p));
      else this.expression(a, ctx);
    }
  }

  /** `name = &obj->m.dev`: the local names a struct embedded in another object (FunctionSummary.addressOf). */
  protected noteAddressOf(name: string, value: SyntaxNode, ctx: Ctx): void {
    const v = unwrap(value);
    if (kind(v) !== 'pointer_expression') return;
    const op = fieldOf(v, 'operator');
    const arg = fieldOf(v, 'argument');
    if (!op || textOf(this.src, op) !== '&' || !arg) return;
    const target = unwrap(arg);
    if (kind(target) !== 'field_expression') return;
    (this.fn.addressOf ??= []).push({ name, object: objectRef(this.src, target, ctx.scope) });
  }

  private argInfo(node: SyntaxNode, ctx: Ctx): ArgInfo {
    const p = peel(node);
    const info: ArgInfo = { text: foldedText(this.src, node), isNull: isNullLiteral(this.src, node) };
    const truthy = literalTruth(this.src, node);
    if (truthy !== undefined) info.truthy = truthy;
    else if (kind(p) === 'identifier' && p === unwrap(node) && CONSTANT.test(textOf(this.src, p)))
      info.constant = textOf(this.src, p);
    if (kind(p) === 'identifier') {
      info.ident = textOf(this.src, p);
      const t = ctx.scope.lookup(info.ident);
      if (t) info.structType = t;
    } else if (kind(p) === 'field_expression') {
      const field = fieldOf(p, 'field');
      if (field) info.member = textOf(this.src, field);
      info.object = objectRef(this.src, p, ctx.scope);
    }
    return info;
  }

  private assignment(node: SyntaxNode, ctx: Ctx): void {
    const left = fieldOf(node, 'left');
    const right = fieldOf(node, 'right');
    const op = fieldOf(node, 'operator');
    let member: string | undefined;
    if (left?.type === 'field_expression' && (!op || textOf(this.src, op) === '=')) {
      const field = fieldOf(left, 'field');
      const object = fieldOf(left, 'argument');
      if (field && object && right) {
        member = textOf(this.src, field);
        const value = peel(right);
        const valueText = textOf(this.src, value);
        this.fn.writes.push({
          member,
          object: objectRef(this.src, object, ctx.scope),
          isNull: isNullLiteral(this.src, right),
          isTrue: valueText === 'true' || valueText === '1',
          ...(kind(value) === 'identifier' ? { valueIdent: valueText } : {}),
          text: foldedText(this.src, node),
          cond: ctx.cond,
          guards: ctx.guards,
          params: ctx.params,
          ...startPos(this.src, node),
          ...endPos(this.src, node),
        });
        this.expression(object, ctx);
      }
    } else if (left) {
      this.expression(left, ctx);
    }
    if (!right) return;
    const value = peel(right);
    const variable = left && peel(left).type === 'identifier' ? textOf(this.src, peel(left)) : undefined;
    if (variable && left && kind(unwrap(left)) === 'identifier') this.noteAddressOf(variable, right, ctx);
    if (kind(value) === 'call_expression') this.call(value, ctx, member, variable);
    else if (kind(value) === 'identifier') this.fn.valueRefs.push(textOf(this.src, value));
    else this.expression(right, ctx);
  }
}
