// The compact, serialisable result of parsing one file. Everything later stages know about the
// C code is here; syntax trees never leave the parser (they are large and, with the native
// binding, never freed).

export interface Pos {
  line: number; // 1-based
  col: number; // 1-based, in characters
}

/** A constraint on one parameter of the enclosing function, e.g. a notifier's event. */
export interface ParamConstraint {
  param: number; // index of the parameter
  /** The parameter equals one of these constants. */
  in?: string[];
  /** The parameter equals none of these constants. */
  notIn?: string[];
  /** The parameter is non-zero (`if (coherent)`), or zero (`if (!coherent)`). */
  truthy?: boolean;
}

/** What is known to hold where a call or write executes. */
export interface SiteContext {
  /** Preprocessor conditions, outermost first (`CONFIG_X`, `!defined(CONFIG_Y)`, `FOO > 1`). */
  cond: string[];
  /** Members tested true on every path to the site (`dma_ops_setup` for `if (!d->archdata.dma_ops_setup) return;`). */
  guards: string[];
  /** Constraints on parameters on every path to the site. */
  params: ParamConstraint[];
}

export interface ArgInfo {
  /** Source text, whitespace folded. */
  text: string;
  isNull: boolean;
  /** The argument when it is a constant named as the kernel names them (`DEV_DMA_COHERENT`). */
  constant?: string;
  /** Whether the argument, a literal (`0`, `1UL`, `true`, `false`, `NULL`), is non-zero. */
  truthy?: boolean;
  /** Bare identifier (after `&` and casts are peeled). */
  ident?: string;
  /** Last member name of a field expression (`mmu->mapping` → `mapping`). */
  member?: string;
  /** Declared struct type of the argument when it is a variable in scope. */
  structType?: string;
  /** A member expression's object, resolved as far as the file allows (`&pdev->dev`). */
  object?: ObjectRef;
}

export interface CallSite extends Pos, SiteContext {
  callee: string;
  /** Set when the callee is a function pointer member: `ops->add_device(dev)` → `add_device`. */
  viaMember?: boolean;
  /** For a call through a member, the object it is loaded from: `mmu->funcs->destroy(mmu)` → `mmu->funcs`. */
  object?: ObjectRef;
  args: ArgInfo[];
  /** The member the result is stored in: `mmu->mapping = create(...)` → `mapping`. */
  storedInMember?: string;
  /** The variable the result is stored in: `mapping = create(...)` → `mapping`. */
  assignedTo?: string;
  endLine: number;
  endCol: number;
}

/** The object expression whose member is written, resolved as far as the file allows. */
export interface ObjectRef {
  /** Root variable name, when the expression starts at one. */
  root?: string;
  /** Struct tag of the root variable, from the declarations in scope. */
  rootType?: string;
  /** Members walked from the root, outermost first (`pdev->dev.dma_ops` → ['dev']). */
  members: string[];
  text: string;
}

export interface MemberWrite extends Pos, SiteContext {
  member: string;
  object: ObjectRef;
  isNull: boolean;
  /** Value is the literal true/1 (flags such as dma_ops_setup). */
  isTrue: boolean;
  /** Bare identifier assigned, when it is one (a function bound at run time: `nb.notifier_call = fn`). */
  valueIdent?: string;
  /** The assignment's source text, whitespace folded (part of a finding's identity). */
  text: string;
  endLine: number;
  endCol: number;
}

/** `if (dev->dma_ops) return;`: the function returns early when a member is already set. */
export interface EarlyBail extends Pos {
  member: string;
  object: ObjectRef;
}

export interface ParamInfo {
  name: string;
  structType?: string;
}

export interface FunctionSummary extends Pos {
  name: string;
  isStatic: boolean;
  endLine: number;
  cond: string[];
  params: ParamInfo[];
  calls: CallSite[];
  writes: MemberWrite[];
  bails: EarlyBail[];
  /** Identifiers used as values (callbacks passed or stored), for address-taken functions. */
  valueRefs: string[];
  /**
   * Locals set to the address of a member (`dev = &vdpasim->vdpa.dev`, in a declaration or an
   * assignment): where a struct embedded in another object is used under a name of its own.
   */
  addressOf?: { name: string; object: ObjectRef }[];
  /** Set when the definition was recovered from a broken parse (name from a misplaced field). */
  recovered?: boolean;
  /** The body's control flow, for functions with calls or writes. */
  flow?: FunctionFlow;
}

