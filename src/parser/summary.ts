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
  /** Bare identifier (after `&` and casts are peeled). */
  ident?: string;
  /** Last member name of a field expression (`mmu->mapping` → `mapping`). */
  member?: string;
  /** Declared struct type of the argument when it is a variable in scope. */
  structType?: string;
}

export interface CallSite extends Pos, SiteContext {
  callee: string;
  /** Set when the callee is a function pointer member: `ops->add_device(dev)` → `add_device`. */
  viaMember?: boolean;
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
  /** Set when the definition was recovered from a broken parse (name from a misplaced field). */
  recovered?: boolean;
}

export interface FieldBinding extends Pos {
  field: string;
  fn: string;
}

/** A designated initializer (or run-time assignments) binding functions to struct fields. */
export interface OpsTable extends Pos {
  structType?: string;
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
  /** Number of ERROR nodes tree-sitter produced (that the extractor met). */
  errorNodes: number;
  /** First and last line of each of them. */
  errorSpans: [number, number][];
  /** Interesting sites that sat outside any recognisable function after error recovery. */
  orphanCalls: number;
}
