// Three-valued evaluation of the conditions the extractor records: `#if` expressions as the C
// preprocessor sees them (defined(), numbers, && || ! ?: and the arithmetic and comparison
// operators), the kernel's IS_ENABLED() family, and C-level `if (IS_ENABLED(CONFIG_X))`.
// A macro nobody can decide makes its part of the expression unknown, so that a branch is only
// ever dead when the configuration really leaves it out.

import type { ConfigTest } from '../config/types.js';
import { type Tristate, and, not, or } from '../logic/tristate.js';

/** What the preprocessor knows about a macro: defined or not, and its value; undefined = unknown. */
export interface MacroValue {
  defined: boolean | undefined;
  /** Numeric value when defined as a number (`CONFIG_X=y` is 1). */
  value: number | undefined;
}

export type MacroOracle = (name: string) => MacroValue;

export const UNKNOWN_MACRO: MacroValue = { defined: undefined, value: undefined };
export const UNDEFINED_MACRO: MacroValue = { defined: false, value: 0 };

/** A value during evaluation: a number, or undefined when unknown. */
type V = number | undefined;

/** A value as a truth value (C: non-zero is true), and back. */
const truth = (v: V): Tristate => (v === undefined ? undefined : v !== 0);
const number = (k: Tristate): V => (k === undefined ? undefined : k ? 1 : 0);

const TOKEN =
  /\s*(?:(0[xX][0-9a-fA-F]+|\d+)[uUlL]*|([A-Za-z_]\w*)|(&&|\|\||<<|>>|<=|>=|==|!=|[-+*/%<>!~&|^?:(),])|('(?:\\.|[^'])*'|"(?:\\.|[^"])*"))/y;

/** A C integer literal's value: hexadecimal, octal (a leading 0) or decimal. */
const cNumber = (digits: string): number =>
  digits.length > 1 && digits.startsWith('0') && !/^0[xX]/.test(digits) ? parseInt(digits, 8) : Number(digits);

function tokenize(text: string): string[] | undefined {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) return undefined;
    at = TOKEN.lastIndex;
    out.push(m[1] !== undefined ? `#${cNumber(m[1])}` : m[0].trim());
  }
  return out;
}

const BINARY: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '^': 4,
  '&': 5,
  '==': 6,
  '!=': 6,
  '<': 7,
  '>': 7,
  '<=': 7,
  '>=': 7,
  '<<': 8,
  '>>': 8,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
};

/** rules.yaml's `parser.configTests`: IS_ENABLED() and its family. */
export type ConfigTests = Readonly<Record<string, ConfigTest>>;

const tristate = (v: boolean | 'unknown'): Tristate => (v === 'unknown' ? undefined : v);

class Parser {
  private at = 0;
  constructor(
    private tokens: string[],
    private macro: MacroOracle,
    private tests: ConfigTests,
  ) {}

  private peek(): string | undefined {
    return this.tokens[this.at];
  }
  private next(): string {
    const t = this.tokens[this.at++];
    if (t === undefined) throw new SyntaxError('unexpected end');
    return t;
  }
  private expect(t: string): void {
    if (this.next() !== t) throw new SyntaxError(`expected ${t}`);
  }

  parse(): V {
    const v = this.ternary();
    if (this.at !== this.tokens.length) throw new SyntaxError('trailing tokens');
    return v;
  }

  private ternary(): V {
    const c = this.binary(1);
    if (this.peek() !== '?') return c;
    this.next();
    const a = this.ternary();
    this.expect(':');
    const b = this.ternary();
    if (c === undefined) return a === b ? a : undefined;
    return c !== 0 ? a : b;
  }

  private binary(min: number): V {
    let left = this.unary();
    for (;;) {
      const op = this.peek();
      const prec = op === undefined ? undefined : BINARY[op];
      if (prec === undefined || prec < min) return left;
      this.next();
      const right = this.binary(prec + 1);
      left = apply(op!, left, right);
    }
  }

