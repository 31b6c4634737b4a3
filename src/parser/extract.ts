// Turns one syntax tree into a FileSummary: functions with their call sites and member writes,
// ops tables, exports, macros and struct definitions. Written to survive tree-sitter's error
// recovery on kernel code: unknown node kinds are searched, never skipped. This module walks
// file scope; function bodies are walked by extract-statements.ts and extract-expressions.ts,
// ops tables and structs read by extract-tables.ts.
import type { Tree } from 'tree-sitter';
import { type FileState, noteErrorNode } from './extract-expressions.js';
import { extractFlow } from './extract-flow.js';
import { StatementWalker } from './extract-statements.js';
import { collectStructs, collectTable } from './extract-tables.js';
import { type SyntaxNode, plainTree } from './plain-tree.js';
import { PREPROC_CONTAINERS, branches } from './preproc.js';
import { Scope } from './scope.js';
import type { FileSummary, FunctionSummary, MacroDef, ParamInfo } from './summary.js';
import {
  type SourceText,
  declaredName,
  fieldOf,
  kind,
  makeSource,
  peel,
  startPos,
  textOf,
  typeName,
} from './syntax.js';

export interface ExtractOptions {
  /** Top-level macros that export a symbol: EXPORT_SYMBOL, EXPORT_SYMBOL_GPL, … */
  exportMacros: ReadonlySet<string>;
  /** IS_ENABLED() and its family: `if` conditions made of them are configuration conditions. */
  configTests: ReadonlySet<string>;
}

class FileExtractor implements FileState {
  readonly summary: FileSummary;
  readonly fileScope = new Scope(null);
  readonly configTests: ReadonlySet<string>;

  constructor(
    readonly src: SourceText,
    file: string,
    private options: ExtractOptions,
  ) {
    this.configTests = options.configTests;
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

  /** Bodies whose control flow is extracted once their calls are final. */
  private bodies = new Map<FunctionSummary, SyntaxNode>();

  run(root: SyntaxNode): void {
    this.topLevel(root, []);
    this.summary.functions = this.summary.functions.filter(
      (f) => f.calls.length + f.writes.length + f.valueRefs.length > 0 || !f.recovered,
    );
    this.dropShadowedCalls();
    // A function without calls or writes can neither establish nor undo anything.
    for (const fn of this.summary.functions) {
      const body = this.bodies.get(fn);
      if (body && fn.calls.length + fn.writes.length > 0) fn.flow = extractFlow(this.src, fn, body);
    }
  }

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
        collectStructs(this.src, this.summary, node);
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
        if (kind(node) === 'ERROR') noteErrorNode(this.summary, node);
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
        if (this.options.exportMacros.has(name))
          this.summary.exports.push({ name: ident, ...startPos(this.src, expr) });
        else this.summary.fileRefs.push(ident);
      }
      return;
    }
    // Anything else at file scope (error recovery) is searched for definitions.
    this.topLevel(node, cond);
  }

  private fileDeclaration(node: SyntaxNode, cond: string[]): void {
    collectStructs(this.src, this.summary, node);
    const type = typeName(this.src, fieldOf(node, 'type'));
    for (const decl of node.childrenForFieldName('declarator')) {
      const name = declaredName(this.src, decl);
      if (!name) continue;
      if (kind(decl) === 'function_declarator') continue; // a prototype
      this.fileScope.declare(name, type);
      // The object itself, not a pointer to one: storage the file owns.
      const declarator = kind(decl) === 'init_declarator' ? fieldOf(decl, 'declarator') : decl;
      const extern = node.namedChildren.some(
        (c) => kind(c) === 'storage_class_specifier' && textOf(this.src, c) === 'extern',
      );
      const typeNode = fieldOf(node, 'type');
      if (
        type &&
        !extern &&
        declarator &&
        kind(declarator) === 'identifier' &&
        typeNode &&
        kind(typeNode) === 'struct_specifier'
      )
        (this.summary.objects ??= []).push({ name, structType: type });
      const value = kind(decl) === 'init_declarator' ? fieldOf(decl, 'value') : null;
      if (value?.type === 'initializer_list') collectTable(this.src, this.summary, value, name, type, cond);
      else if (value)
        for (const id of value.descendantsOfType('identifier')) this.summary.fileRefs.push(textOf(this.src, id));
    }
  }

  private functionDefinition(node: SyntaxNode, cond: string[]): void {
    const declarator = fieldOf(node, 'declarator');
    let fnDecl: SyntaxNode | null = declarator;
    while (fnDecl && kind(fnDecl) !== 'function_declarator') {
      fnDecl =
        fieldOf(fnDecl, 'declarator') ?? (kind(fnDecl) === 'parenthesized_declarator' ? fnDecl.namedChild(0) : null);
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
    const isStatic = node.namedChildren.some(
      (c) => kind(c) === 'storage_class_specifier' && textOf(this.src, c) === 'static',
    );
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
    if (body) {
      new StatementWalker(this, fn).walkBody(body);
      this.bodies.set(fn, body);
    }
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
    new StatementWalker(this, fn).walkBody(node);
    this.summary.orphanCalls += fn.calls.length;
    this.summary.functions.push(fn);
  }

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
      fn.calls = fn.calls.filter(
        (c) => !macros.some((m) => m.name === c.callee && !c.viaMember && covers(m, c.line, c.cond)),
      );
    }
  }
}

export function extractSummary(tree: Tree, text: string, file: string, options: ExtractOptions): FileSummary {
  const src = makeSource(text);
  const extractor = new FileExtractor(src, file, options);
  extractor.run(plainTree(tree, src));
  return extractor.summary;
}
