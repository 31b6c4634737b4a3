// Preprocessor branches: each piece of a file lives under a stack of conditions. Only literal
// `#if 0` / `#if 1` are decided here; deciding CONFIG_* needs a .config and is a later stage's job.
import type { Tristate } from '../logic/tristate.js';
import { type SourceText, type SyntaxNode, textOf, kind, fieldOf } from './syntax.js';

export const PREPROC_CONTAINERS = new Set([
  'preproc_if',
  'preproc_ifdef',
  'preproc_else',
  'preproc_elif',
  'preproc_elifdef',
]);

export interface Branch {
  /** Conditions that select the branch (all must hold), or null when it is dead (`#if 0`). */
  cond: string[] | null;
  /** Nodes in the branch body. */
  body: SyntaxNode[];
}

function literal(cond: string): Tristate {
  const c = cond.trim();
  if (c === '0') return false;
  if (c === '1') return true;
  return undefined;
}

/** `defined(X)` → `!defined(X)`, `!X` → `X`, anything compound → `!(…)`. */
export function negate(cond: string): string {
  if (!/^!?(?:defined\s*\(\s*\w+\s*\)|\w+)$/.test(cond)) return `!(${cond})`;
  return cond.startsWith('!') ? cond.slice(1) : `!${cond}`;
}

/**
 * Splits `#if A … #elif B … #else … #endif` into branches with the condition that selects each.
 * An empty condition list means "always" (a literal `#if 1`).
 */
export function branches(src: SourceText, node: SyntaxNode): Branch[] {
  const out: Branch[] = [];
  // Conditions of earlier branches, all of which must be false for a later branch to be taken.
  const earlier: string[] = [];
  let earlierTrue = false;
  let current: SyntaxNode | null = node;
  while (current) {
    let own: string;
    if (kind(current) === 'preproc_ifdef' || kind(current) === 'preproc_elifdef') {
      const name = fieldOf(current, 'name');
      const negated = current.child(0)?.type.includes('ndef') ?? false;
      own = name ? `${negated ? '!' : ''}defined(${textOf(src, name)})` : '';
    } else if (kind(current) === 'preproc_else') {
      own = '';
    } else {
      const c = fieldOf(current, 'condition');
      own = c ? textOf(src, c).replace(/\s+/g, ' ').trim() : '';
    }
    const value = own === '' ? true : literal(own);
    const alternative: SyntaxNode | null = fieldOf(current, 'alternative');
    const body = current.namedChildren.filter(
      (c) => c.field !== 'alternative' && c.field !== 'condition' && c.field !== 'name',
    );
    const parts = [...earlier.map(negate)];
    if (value === undefined) parts.push(own);
    const dead = earlierTrue || value === false;
    out.push({ cond: dead ? null : parts, body });
    if (value === true) earlierTrue = true;
    else if (value === undefined) earlier.push(own);
    current = alternative;
  }
  return out;
}

/** False when one list holds a condition and the other its negation: never compiled together. */
export function conditionsCompatible(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return !b.some((c) => set.has(negate(c)));
}

/** Whether an `#if` chain ends in `#else`: then one of its branches is always compiled. */
export function hasElse(node: SyntaxNode): boolean {
  let current: SyntaxNode | null = node;
  while (current) {
    if (kind(current) === 'preproc_else') return true;
    current = fieldOf(current, 'alternative');
  }
  return false;
}
