// Turns one syntax tree into a FileSummary: functions with their call sites and member writes,
// ops tables, exports, macros and struct definitions. Written to survive tree-sitter's error
// recovery on kernel code: unknown node kinds are searched, never skipped.
import type { Tree } from 'tree-sitter';
import { type SyntaxNode, plainTree } from './plain-tree.js';
import { type Facts, factsOf } from './facts.js';
import { PREPROC_CONTAINERS, branches, negate } from './preproc.js';
import type {
  ArgInfo,
  CallSite,
  FileSummary,
  FunctionSummary,
  MacroDef,
  ObjectRef,
  OpsTable,
  ParamInfo,
  SiteContext,
} from './summary.js';
import {
  type SourceText,
  declaredName,
  endPos,
  foldedText,
  isNullLiteral,
  makeSource,
  peel,
  startPos,
  textOf,
  typeName,
  kind,
  fieldOf,
} from './syntax.js';

export interface ExtractOptions {
  /** Top-level macros that export a symbol: EXPORT_SYMBOL, EXPORT_SYMBOL_GPL, … */
  exportMacros: ReadonlySet<string>;
}

/** Variable name → struct tag ('' when declared with a non-struct type), innermost scope first. */
class Scope {
  private vars = new Map<string, string>();
  constructor(private parent: Scope | null) {}
  declare(name: string, type: string | undefined): void {
    this.vars.set(name, type ?? '');
  }
  lookup(name: string): string | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const t = s.vars.get(name);
      if (t !== undefined) return t === '' ? undefined : t;
    }
    return undefined;
  }
}

interface Ctx extends SiteContext {
  scope: Scope;
  paramIndex: ReadonlyMap<string, number>;
}

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

class FileExtractor {
  readonly summary: FileSummary;
  private fileScope = new Scope(null);
  private current: FunctionSummary | null = null;
  private orphanCount = 0;

  constructor(
    private src: SourceText,
    file: string,
    private options: ExtractOptions,
  ) {
    this.summary = {
      file,
      functions: [],
      tables: [],
      exports: [],
      macros: [],
      structs: [],
      fileRefs: [],
      errorNodes: 0,
      errorSpans: [],
      orphanCalls: 0,
    };
  }

  run(root: SyntaxNode): void {
    this.topLevel(root, []);
    this.summary.functions = this.summary.functions.filter((f) => f.calls.length + f.writes.length + f.valueRefs.length > 0 || !f.recovered);
    this.dropShadowedCalls();
  }

  private errorNode(node: SyntaxNode): void {
    this.summary.errorNodes++;
    this.summary.errorSpans.push([node.startRow + 1, node.endRow + 1]);
  }

  // ---- file scope ---------------------------------------------------------------------------

  private topLevel(node: SyntaxNode, cond: string[]): void {
    for (const child of node.namedChildren) this.topItem(child, cond);
  }

  private topItem(node: SyntaxNode, cond: string[]): void {
    switch (kind(node)) {
      case 'function_definition':
        this.functionDefinition(node, cond);
        return;
      case 'declaration':
        this.fileDeclaration(node, cond);
        return;
      case 'type_definition':
      case 'struct_specifier':
      case 'union_specifier':
        this.collectStructs(node);
        return;
      case 'expression_statement':
        this.fileStatement(node, cond);
        return;
      case 'preproc_def':
      case 'preproc_function_def':
        this.macro(node, cond);
        return;
      case 'compound_statement':
        // A body whose header was lost to error recovery: keep its calls under a stand-in name.
        this.orphanBody(node, cond);
        return;
      case 'comment':
      case 'preproc_include':
      case 'preproc_call':
        return;
      default:
        if (PREPROC_CONTAINERS.has(kind(node))) {
          for (const b of branches(this.src, node)) {
            if (b.cond === null) continue;
            const inner = [...cond, ...b.cond];
            for (const child of b.body) this.topItem(child, inner);
          }
          return;
        }
        if (kind(node) === 'ERROR') this.errorNode(node);
        this.topLevel(node, cond);
    }
  }

  private macro(node: SyntaxNode, cond: string[]): void {
    const name = fieldOf(node, 'name');
    if (!name) return;
    const def: MacroDef = {
      name: textOf(this.src, name),
      functionLike: kind(node) === 'preproc_function_def',
      cond,
      ...startPos(this.src, node),
    };
    this.summary.macros.push(def);
  }