  private unary(): V {
    const t = this.next();
    if (t === '!') {
      return number(not(truth(this.unary())));
    }
    if (t === '-') {
      const v = this.unary();
      return v === undefined ? undefined : -v;
    }
    if (t === '+') return this.unary();
    if (t === '~') {
      const v = this.unary();
      return v === undefined ? undefined : ~v;
    }
    if (t === '(') {
      const v = this.ternary();
      this.expect(')');
      return v;
    }
    if (t.startsWith('#')) return Number(t.slice(1));
    if (t.startsWith("'") || t.startsWith('"')) return undefined;
    if (!/^[A-Za-z_]/.test(t)) throw new SyntaxError(`unexpected ${t}`);
    if (t === 'defined') {
      const paren = this.peek() === '(';
      if (paren) this.next();
      const name = this.next();
      if (paren) this.expect(')');
      const d = this.macro(name).defined;
      return d === undefined ? undefined : d ? 1 : 0;
    }
    if (this.peek() === '(') {
      const args = this.arguments();
      const test = Object.hasOwn(this.tests, t) ? this.tests[t] : undefined;
      if (test && args.length === 1 && args[0]!.length === 1) return this.kconfigTest(test, args[0]![0]!);
      return undefined; // any other function-like macro: its expansion is unknown
    }
    const m = this.macro(t);
    if (m.defined === false) return 0;
    return m.defined === true ? m.value : undefined;
  }

  /** Skips a balanced argument list, returning each argument's tokens. */
  private arguments(): string[][] {
    this.expect('(');
    const args: string[][] = [[]];
    let depth = 0;
    for (;;) {
      const t = this.next();
      if (t === '(') depth++;
      else if (t === ')' && depth-- === 0) break;
      if (t === ',' && depth === 0) args.push([]);
      else args[args.length - 1]!.push(t);
    }
    return args.length === 1 && args[0]!.length === 0 ? [] : args;
  }

  /** include/linux/kconfig.h: a symbol is built in when defined as 1, modular when NAME_MODULE is. */
  private kconfigTest(test: ConfigTest, name: string): V {
    const isOne = (m: MacroValue): Tristate =>
      m.defined === false ? false : m.defined === true && m.value !== undefined ? m.value === 1 : undefined;
    const builtin = isOne(this.macro(name));
    const module = isOne(this.macro(`${name}_MODULE`));
    return number(or(and(builtin, tristate(test.y)), and(module, tristate(test.m))));
  }
}

function apply(op: string, a: V, b: V): V {
  if (op === '&&') return number(and(truth(a), truth(b)));
  if (op === '||') return number(or(truth(a), truth(b)));
  if (a === undefined || b === undefined) return undefined;
  switch (op) {
    case '|':
      return a | b;
    case '^':
      return a ^ b;
    case '&':
      return a & b;
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '<':
      return a < b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case '<<':
      return a * 2 ** b;
    case '>>':
      return Math.floor(a / 2 ** b);
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? undefined : Math.trunc(a / b);
    case '%':
      return b === 0 ? undefined : a % b;
    default:
      return undefined;
  }
}

/**
 * True when the condition holds, false when it cannot, undefined when it depends on something
 * the oracle does not know (or the text is not an expression this evaluator reads).
 */
export function evaluateCondition(text: string, macro: MacroOracle, tests: ConfigTests): boolean | undefined {
  const tokens = tokenize(text);
  if (!tokens || tokens.length === 0) return undefined;
  try {
    return truth(new Parser(tokens, macro, tests).parse());
  } catch {
    return undefined;
  }
}

/**
 * A condition as a reader says it: `defined(CONFIG_X)` and `IS_ENABLED(CONFIG_X)` are
 * `CONFIG_X`, their negations `!CONFIG_X`; anything else as written.
 */
export function describeCondition(cond: string): string {
  const c = cond.trim();
  const simple =
    /^(!?)\s*(?:\(\s*)?(?:defined\s*\(\s*(\w+)\s*\)|defined\s+(\w+)|IS_ENABLED\s*\(\s*(\w+)\s*\))(?:\s*\))?$/.exec(c);
  if (simple && (c.includes('(') ? balanced(c) : true)) return `${simple[1]}${simple[2] ?? simple[3] ?? simple[4]}`;
  const neg = /^!\((.*)\)$/.exec(c);
  if (neg && balanced(neg[1]!)) {
    const inner = describeCondition(neg[1]!);
    if (/^!?\w+(?:\(\w+\))?$/.test(inner)) return inner.startsWith('!') ? inner.slice(1) : `!${inner}`;
  }
  return c;
}

function balanced(s: string): boolean {
  let depth = 0;
  for (const ch of s) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}
