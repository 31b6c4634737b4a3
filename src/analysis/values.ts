// What a variable can hold on one path, as far as error handling tells: zero, a negative
// errno, a positive number, an ERR_PTR, a valid pointer. Tests such as `if (ret)`,
// `if (ret < 0)` or `if (IS_ERR(p))` narrow it; a test that leaves nothing makes the path
// impossible.

export const ZERO = 1;
export const NEG = 2;
export const POS = 4;
export const ERRPTR = 8;
export const VALID = 16;
export const ANY = ZERO | NEG | POS | ERRPTR | VALID;

/** How a call's result in a variable of this type fails and succeeds. */
export type VarType = 'int' | 'pointer' | 'unknown';

// A positive int result is neither: `if (ret)` takes it as a failure, `if (ret < 0)` as a success.
const FAIL: Record<VarType, number> = { int: NEG, pointer: ZERO | ERRPTR, unknown: NEG | ERRPTR };
const SUCCESS: Record<VarType, number> = { int: ZERO, pointer: VALID, unknown: ZERO | POS | VALID };

export function callResult(type: VarType): number {
  return type === 'int' ? ZERO | NEG | POS : type === 'pointer' ? ZERO | ERRPTR | VALID : ANY;
}

/** Only failures are left: the call the value came from failed. */
export const hasFailed = (mask: number, type: VarType) => (mask & SUCCESS[type]) === 0;
/** Only successes are left. */
export const hasSucceeded = (mask: number, type: VarType) => (mask & FAIL[type]) === 0;

export interface VarValue {
  mask: number;
  /** Index of the call whose result this is, while that is known on the path. */
  origin?: number;
  /** Holds the ops the device had before (`old = get_dma_ops(dev)`): writing it back restores. */
  oldOps?: boolean;
  /**
   * Nothing on the path says what it holds (a member read, an expression, no assignment): it
   * may hold anything, but is not shown to be an error until a test leaves only errors.
   */
  unknown?: boolean;
}

export const UNKNOWN: VarValue = { mask: ANY, unknown: true };

/** Can the value be an error: a negative errno or an ERR_PTR, shown by what was assigned or tested? */
export function canBeError(v: VarValue): boolean {
  const errors = v.mask & (NEG | ERRPTR);
  return errors !== 0 && (!v.unknown || (v.mask & ~(NEG | ERRPTR)) === 0);
}

export function joinValues(a: VarValue, b: VarValue): VarValue {
  const out: VarValue = { mask: a.mask | b.mask };
  if (a.origin !== undefined && a.origin === b.origin) out.origin = a.origin;
  if (a.oldOps && b.oldOps) out.oldOps = true;
  // One path with a value shown to be possibly an error is enough.
  if (a.unknown && b.unknown) out.unknown = true;
  return out;
}

export const sameValue = (a: VarValue, b: VarValue) =>
  a.mask === b.mask && a.origin === b.origin && a.oldOps === b.oldOps && a.unknown === b.unknown;

/** What a test being `truth` leaves of a value: `nz`, `neg`, `iserr`, `errnull`. */
export function narrow(mask: number, test: 'nz' | 'neg' | 'iserr' | 'errnull', truth: boolean): number {
  const kept = { nz: ~ZERO & ANY, neg: NEG, iserr: ERRPTR, errnull: ERRPTR | ZERO }[test];
  return truth ? mask & kept : mask & ~kept & ANY;
}
