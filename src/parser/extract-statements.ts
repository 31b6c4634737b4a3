// Facts about control flow in a function body: what holds at each site (preprocessor and
// `IS_ENABLED()` conditions, ownership flags tested on the way, a notifier's event), and the
// early returns that make a function bail out (`if (dev->dma_ops) return;`).
import { collectTable } from './extract-tables.js';
import { type Ctx, ExpressionWalker, noteErrorNode, objectRef } from './extract-expressions.js';
import { type Facts, factsOf } from './facts.js';
import type { SyntaxNode } from './plain-tree.js';
import { PREPROC_CONTAINERS, branches, negate } from './preproc.js';
import { Scope } from './scope.js';
import { declaredName, fieldOf, foldedText, kind, peel, startPos, textOf, typeName } from './syntax.js';

function withFacts(ctx: Ctx, facts: Facts): Ctx {
  if (facts.guards.length === 0 && facts.params.length === 0) return ctx;
  return { ...ctx, guards: [...ctx.guards, ...facts.guards], params: [...ctx.params, ...facts.params] };
}

const EXITS = new Set(['return_statement']);

/** True when a statement always leaves the function (`return …;` or a block ending in one). */
function alwaysExits(node: SyntaxNode | null): boolean {
  if (!node) return false;
  if (EXITS.has(kind(node))) return true;
  if (kind(node) === 'compound_statement') {
    const stmts = node.namedChildren.filter((c) => kind(c) !== 'comment');
    return stmts.length > 0 && alwaysExits(stmts[stmts.length - 1]!);
  }
  if (kind(node) === 'if_statement') {
    const alt = fieldOf(node, 'alternative');
    return alwaysExits(fieldOf(node, 'consequence')) && alt !== null && alwaysExits(alt.namedChild(0));
  }
  return false;
}

export class StatementWalker extends ExpressionWalker {
  /** Walks the function's body with its parameters in scope. */
  walkBody(body: SyntaxNode): void {
    const scope = new Scope(this.file.fileScope);
    const paramIndex = new Map<string, number>();
    this.fn.params.forEach((p, i) => {
      scope.declare(p.name, p.structType);
      if (p.name) paramIndex.set(p.name, i);
    });
    this.walk(body, { cond: this.fn.cond, guards: [], params: [], scope, paramIndex }, true);
  }

  statement(node: SyntaxNode, ctx: Ctx): Ctx {
    return this.walk(node, ctx, false);
  }

