// What a C condition tells about the code it guards: members tested true (ownership flags such
// as dev->archdata.dma_ops_setup) and constraints on parameters compared with constants (a
// notifier's event). Anything the condition does not clearly say is left out: an unknown
// condition constrains nothing, so no path is ever wrongly excluded.
import type { ParamConstraint } from './summary.js';
import { type SourceText, type SyntaxNode, textOf, kind, fieldOf, unwrap } from './syntax.js';

export interface Facts {
  guards: string[];
  params: ParamConstraint[];
}

export const NO_FACTS: Facts = { guards: [], params: [] };

/** How the kernel names its constants (enumerators, #defines): what a parameter is compared with. */
export const CONSTANT = /^[A-Z_][A-Z0-9_]*$/;

function merge(a: Facts, b: Facts): Facts {
  return { guards: [...a.guards, ...b.guards], params: [...a.params, ...b.params] };
}

/** The parameter compared and the constant it is compared with, for `p == K` / `K != p`. */
function comparison(
  src: SourceText,
  node: SyntaxNode,
  params: ReadonlyMap<string, number>,
): { param: number; value: string; equal: boolean } | undefined {
  const op = fieldOf(node, 'operator');
  const opText = op ? textOf(src, op) : '';
  if (opText !== '==' && opText !== '!=') return undefined;
  const left = unwrap(fieldOf(node, 'left')!);
  const right = unwrap(fieldOf(node, 'right')!);
  for (const [a, b] of [
    [left, right],
    [right, left],
  ] as const) {
    if (kind(a) !== 'identifier' || kind(b) !== 'identifier') continue;
    const index = params.get(textOf(src, a));
    const value = textOf(src, b);
    if (index !== undefined && CONSTANT.test(value)) return { param: index, value, equal: opText === '==' };
  }
  return undefined;
}

/** Facts that hold when `node` evaluates to `truth`. */
export function factsOf(
  src: SourceText,
  node: SyntaxNode | null,
  truth: boolean,
  params: ReadonlyMap<string, number>,
): Facts {
  if (!node) return NO_FACTS;
  const n = unwrap(node);
  switch (kind(n)) {
    case 'unary_expression': {
      const op = fieldOf(n, 'operator');
      if (op && textOf(src, op) === '!') return factsOf(src, fieldOf(n, 'argument'), !truth, params);
      return NO_FACTS;
    }
    case 'identifier': {
      // `if (coherent)`: a parameter tested for non-zero.
      const index = params.get(textOf(src, n));
      return index === undefined ? NO_FACTS : { guards: [], params: [{ param: index, truthy: truth }] };
    }
    case 'field_expression': {
      const field = fieldOf(n, 'field');
      return truth && field ? { guards: [textOf(src, field)], params: [] } : NO_FACTS;
    }
    case 'binary_expression': {
      const op = textOf(src, fieldOf(n, 'operator')!);
      const left = fieldOf(n, 'left');
      const right = fieldOf(n, 'right');
      if (op === '&&' && truth) return merge(factsOf(src, left, true, params), factsOf(src, right, true, params));
      if (op === '||' && !truth) return merge(factsOf(src, left, false, params), factsOf(src, right, false, params));
      if (op === '||' && truth) return alternatives(src, n, params);
      const cmp = comparison(src, n, params);
      if (!cmp) return NO_FACTS;
      const positive = cmp.equal === truth;
      return {
        guards: [],
        params: [positive ? { param: cmp.param, in: [cmp.value] } : { param: cmp.param, notIn: [cmp.value] }],
      };
    }
    default:
      return NO_FACTS;
  }
}

/** `a == X || a == Y` → a ∈ {X, Y}; any other disjunction says nothing. */
function alternatives(src: SourceText, node: SyntaxNode, params: ReadonlyMap<string, number>): Facts {
  const values: string[] = [];
  let param: number | undefined;
  const visit = (n: SyntaxNode): boolean => {
    const u = unwrap(n);
    if (kind(u) === 'binary_expression' && textOf(src, fieldOf(u, 'operator')!) === '||') {
      return visit(fieldOf(u, 'left')!) && visit(fieldOf(u, 'right')!);
    }
    if (kind(u) !== 'binary_expression') return false;
    const cmp = comparison(src, u, params);
    if (!cmp || !cmp.equal || (param !== undefined && cmp.param !== param)) return false;
    param = cmp.param;
    values.push(cmp.value);
    return true;
  };
  if (!visit(node) || param === undefined) return NO_FACTS;
  return { guards: [], params: [{ param, in: values }] };
}
