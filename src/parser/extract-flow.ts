// The control flow of one function body as a small graph of blocks (summary.ts: FunctionFlow):
// returns and what they return, gotos and labels with the fall-through between them, branches
// with the conditions error handling tests (`if (ret)`, `if (ret < 0)`, `if (IS_ERR(p))`), and
// assignments of call results. Calls and writes are referred to by their index in the
// function's summary, found by position, so the flow adds little to the cached summary.
import type { SyntaxNode } from './plain-tree.js';
import { PREPROC_CONTAINERS, branches, hasElse } from './preproc.js';
import { compact } from './flow-compact.js';
import type { FlowBlock, FlowCond, FlowEnd, FlowEvent, FlowValue, FunctionFlow, FunctionSummary } from './summary.js';
import { type SourceText, declaredName, endPos, fieldOf, foldedText, kind, peel, startPos, textOf } from './syntax.js';

const ERRNO = /^E[A-Z0-9_]+$/;
/** Wrappers whose value is their (first) argument's truth: `if (unlikely(ret))`, `if (WARN_ON(!p))`. */
const TRANSPARENT = new Set(['likely', 'unlikely', 'WARN_ON', 'WARN_ON_ONCE', 'WARN', 'WARN_ONCE']);

/** Conditions are kept as text for messages only; long ones are cut to keep summaries small. */
const MAX_CONDITION_TEXT = 60;

const key = (line: number, col: number) => `${line}:${col}`;