  /** Walks a statement; returns the context that holds after it (early returns add facts). */
  private walk(node: SyntaxNode, ctx: Ctx, functionBody: boolean): Ctx {
    switch (kind(node)) {
      case 'compound_statement': {
        let inner: Ctx = { ...ctx, scope: new Scope(ctx.scope) };
        for (const child of node.namedChildren)
          inner = this.walk(child, inner, functionBody && kind(child) === 'if_statement');
        return ctx;
      }
      case 'declaration': {
        const type = typeName(this.src, fieldOf(node, 'type'));
        for (const decl of node.childrenForFieldName('declarator')) {
          const name = declaredName(this.src, decl);
          if (name) ctx.scope.declare(name, type);
          const value = kind(decl) === 'init_declarator' ? fieldOf(decl, 'value') : null;
          if (value && name) this.noteAddressOf(name, value, ctx);
          if (value?.type === 'initializer_list' && name)
            collectTable(this.src, this.file.summary, value, name, type, ctx.cond);
          else if (value && peel(value).type === 'call_expression' && name) {
            this.call(peel(value), ctx, undefined, name);
          } else if (value) {
            this.expression(value, ctx);
            if (peel(value).type === 'identifier') this.fn.valueRefs.push(textOf(this.src, peel(value)));
          }
        }
        return ctx;
      }
      case 'if_statement': {
        const condition = fieldOf(node, 'condition');
        if (condition) this.expression(condition, ctx);
        const consequence = fieldOf(node, 'consequence');
        const alternative = fieldOf(node, 'alternative');
        // `if (IS_ENABLED(CONFIG_X))`: a configuration condition, as #ifdef would be.
        const config = this.configConditions(condition);
        const inThen = config.whenTrue.length ? { ...ctx, cond: [...ctx.cond, ...config.whenTrue] } : ctx;
        const inElse = config.whenFalse ? { ...ctx, cond: [...ctx.cond, config.whenFalse] } : ctx;
        if (consequence)
          this.statement(consequence, withFacts(inThen, factsOf(this.src, condition, true, ctx.paramIndex)));
        const whenFalse = withFacts(inElse, factsOf(this.src, condition, false, ctx.paramIndex));
        if (alternative) for (const c of alternative.namedChildren) this.statement(c, whenFalse);
        if (alwaysExits(consequence)) {
          if (functionBody) this.recordBail(condition);
          return alternative && alwaysExits(alternative.namedChild(0)) ? ctx : whenFalse;
        }
        return ctx;
      }
      case 'switch_statement': {
        const condition = fieldOf(node, 'condition');
        if (condition) this.expression(condition, ctx);
        const body = fieldOf(node, 'body');
        if (body) this.switchBody(body, condition, ctx);
        return ctx;
      }
      case 'expression_statement':
      case 'return_statement':
        for (const c of node.namedChildren) this.expression(c, ctx);
        return ctx;
      case 'comment':
      case 'break_statement':
      case 'continue_statement':
      case 'goto_statement':
        return ctx;
      default:
        if (PREPROC_CONTAINERS.has(kind(node))) {
          for (const b of branches(this.src, node)) {
            if (b.cond === null) continue;
            const inner = b.cond.length === 0 ? ctx : { ...ctx, cond: [...ctx.cond, ...b.cond] };
            for (const child of b.body) this.statement(child, inner);
          }
          return ctx;
        }
        if (kind(node) === 'ERROR') noteErrorNode(this.file.summary, node);
        // Loops, labels, `do {} while`, statement-like macros and error nodes: their children
        // are statements or expressions; walk them all.
        for (const child of node.namedChildren) {
          if (
            kind(child).endsWith('_statement') ||
            kind(child) === 'declaration' ||
            PREPROC_CONTAINERS.has(kind(child))
          ) {
            this.statement(child, ctx);
          } else {
            this.expression(child, ctx);
          }
        }
        return ctx;
    }
  }

  /**
   * A Kconfig test of a CONFIG_ symbol (rules.yaml `parser.configTests`: IS_ENABLED(CONFIG_X) …),
   * or `!`, `&&`, `||` and parentheses over such tests.
   */
  private isConfigTest(n: SyntaxNode): boolean {
    const operator = () => textOf(this.src, fieldOf(n, 'operator')!);
    switch (kind(n)) {
      case 'parenthesized_expression':
        return n.namedChildCount === 1 && this.isConfigTest(n.namedChild(0)!);
      case 'unary_expression':
        return operator() === '!' && this.isConfigTest(fieldOf(n, 'argument')!);
      case 'binary_expression':
        return (
          (operator() === '&&' || operator() === '||') &&
          this.isConfigTest(fieldOf(n, 'left')!) &&
          this.isConfigTest(fieldOf(n, 'right')!)
        );
      case 'call_expression': {
        const callee = fieldOf(n, 'function');
        const args = fieldOf(n, 'arguments')?.namedChildren.filter((a) => kind(a) !== 'comment') ?? [];
        return (
          callee !== null &&
          kind(callee) === 'identifier' &&
          this.file.configTests.has(textOf(this.src, callee)) &&
          args.length === 1 &&
          kind(args[0]!) === 'identifier' &&
          textOf(this.src, args[0]!).startsWith('CONFIG_')
        );
      }
      default:
        return false;
    }
  }

