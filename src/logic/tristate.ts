// Three-valued logic (Kleene's strong logic), shared by the evaluators of `#if` expressions
// (kconfig/expr.ts), Makefile conditions (kconfig/kbuild.ts) and Kconfig expressions
// (kconfig/kconfig.ts): true, false, or undefined when the configuration does not tell. One
// decided side can decide the whole (`false && unknown` is false), so that a branch is dead
// only when the configuration really leaves it out.

export type Tristate = boolean | undefined;

export function and(a: Tristate, b: Tristate): Tristate {
  return a === false || b === false ? false : a === true && b === true ? true : undefined;
}

export function or(a: Tristate, b: Tristate): Tristate {
  return a === true || b === true ? true : a === false && b === false ? false : undefined;
}

export function not(a: Tristate): Tristate {
  return a === undefined ? undefined : !a;
}