  private fileStatement(node: SyntaxNode, cond: string[]): void {
    const expr = node.namedChild(0);
    if (expr?.type === 'call_expression') {
      const fn = fieldOf(expr, 'function');
      const args = fieldOf(expr, 'arguments')?.namedChildren ?? [];
      const name = fn?.type === 'identifier' ? textOf(this.src, fn) : '';
      for (const arg of args) {
        const p = peel(arg);
        if (kind(p) !== 'identifier') continue;
        const ident = textOf(this.src, p);
        if (this.options.exportMacros.has(name)) this.summary.exports.push({ name: ident, ...startPos(this.src, expr) });
        else this.summary.fileRefs.push(ident);
      }
      return;
    }
    // Anything else at file scope (error recovery) is searched for definitions.
    this.topLevel(node, cond);
  }

  private fileDeclaration(node: SyntaxNode, cond: string[]): void {
    this.collectStructs(node);
    const type = typeName(this.src, fieldOf(node, 'type'));
    for (const decl of node.childrenForFieldName('declarator')) {
      const name = declaredName(this.src, decl);
      if (!name) continue;
      if (kind(decl) === 'function_declarator') continue; // a prototype
      this.fileScope.declare(name, type);
      const value = kind(decl) === 'init_declarator' ? fieldOf(decl, 'value') : null;
      if (value?.type === 'initializer_list') this.table(value, name, type, cond);
      else if (value) this.collectValueRefs(value, this.summary.fileRefs);
    }
  }

  private collectStructs(node: SyntaxNode): void {
    const stack = [node];
    while (stack.length) {
      const n = stack.pop()!;
      if ((kind(n) === 'struct_specifier' || kind(n) === 'union_specifier') && fieldOf(n, 'body')) {
        const name = fieldOf(n, 'name');
        const members: Record<string, string> = {};
        for (const field of fieldOf(n, 'body')!.namedChildren) {
          if (kind(field) !== 'field_declaration') continue;
          const t = typeName(this.src, fieldOf(field, 'type'));
          if (!t) continue;
          for (const d of field.childrenForFieldName('declarator')) {
            const member = declaredName(this.src, d);
            if (member) members[member] = t;
          }
        }
        if (name) this.summary.structs.push({ name: textOf(this.src, name), members });
      }
      for (const c of n.namedChildren) stack.push(c);
    }
  }

  /** A designated initializer: `.add_device = ipmmu_add_device` binds a function to a field. */
  private table(list: SyntaxNode, name: string, structType: string | undefined, cond: string[]): void {
    const table: OpsTable = { name, structType, fields: [], cond, ...startPos(this.src, list) };
    for (const item of list.namedChildren) {
      if (kind(item) === 'initializer_pair') {
        const designator = item.childrenForFieldName('designator').at(-1);
        const value = fieldOf(item, 'value');
        if (!designator || !value) continue;
        const field = designator.namedChild(0);
        if (kind(designator) !== 'field_designator' || !field) continue;
        const fieldName = textOf(this.src, field);
        const v = peel(value);
        if (kind(v) === 'identifier') {
          table.fields.push({ field: fieldName, fn: textOf(this.src, v), ...startPos(this.src, item) });
        } else if (kind(v) === 'initializer_list') {
          this.table(v, `${name}.${fieldName}`, undefined, cond);
        } else if (kind(v) === 'compound_literal_expression') {
          const inner = fieldOf(v, 'value');
          const t = typeName(this.src, fieldOf(v, 'type')?.childForFieldName('type') ?? null);
          if (inner?.type === 'initializer_list') this.table(inner, `${name}.${fieldName}`, t, cond);
        }
      } else if (kind(item) === 'initializer_list') {
        this.table(item, name, structType, cond); // array of tables
      } else if (peel(item).type === 'identifier') {
        this.summary.fileRefs.push(textOf(this.src, peel(item))); // positional initializer
      } else if (kind(item) === 'assignment_expression') {
        // `#ifdef` inside an initializer list: tree-sitter recovers `.field = fn` as an assignment.
        const left = fieldOf(item, 'left');
        const right = fieldOf(item, 'right');
        const field = left?.type === 'field_expression' ? fieldOf(left, 'field') : null;
        if (field && right && peel(right).type === 'identifier') {
          table.fields.push({ field: textOf(this.src, field), fn: textOf(this.src, peel(right)), ...startPos(this.src, field) });
        }
      } else if (PREPROC_CONTAINERS.has(kind(item)) || kind(item) === 'ERROR') {
        // `#ifdef` inside an initializer list, or a macro that broke it: search what is inside.
        const inner = item.descendantsOfType('initializer_pair');
        if (inner.length) this.tableFromPairs(inner, table);
      }
    }
    if (table.fields.length) this.summary.tables.push(table);
  }