function unwrap(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (kind(n) === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChild(0)!;
  return n;
}

class FlowBuilder {
  private blocks: FlowBlock[] = [];
  /** The block statements are added to; null after a jump (code there is unreachable until a label). */
  private current: number | null = null;
  private labels = new Map<string, number>();
  private breaks: number[] = [];
  private continues: number[] = [];
  private pointers = new Set<string>();
  private calls = new Map<string, number>();
  private writes = new Map<string, number>();

  constructor(
    private src: SourceText,
    fn: FunctionSummary,
  ) {
    fn.calls.forEach((c, i) => this.calls.set(key(c.line, c.col), i));
    fn.writes.forEach((w, i) => this.writes.set(key(w.line, w.col), i));
  }

  build(body: SyntaxNode): FunctionFlow {
    this.current = this.newBlock();
    this.statement(body);
    if (this.current !== null) this.end({ k: 'exit' });
    return { blocks: compact(this.blocks), ...(this.pointers.size ? { pointers: [...this.pointers].sort() } : {}) };
  }

  private newBlock(): number {
    this.blocks.push({ end: { k: 'jump', to: [] } });
    return this.blocks.length - 1;
  }

  private here(): number {
    if (this.current === null) this.current = this.newBlock();
    return this.current;
  }

  private emit(event: FlowEvent): void {
    const block = this.blocks[this.here()]!;
    (block.ev ??= []).push(event);
  }

  private end(end: FlowEnd): void {
    this.blocks[this.here()]!.end = end;
    this.current = null;
  }

  private jump(to: number[]): void {
    this.end({ k: 'jump', to });
  }

  /** Continues in `block`, falling through from the current one when it is reachable. */
  private enter(block: number): void {
    if (this.current !== null) this.jump([block]);
    this.current = block;
  }

  private label(name: string): number {
    let block = this.labels.get(name);
    if (block === undefined) {
      block = this.newBlock();
      this.labels.set(name, block);
    }
    return block;
  }

  private statement(node: SyntaxNode): void {
    switch (kind(node)) {
      case 'compound_statement':
        for (const child of node.namedChildren) this.statement(child);
        return;
      case 'expression_statement':
        for (const c of node.namedChildren) this.events(c);
        return;
      case 'declaration':
        this.declaration(node);
        return;
      case 'return_statement': {
        const value = node.namedChildren.find((c) => kind(c) !== 'comment');
        if (value) this.events(value);
        this.end({
          k: 'return',
          ...(value ? { value: this.value(value) } : {}),
          at: { ...startPos(this.src, node), ...endPos(this.src, node) },
        });
        return;
      }
      case 'goto_statement': {
        const label = fieldOf(node, 'label');
        this.jump(label ? [this.label(textOf(this.src, label))] : []);
        return;
      }
      case 'labeled_statement': {
        const label = fieldOf(node, 'label');
        if (label) this.enter(this.label(textOf(this.src, label)));
        for (const c of node.namedChildren) if (c !== label) this.statement(c);
        return;
      }
      case 'break_statement':
      case 'continue_statement': {
        const targets = kind(node) === 'break_statement' ? this.breaks : this.continues;
        const target = targets[targets.length - 1];
        this.jump(target === undefined ? [] : [target]);
        return;
      }
      case 'if_statement':
        this.ifStatement(node);
        return;
      case 'while_statement':
      case 'for_statement':
        this.loop(node);
        return;
      case 'do_statement':
        this.doLoop(node);
        return;
      case 'switch_statement':
        this.switchStatement(node);
        return;
      case 'comment':
        return;
      default:
        if (PREPROC_CONTAINERS.has(kind(node))) {
          this.preprocessor(node);
          return;
        }
        // Statement-like macros, error recovery: their children are statements or expressions.
        for (const child of node.namedChildren) {
          if (
            kind(child).endsWith('_statement') ||
            kind(child) === 'declaration' ||
            PREPROC_CONTAINERS.has(kind(child))
          )
            this.statement(child);
          else this.events(child);
        }
    }
  }

  private declaration(node: SyntaxNode): void {
    for (const decl of node.childrenForFieldName('declarator')) {
      const name = declaredName(this.src, decl);
      if (!name) continue;
      let d: SyntaxNode | null = decl;
      if (kind(d) === 'init_declarator') d = fieldOf(d, 'declarator');
      if (d && kind(d) === 'pointer_declarator') this.pointers.add(name);
      const value = kind(decl) === 'init_declarator' ? fieldOf(decl, 'value') : null;
      if (value && kind(value) !== 'initializer_list') {
        this.events(value);
        this.emit({ set: name, value: this.value(value) });
      } else if (kind(decl) !== 'function_declarator') {
        this.emit({ set: name, value: { k: 'other' } });
      }
    }
  }

  private ifStatement(node: SyntaxNode): void {
    const condition = fieldOf(node, 'condition');
    if (condition) this.events(condition);
    const thenBlock = this.newBlock();
    const elseBlock = this.newBlock();
    this.branch(condition ?? node, condition ? this.cond(condition) : { k: 'unknown' }, thenBlock, elseBlock);
    const join = this.newBlock();
    this.current = thenBlock;
    const consequence = fieldOf(node, 'consequence');
    if (consequence) this.statement(consequence);
    if (this.current !== null) this.jump([join]);
    this.current = elseBlock;
    const alternative = fieldOf(node, 'alternative');
    if (alternative) for (const c of alternative.namedChildren) this.statement(c);
    if (this.current !== null) this.jump([join]);
    this.current = join;
  }

  private branch(condition: SyntaxNode, cond: FlowCond, then: number, otherwise: number): void {
    let text = foldedText(this.src, unwrap(condition));
    if (text.length > MAX_CONDITION_TEXT) text = `${text.slice(0, MAX_CONDITION_TEXT - 1)}…`;
    this.end({ k: 'branch', cond, then, else: otherwise, at: startPos(this.src, condition), text });
  }

  private loop(node: SyntaxNode): void {
    const initializer = fieldOf(node, 'initializer');
    if (initializer) {
      if (kind(initializer) === 'declaration') this.declaration(initializer);
      else this.events(initializer);
    }
    const head = this.newBlock();
    const body = this.newBlock();
    const exit = this.newBlock();
    const next = this.newBlock();
    this.enter(head);
    const condition = fieldOf(node, 'condition');
    if (condition) {
      this.events(condition);
      this.branch(condition, this.cond(condition), body, exit);
    } else if (kind(node) === 'for_statement') this.jump([body]);
    else this.jump([body, exit]);
    this.current = body;
    this.breaks.push(exit);
    this.continues.push(next);
    const stmt = fieldOf(node, 'body');
    if (stmt) this.statement(stmt);
    this.breaks.pop();
    this.continues.pop();
    this.enter(next);
    const update = fieldOf(node, 'update');
    if (update) this.events(update);
    this.jump([head]);
    this.current = exit;
  }

  private doLoop(node: SyntaxNode): void {
    const body = this.newBlock();
    const test = this.newBlock();
    const exit = this.newBlock();
    this.enter(body);
    this.breaks.push(exit);
    this.continues.push(test);
    const stmt = fieldOf(node, 'body');
    if (stmt) this.statement(stmt);
    this.breaks.pop();
    this.continues.pop();
    this.enter(test);
    const condition = fieldOf(node, 'condition');
    if (condition) {
      this.events(condition);
      // `do { … } while (0)` runs once.
      if (textOf(this.src, unwrap(condition)) === '0') this.jump([exit]);
      else this.branch(condition, this.cond(condition), body, exit);
    } else this.jump([exit]);
    this.current = exit;
  }

  private switchStatement(node: SyntaxNode): void {
    const condition = fieldOf(node, 'condition');
    if (condition) this.events(condition);
    const dispatch = this.here();
    this.current = null;
    const exit = this.newBlock();
    const targets: number[] = [];
    let hasDefault = false;
    this.breaks.push(exit);
    for (const child of fieldOf(node, 'body')?.namedChildren ?? []) {
      if (kind(child) !== 'case_statement') {
        this.statement(child);
        continue;
      }
      const value = fieldOf(child, 'value');
      if (!value) hasDefault = true;
      const block = this.newBlock();
      targets.push(block);
      this.enter(block);
      for (const stmt of child.namedChildren) if (stmt !== value) this.statement(stmt);
    }
    this.breaks.pop();
    this.blocks[dispatch]!.end = { k: 'jump', to: hasDefault ? targets : [...targets, exit] };
    this.enter(exit);
  }

  /** `#ifdef` inside a body: any one branch may be compiled, or none when there is no `#else`. */
  private preprocessor(node: SyntaxNode): void {
    const fork = this.here();
    this.current = null;
    const join = this.newBlock();
    const targets: number[] = [];
    let covered = hasElse(node);
    for (const b of branches(this.src, node)) {
      if (b.cond === null) continue;
      if (b.cond.length === 0) covered = true;
      const block = this.newBlock();
      targets.push(block);
      this.current = block;
      for (const child of b.body) {
        if (kind(child).endsWith('_statement') || kind(child) === 'declaration' || PREPROC_CONTAINERS.has(kind(child)))
          this.statement(child);
        else this.events(child);
      }
      if (this.current !== null) this.jump([join]);
    }
    if (!covered) targets.push(join);
    this.blocks[fork]!.end = { k: 'jump', to: targets };
    this.current = join;
  }

  /** Calls, writes and assignments in an expression, operands before the operation. */
  private events(node: SyntaxNode): void {
    switch (kind(node)) {
      case 'call_expression': {
        const fn = fieldOf(node, 'function');
        if (fn && kind(peel(fn)) !== 'identifier') this.events(fn);
        for (const a of fieldOf(node, 'arguments')?.namedChildren ?? []) this.events(a);
        const pos = startPos(this.src, node);
        const index = this.calls.get(key(pos.line, pos.col));
        if (index !== undefined) this.emit({ call: index });
        return;
      }
      case 'assignment_expression': {
        const left = fieldOf(node, 'left');
        const right = fieldOf(node, 'right');
        if (right) this.events(right);
        if (left && kind(left) === 'field_expression') this.events(fieldOf(left, 'argument') ?? left);
        const pos = startPos(this.src, node);
        const write = this.writes.get(key(pos.line, pos.col));
        if (write !== undefined) this.emit({ write });
        const target = left ? this.variable(left) : undefined;
        const op = fieldOf(node, 'operator');
        const plain = !op || textOf(this.src, op) === '=';
        if (target) this.emit({ set: target, value: plain && right ? this.value(right) : { k: 'other' } });
        return;
      }
      case 'compound_statement': // statement expression ({ … })
        this.statement(node);
        return;
      case 'identifier':
      case 'number_literal':
      case 'string_literal':
      case 'comment':
        return;
      default:
        for (const child of node.namedChildren) {
          if (kind(child) === 'declaration' || kind(child).endsWith('_statement')) this.statement(child);
          else this.events(child);
        }
    }
  }

  /** A variable or member lvalue by its folded text (`ret`, `mmu->mapping`). */
  private variable(node: SyntaxNode): string | undefined {
    const n = unwrap(node);
    if (kind(n) === 'identifier' || kind(n) === 'field_expression') return foldedText(this.src, n);
    return undefined;
  }

  private callIndex(node: SyntaxNode): number | undefined {
    const pos = startPos(this.src, node);
    return this.calls.get(key(pos.line, pos.col));
  }

  private value(node: SyntaxNode): FlowValue {
    const n = peel(node);
    switch (kind(n)) {
      case 'null':
      case 'false':
        return { k: 'zero' };
      case 'number_literal':
        return /^0+[uUlL]*$/.test(textOf(this.src, n)) ? { k: 'zero' } : { k: 'other' };
      case 'identifier': {
        const name = textOf(this.src, n);
        if (name === 'NULL' || name === 'false') return { k: 'zero' };
        return { k: 'var', name };
      }
      case 'field_expression': {
        const field = fieldOf(n, 'field');
        return { k: 'var', name: foldedText(this.src, n), ...(field ? { member: textOf(this.src, field) } : {}) };
      }
      case 'unary_expression': {
        const op = fieldOf(n, 'operator');
        const arg = fieldOf(n, 'argument');
        if (op && arg && textOf(this.src, op) === '-') {
          const inner = unwrap(arg);
          const text = textOf(this.src, inner);
          if (
            (kind(inner) === 'identifier' && ERRNO.test(text)) ||
            (kind(inner) === 'number_literal' && !/^0+$/.test(text))
          ) {
            return { k: 'errno', text: `-${text}` };
          }
        }
        return { k: 'other' };
      }
      case 'call_expression': {
        const fn = fieldOf(n, 'function');
        const name = fn && kind(fn) === 'identifier' ? textOf(this.src, fn) : '';
        const args = fieldOf(n, 'arguments')?.namedChildren.filter((a) => kind(a) !== 'comment') ?? [];
        if (name === 'ERR_PTR' || name === 'ERR_CAST') return { k: 'errptr', text: foldedText(this.src, n) };
        if (name === 'dev_err_probe') return { k: 'errno', text: 'dev_err_probe()' };
        if ((name === 'PTR_ERR' || name === 'PTR_ERR_OR_ZERO') && args[0]) {
          const of = this.variable(peel(args[0]));
          return of ? { k: 'ptrerr', of } : { k: 'other' };
        }
        const call = this.callIndex(n);
        return call === undefined ? { k: 'other' } : { k: 'call', call };
      }
      default:
        return { k: 'other' };
    }
  }

  private cond(node: SyntaxNode): FlowCond {
    const n = unwrap(node);
    switch (kind(n)) {
      case 'unary_expression': {
        const op = fieldOf(n, 'operator');
        const arg = fieldOf(n, 'argument');
        if (op && arg && textOf(this.src, op) === '!') return { k: 'not', c: this.cond(arg) };
        return { k: 'unknown' };
      }
      case 'identifier':
      case 'field_expression':
        return { k: 'nz', v: foldedText(this.src, n) };
      case 'assignment_expression': {
        const left = fieldOf(n, 'left');
        const v = left ? this.variable(left) : undefined;
        return v ? { k: 'nz', v } : { k: 'unknown' };
      }
      case 'call_expression': {
        const fn = fieldOf(n, 'function');
        const name = fn && kind(fn) === 'identifier' ? textOf(this.src, fn) : '';
        const arg = fieldOf(n, 'arguments')?.namedChildren.find((a) => kind(a) !== 'comment');
        if (TRANSPARENT.has(name)) return arg ? this.cond(arg) : { k: 'unknown' };
        if ((name === 'IS_ERR' || name === 'IS_ERR_OR_NULL') && arg) {
          const v = this.variable(peel(arg));
          return v ? { k: name === 'IS_ERR' ? 'iserr' : 'errnull', v } : { k: 'unknown' };
        }
        const call = this.callIndex(n);
        return call === undefined ? { k: 'unknown' } : { k: 'callnz', call };
      }
      case 'binary_expression':
        return this.comparison(n);
      default:
        return { k: 'unknown' };
    }
  }

  private comparison(n: SyntaxNode): FlowCond {
    const op = textOf(this.src, fieldOf(n, 'operator')!);
    const left = fieldOf(n, 'left');
    const right = fieldOf(n, 'right');
    if (!left || !right) return { k: 'unknown' };
    if (op === '&&' || op === '||') return { k: op === '&&' ? 'and' : 'or', l: this.cond(left), r: this.cond(right) };
    const isZero = (x: SyntaxNode) => this.value(x).k === 'zero';
    // Normalise to `subject OP 0`.
    let subject: SyntaxNode;
    let relation = op;
    if (isZero(right)) subject = left;
    else if (isZero(left)) {
      subject = right;
      relation = ({ '<': '>', '>': '<', '<=': '>=', '>=': '<=' } as Record<string, string>)[op] ?? op;
    } else return { k: 'unknown' };
    const s = unwrap(subject);
    let atom: FlowCond | undefined;
    const v = this.variable(s);
    const base = (k: 'nz' | 'neg'): FlowCond | undefined => {
      if (v) return { k, v };
      if (kind(peel(s)) === 'assignment_expression') {
        const lv = fieldOf(peel(s), 'left');
        const target = lv ? this.variable(lv) : undefined;
        return target ? { k, v: target } : undefined;
      }
      const call = kind(s) === 'call_expression' ? this.callIndex(s) : undefined;
      return call === undefined ? undefined : { k: k === 'nz' ? 'callnz' : 'callneg', call };
    };
    if (relation === '!=') atom = base('nz');
    else if (relation === '==') atom = wrapNot(base('nz'));
    else if (relation === '<') atom = base('neg');
    else if (relation === '>=') atom = wrapNot(base('neg'));
    return atom ?? { k: 'unknown' };
  }
}

function wrapNot(c: FlowCond | undefined): FlowCond | undefined {
  return c ? { k: 'not', c } : undefined;
}

export function extractFlow(src: SourceText, fn: FunctionSummary, body: SyntaxNode): FunctionFlow {
  return new FlowBuilder(src, fn).build(body);
}