  /**
   * The configuration tests in an `if` condition: the conjuncts that are Kconfig tests hold in
   * the consequence; the negation of the whole condition holds in the alternative when all of
   * it is such a test.
   */
  private configConditions(condition: SyntaxNode | null): { whenTrue: string[]; whenFalse?: string } {
    const isConfig = (n: SyntaxNode) => this.isConfigTest(n);
    let c = condition;
    while (c && kind(c) === 'parenthesized_expression' && c.namedChildCount === 1) c = c.namedChild(0);
    if (!c) return { whenTrue: [] };
    const text = (n: SyntaxNode) => foldedText(this.src, n);
    if (isConfig(c)) return { whenTrue: [text(c)], whenFalse: negate(text(c)) };
    const conjuncts: SyntaxNode[] = [];
    const split = (n: SyntaxNode) => {
      while (kind(n) === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChild(0)!;
      const op = fieldOf(n, 'operator');
      if (kind(n) === 'binary_expression' && op && textOf(this.src, op) === '&&') {
        split(fieldOf(n, 'left')!);
        split(fieldOf(n, 'right')!);
      } else conjuncts.push(n);
    };
    split(c);
    return { whenTrue: conjuncts.filter(isConfig).map(text) };
  }

  /** `switch (event) { case BUS_NOTIFY_ADD_DEVICE: … }`: each case runs for its labels only. */
  private switchBody(body: SyntaxNode, condition: SyntaxNode | null, ctx: Ctx): void {
    let inner = condition;
    while (inner && kind(inner) === 'parenthesized_expression' && inner.namedChildCount === 1)
      inner = inner.namedChild(0);
    const param = inner?.type === 'identifier' ? ctx.paramIndex.get(textOf(this.src, inner)) : undefined;
    const cases = body.namedChildren.filter((c) => kind(c) === 'case_statement');
    const allValues = cases.flatMap((c) => {
      const v = fieldOf(c, 'value');
      return v ? [textOf(this.src, v)] : [];
    });
    let active: string[] | 'default' | null = null; // labels that reach the current statements
    let fellThrough = false;
    for (const child of body.namedChildren) {
      if (kind(child) !== 'case_statement') {
        this.statement(child, ctx);
        continue;
      }
      const v = fieldOf(child, 'value');
      const label = v ? textOf(this.src, v) : 'default';
      if (label === 'default' || active === 'default') active = fellThrough && active !== null ? null : 'default';
      else active = fellThrough && Array.isArray(active) ? [...active, label] : [label];
      let caseCtx = ctx;
      if (param !== undefined && Array.isArray(active))
        caseCtx = withFacts(ctx, { guards: [], params: [{ param, in: active }] });
      if (param !== undefined && active === 'default')
        caseCtx = withFacts(ctx, { guards: [], params: [{ param, notIn: allValues }] });
      let stmtCtx = caseCtx;
      fellThrough = true;
      for (const stmt of child.namedChildren) {
        if (stmt === v) continue;
        stmtCtx = this.statement(stmt, stmtCtx);
        if (kind(stmt) === 'break_statement' || kind(stmt) === 'return_statement' || kind(stmt) === 'goto_statement')
          fellThrough = false;
      }
    }
  }

  private recordBail(condition: SyntaxNode | null): void {
    if (!condition) return;
    let c: SyntaxNode | null = condition;
    while (c && kind(c) === 'parenthesized_expression' && c.namedChildCount === 1) c = c.namedChild(0);
    if (c?.type !== 'field_expression') return;
    const field = fieldOf(c, 'field');
    const object = fieldOf(c, 'argument');
    if (!field || !object) return;
    // Bails test parameters, so the parameters' scope is enough, whatever block this is in.
    const scope = new Scope(this.file.fileScope);
    for (const p of this.fn.params) scope.declare(p.name, p.structType);
    this.fn.bails.push({
      member: textOf(this.src, field),
      object: objectRef(this.src, object, scope),
      ...startPos(this.src, condition),
    });
  }
}