  private tableFromPairs(pairs: SyntaxNode[], table: OpsTable): void {
    for (const pair of pairs) {
      const designator = pair.childrenForFieldName('designator').at(-1);
      const value = fieldOf(pair, 'value');
      const field = designator?.namedChild(0);
      if (!field || !value || peel(value).type !== 'identifier') continue;
      table.fields.push({ field: textOf(this.src, field), fn: textOf(this.src, peel(value)), ...startPos(this.src, pair) });
    }
  }

  // ---- functions ----------------------------------------------------------------------------

  private functionDefinition(node: SyntaxNode, cond: string[]): void {
    const declarator = fieldOf(node, 'declarator');
    let fnDecl: SyntaxNode | null = declarator;
    while (fnDecl && kind(fnDecl) !== 'function_declarator') {
      fnDecl = fieldOf(fnDecl, 'declarator') ?? (kind(fnDecl) === 'parenthesized_declarator' ? fnDecl.namedChild(0) : null);
    }
    let name = fnDecl ? declaredName(this.src, fieldOf(fnDecl, 'declarator')) : undefined;
    let recovered = false;
    if (!name) {
      // `static int __init foo(void)` misparsed: the name sits in the type field.
      const type = fieldOf(node, 'type');
      if (type?.type === 'type_identifier') {
        name = textOf(this.src, type);
        recovered = true;
      }
    }
    const isStatic = node.namedChildren.some((c) => kind(c) === 'storage_class_specifier' && textOf(this.src, c) === 'static');
    const params: ParamInfo[] = [];
    for (const p of fieldOf(fnDecl, 'parameters')?.namedChildren ?? []) {
      if (kind(p) !== 'parameter_declaration') continue;
      const pname = declaredName(this.src, fieldOf(p, 'declarator'));
      params.push({ name: pname ?? '', structType: typeName(this.src, fieldOf(p, 'type')) });
    }
    const fn: FunctionSummary = {
      name: name ?? `<anonymous@${node.startRow + 1}>`,
      isStatic,
      cond,
      params,
      calls: [],
      writes: [],
      bails: [],
      valueRefs: [],
      recovered: recovered || !name || undefined,
      ...startPos(this.src, node),
      endLine: node.endRow + 1,
    };
    const body = fieldOf(node, 'body');
    this.walkFunction(fn, body);
    this.summary.functions.push(fn);
  }

  private orphanBody(node: SyntaxNode, cond: string[]): void {
    const fn: FunctionSummary = {
      name: `<file-scope code at line ${node.startRow + 1}>`,
      isStatic: false,
      cond,
      params: [],
      calls: [],
      writes: [],
      bails: [],
      valueRefs: [],
      recovered: true,
      ...startPos(this.src, node),
      endLine: node.endRow + 1,
    };
    this.walkFunction(fn, node);
    this.orphanCount += fn.calls.length;
    this.summary.orphanCalls = this.orphanCount;
    this.summary.functions.push(fn);
  }

  private walkFunction(fn: FunctionSummary, body: SyntaxNode | null): void {
    if (!body) return;
    const scope = new Scope(this.fileScope);
    const paramIndex = new Map<string, number>();
    fn.params.forEach((p, i) => {
      scope.declare(p.name, p.structType);
      if (p.name) paramIndex.set(p.name, i);
    });
    this.current = fn;
    this.statement(body, { cond: fn.cond, guards: [], params: [], scope, paramIndex }, true);
    this.current = null;
  }