export interface FieldBinding extends Pos {
  field: string;
  fn: string;
}

/** A designated initializer (or run-time assignments) binding functions to struct fields. */
export interface OpsTable extends Pos {
  structType?: string;
  /**
   * A table nested in another's initializer (`.base = { .f = fn }`) without a type of its own:
   * the outer table's type and the designators down to this one, for the call graph to type it
   * from the struct definitions.
   */
  within?: { structType: string; members: string[] };
  name: string;
  fields: FieldBinding[];
  cond: string[];
}

export interface MacroDef extends Pos {
  name: string;
  functionLike: boolean;
  cond: string[];
}

export interface StructDef {
  name: string;
  /** Members whose type is a struct (by value or pointer): member → struct tag. */
  members: Record<string, string>;
}

export interface FileSummary {
  file: string;
  functions: FunctionSummary[];
  tables: OpsTable[];
  exports: (Pos & { name: string })[];
  macros: MacroDef[];
  structs: StructDef[];
  /** Identifiers passed as arguments at file scope (`module_init(fn)`, `EXPORT_SYMBOL(fn)`). */
  fileRefs: string[];
  /** Objects the file defines at file scope, by struct tag (`static struct device test_dev;`). */
  objects?: { name: string; structType: string }[];
  /** Number of ERROR nodes tree-sitter produced (that the extractor met). */
  errorNodes: number;
  /** First and last line of each of them. */
  errorSpans: [number, number][];
  /** Interesting sites that sat outside any recognisable function after error recovery. */
  orphanCalls: number;
}

// The control flow of a function body, for path-sensitive rules. Blocks hold events in source
// order (call sites and member writes by their index in the function's `calls` and `writes`,
// assignments to variables) and end in a jump, a branch on a condition, or a return. Only
// what error paths need is kept: values that are errors or not, and tests that tell them apart.

/** What a returned or assigned value is, as far as error paths care. */
export type FlowValue =
  /** 0, NULL, false. */
  | { k: 'zero' }
  /** A negative errno constant (`-EPROBE_DEFER`, `-ENOMEM`, `-1`) or `dev_err_probe(…)`. */
  | { k: 'errno'; text: string }
  /** `ERR_PTR(…)`, `ERR_CAST(…)`. */
  | { k: 'errptr'; text: string }
  /** `PTR_ERR(x)`, `PTR_ERR_OR_ZERO(x)`: an error when `x` holds one. */
  | { k: 'ptrerr'; of: string }
  /** The result of `calls[call]`. */
  | { k: 'call'; call: number }
  /** A variable or a member read (`old`, `mmu->mapping`), by its folded text; `member` is its last member. */
  | { k: 'var'; name: string; member?: string }
  | { k: 'other' };

/** A branch condition over variables (by folded text) or call results; anything else is unknown. */
export type FlowCond =
  /** Non-zero; negative; IS_ERR(); IS_ERR_OR_NULL(). */
  | { k: 'nz' | 'neg' | 'iserr' | 'errnull'; v: string }
  /** `if (foo())`, `if (foo() < 0)`: the result of `calls[call]` is non-zero, negative. */
  | { k: 'callnz' | 'callneg'; call: number }
  | { k: 'not'; c: FlowCond }
  | { k: 'and' | 'or'; l: FlowCond; r: FlowCond }
  | { k: 'unknown' };

export type FlowEvent = { call: number } | { write: number } | { set: string; value: FlowValue };

export interface FlowSite extends Pos {
  endLine: number;
  endCol: number;
}

export type FlowEnd =
  /** To one of these blocks (none: a dead end, such as code after a `for (;;)`). */
  | { k: 'jump'; to: number[] }
  /** `text`: the condition's source, folded and cut short, to name the branch in messages. */
  | { k: 'branch'; cond: FlowCond; then: number; else: number; at: Pos; text: string }
  | { k: 'return'; value?: FlowValue; at: FlowSite }
  /** Falls off the end of the function. */
  | { k: 'exit' };

export interface FlowBlock {
  ev?: FlowEvent[];
  end: FlowEnd;
}

export interface FunctionFlow {
  /** Block 0 is the entry. */
  blocks: FlowBlock[];
  /** Locals declared as pointers: a call result kept in one fails as NULL or an ERR_PTR. */
  pointers?: string[];
}