  /** Walks a statement; returns the context that holds after it (early returns add facts). */
  private statement(node: SyntaxNode, ctx: Ctx, functionBody = false): Ctx {
    switch (kind(node)) {
      case 'compound_statement': {
        let inner: Ctx = { ...ctx, scope: new Scope(ctx.scope) };
        for (const child of node.namedChildren) inner = this.statement(child, inner, functionBody && kind(child) === 'if_statement');
        return ctx;
      }
      case 'declaration': {
        const type = typeName(this.src, fieldOf(node, 'type'));
        for (const decl of node.childrenForFieldName('declarator')) {
          const name = declaredName(this.src, decl);
          if (name) ctx.scope.declare(name, type);
          const value = kind(decl) === 'init_declarator' ? fieldOf(decl, 'value') : null;
          if (value?.type === 'initializer_list' && name) this.table(value, name, type, ctx.cond);
          else if (value && peel(value).type === 'call_expression' && name) {
            this.call(peel(value), ctx, undefined, name);
          } else if (value) {
            this.expression(value, ctx);
            if (peel(value).type === 'identifier') this.current!.valueRefs.push(textOf(this.src, peel(value)));
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
        if (consequence) this.statement(consequence, withFacts(inThen, factsOf(this.src, condition, true, ctx.paramIndex)));
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
        if (kind(node) === 'ERROR') this.errorNode(node);
        // Loops, labels, `do {} while`, statement-like macros and error nodes: their children
        // are statements or expressions; walk them all.
        for (const child of node.namedChildren) {
          if (kind(child).endsWith('_statement') || kind(child) === 'declaration' || PREPROC_CONTAINERS.has(kind(child))) {
            this.statement(child, ctx);
          } else {
            this.expression(child, ctx);
          }
        }
        return ctx;
    }
  }

  /**
   * The configuration tests in an `if` condition: the conjuncts made only of IS_ENABLED(),
   * IS_BUILTIN(), IS_MODULE() or IS_REACHABLE() of CONFIG_ symbols hold in the consequence; the
   * negation of the whole condition holds in the alternative when all of it is such a test.
   */
  private configConditions(condition: SyntaxNode | null): { whenTrue: string[]; whenFalse?: string } {
    const isConfig = (n: SyntaxNode) => {
      const text = foldedText(this.src, n);
      const rest = text.replace(/\bIS_(?:ENABLED|BUILTIN|MODULE|REACHABLE)\s*\(\s*CONFIG_\w+\s*\)/g, '');
      return rest !== text && /^[\s!&|()]*$/.test(rest);
    };
    let c = condition;
    while (c && kind(c) === 'parenthesized_expression' && c.namedChildCount === 1) c = c.namedChild(0);
    if (!c || !/IS_[A-Z]+\s*\(\s*CONFIG_/.test(textOf(this.src, c))) return { whenTrue: [] };
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
    while (inner && kind(inner) === 'parenthesized_expression' && inner.namedChildCount === 1) inner = inner.namedChild(0);
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
      if (param !== undefined && Array.isArray(active)) caseCtx = withFacts(ctx, { guards: [], params: [{ param, in: active }] });
      if (param !== undefined && active === 'default') caseCtx = withFacts(ctx, { guards: [], params: [{ param, notIn: allValues }] });
      let stmtCtx = caseCtx;
      fellThrough = true;
      for (const stmt of child.namedChildren) {
        if (stmt === v) continue;
        stmtCtx = this.statement(stmt, stmtCtx);
        if (kind(stmt) === 'break_statement' || kind(stmt) === 'return_statement' || kind(stmt) === 'goto_statement') fellThrough = false;
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
    this.current!.bails.push({
      member: textOf(this.src, field),
      object: this.objectRef(object, this.scopeFor()),
      ...startPos(this.src, condition),
    });
  }

  // The scope of the statement being walked is not needed for bails: they test parameters.
  private scopeFor(): Scope {
    const s = new Scope(this.fileScope);
    for (const p of this.current!.params) s.declare(p.name, p.structType);
    return s;
  }

  // ---- expressions --------------------------------------------------------------------------

  private expression(node: SyntaxNode, ctx: Ctx): void {
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
        if (kind(node) === 'ERROR') this.errorNode(node);
        for (const child of node.namedChildren) {
          if (kind(child) === 'declaration' || kind(child).endsWith('_statement')) this.statement(child, ctx);
          else this.expression(child, ctx);
        }
    }
  }

  private call(node: SyntaxNode, ctx: Ctx, storedInMember?: string, assignedTo?: string): void {
    const fn = fieldOf(node, 'function');
    const argsNode = fieldOf(node, 'arguments');
    const argNodes = argsNode?.namedChildren.filter((a) => kind(a) !== 'comment') ?? [];
    let callee: string | undefined;
    let viaMember = false;
    const target = fn ? peel(fn) : null;
    if (target?.type === 'identifier') callee = textOf(this.src, target);
    else if (target?.type === 'field_expression') {
      const field = fieldOf(target, 'field');
      if (field) {
        callee = textOf(this.src, field);
        viaMember = true;
      }
      this.expression(target, ctx);
    } else if (target) this.expression(target, ctx);
    if (callee) {
      const site: CallSite = {
        callee,
        ...(viaMember ? { viaMember } : {}),
        args: argNodes.map((a) => this.argInfo(a, ctx)),
        ...(storedInMember ? { storedInMember } : {}),
        ...(assignedTo ? { assignedTo } : {}),
        cond: ctx.cond,
        guards: ctx.guards,
        params: ctx.params,
        ...startPos(this.src, node),
        ...endPos(this.src, node),
      };
      this.current!.calls.push(site);
    }
    for (const a of argNodes) {
      const p = peel(a);
      if (kind(p) === 'identifier') this.current!.valueRefs.push(textOf(this.src, p));
      else this.expression(a, ctx);
    }
  }

  private argInfo(node: SyntaxNode, ctx: Ctx): ArgInfo {
    const p = peel(node);
    const info: ArgInfo = { text: foldedText(this.src, node), isNull: isNullLiteral(this.src, node) };
    if (kind(p) === 'identifier') {
      info.ident = textOf(this.src, p);
      const t = ctx.scope.lookup(info.ident);
      if (t) info.structType = t;
    } else if (kind(p) === 'field_expression') {
      const field = fieldOf(p, 'field');
      if (field) info.member = textOf(this.src, field);
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
        this.current!.writes.push({
          member,
          object: this.objectRef(object, ctx.scope),
          isNull: isNullLiteral(this.src, right),
          isTrue: valueText === 'true' || valueText === '1',
          ...(kind(value) === 'identifier' ? { valueIdent: valueText } : {}),
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
    if (kind(value) === 'call_expression') this.call(value, ctx, member, variable);
    else if (kind(value) === 'identifier') this.current!.valueRefs.push(textOf(this.src, value));
    else this.expression(right, ctx);
  }

  /** `pdev->dev` → root pdev (struct platform_device), members ['dev']. */
  private objectRef(node: SyntaxNode, scope: Scope): ObjectRef {
    const members: string[] = [];
    let n = peel(node);
    for (;;) {
      if (kind(n) === 'field_expression') {
        const field = fieldOf(n, 'field');
        if (field) members.unshift(textOf(this.src, field));
        n = peel(fieldOf(n, 'argument')!);
      } else if (kind(n) === 'subscript_expression') {
        n = peel(fieldOf(n, 'argument')!);
      } else break;
    }
    const ref: ObjectRef = { members, text: foldedText(this.src, node) };
    if (kind(n) === 'identifier') {
      ref.root = textOf(this.src, n);
      const t = scope.lookup(ref.root);
      if (t) ref.rootType = t;
    }
    return ref;
  }

  private collectValueRefs(node: SyntaxNode, into: string[]): void {
    for (const id of node.descendantsOfType('identifier')) into.push(textOf(this.src, id));
  }

  // ---- macros shadowing calls -----------------------------------------------------------------

  /**
   * `#define set_dma_ops(d, o) do { } while (0)` makes later uses in the file macro expansions,
   * not calls, wherever the macro's conditions hold for the use.
   */
  private dropShadowedCalls(): void {
    const macros = this.summary.macros.filter((m) => m.functionLike);
    if (macros.length === 0) return;
    const covers = (m: MacroDef, line: number, cond: string[]) =>
      m.line < line && m.cond.every((c, i) => cond[i] === c);
    for (const fn of this.summary.functions) {
      fn.calls = fn.calls.filter((c) => !macros.some((m) => m.name === c.callee && !c.viaMember && covers(m, c.line, c.cond)));
    }
  }
}

export function extractSummary(tree: Tree, text: string, file: string, options: ExtractOptions): FileSummary {
  const src = makeSource(text);
  const extractor = new FileExtractor(src, file, options);
  extractor.run(plainTree(tree, src));
  return extractor.summary;
}
