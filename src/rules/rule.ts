// The shape of a rule: one module whose `meta` says everything about it (docs, messages, its
// options with their schema and defaults), whose `needs` tells the scan what to parse for it,
// and whose `check` decides findings from the call graph and reports each through its context.
// CONTRIBUTING.md "Adding a rule" walks through one.
import type { Analyses } from '../analysis/analyses.js';
import type { CallGraph } from '../callgraph/graph.js';
import type { Needs } from '../callgraph/needs.js';
import type { Config } from '../config/types.js';
import type { Finding, Level, Location, Notification, PathStep, RelatedLocation } from '../model.js';

/** A JSON schema fragment (ajv, strict mode): the schema of one option. */
export type OptionSchema = Record<string, unknown>;

export interface RuleMeta<O extends object = object> {
  /** kebab-case, unique among the rules (the registry checks). */
  id: string;
  /** PascalCase name, as SARIF reportingDescriptor.name wants it. */
  name: string;
  shortDescription: string;
  fullDescription: string;
  /** Kernel rationale and how to fix, plain text and markdown. */
  help: { text: string; markdown: string };
  defaultLevel: Level;
  tags: string[];
  precision: 'very-high' | 'high' | 'medium' | 'low';
  /** Message templates keyed by message id; `{{name}}` is replaced from data. */
  messages: Record<string, string>;
  /**
   * The rule's own settings in rules.yaml, beside `enabled` and `level`: the schema of each and
   * its default. A rules file sets only what it changes.
   */
  options?: { schema: { [K in keyof O]: OptionSchema }; defaults: O };
}

/** The shared analyses (analysis/analyses.ts): built once per call graph, whichever rules ask. */
export interface RuleContext<O extends object = object> extends Analyses {
  graph: CallGraph;
  /** The shared kernel knowledge of rules.yaml (architectures, APIs, entry points, …). */
  config: Config;
  /** The rule's options, its defaults merged with rules.yaml. */
  options: O;
  level: Level;
  /** What the rule could not check (a bound its analysis reached), reported with the run's notifications. */
  notify: (notification: Notification) => void;
  /** Reports a finding: the context fills in the rule, the level and the message. */
  report: (descriptor: ReportDescriptor) => void;
}

/**
 * What a rule decides about one finding. The rest of what a finding carries (its rule id, its
 * level, its message made from the template, and the data kept to the names the template
 * uses) the context fills in, as ESLint's report translator does.
 */
export interface ReportDescriptor {
  messageId: string;
  /** The template's `{{name}}`s; more may be passed (a rule may hand every template the same data). */
  data: Record<string, string>;
  location: Location;
  /** Function holding the primary location; part of the fingerprint. */
  function: string;
  /** What is wrong (Finding.kind): part of the fingerprint. */
  kind: string;
  /** The primary site's own source text: part of the fingerprint. */
  site: string;
  /** From the entry point down to the primary location. */
  path?: PathStep[];
  related?: RelatedLocation[];
  /** Preprocessor conditions the primary location lives under. */
  conditions?: string[];
  /** Another level than the rule's configured one (a finding reported for review only). */
  level?: Level;
  /** The statement that causes it, when not the primary location (Finding.cause). */
  cause?: Location;
}

export interface RuleModule<O extends object = object> {
  meta: RuleMeta<O>;
  /** What the scan must parse for this rule (callgraph/needs.ts). */
  needs(config: Config, options: O): Partial<Needs>;
  /** Decides the rule's findings, each through `context.report`. */
  check(context: RuleContext<O>): void;
}

/** Ties a module's option type to its meta, needs and check (as typescript-eslint's createRule does). */
export function defineRule<O extends object = object>(rule: RuleModule<O>): RuleModule<O> {
  return rule;
}

const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;

/** The `{{name}}`s of a message template, each once, in order of first use (SARIF numbers them so). */
export function placeholderNames(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

export function formatMessage(
  meta: Pick<RuleMeta, 'id' | 'messages'>,
  messageId: string,
  data: Record<string, string>,
): string {
  const template = meta.messages[messageId];
  if (template === undefined) throw new Error(`rule ${meta.id} has no message '${messageId}'`);
  return template.replace(PLACEHOLDER, (_, key: string) => {
    const value = data[key];
    if (value === undefined) throw new Error(`rule ${meta.id} message '${messageId}' lacks '${key}'`);
    return value;
  });
}

/**
 * A finding's message: its id, its text, and the data the text was made from, kept to the
 * names the template uses (a rule may hand every template the same data), so that a test or a
 * SARIF consumer sees exactly what the message says.
 */
function findingMessage(
  meta: Pick<RuleMeta, 'id' | 'messages'>,
  messageId: string,
  data: Record<string, string>,
): Pick<Finding, 'messageId' | 'message' | 'messageData'> {
  const message = formatMessage(meta, messageId, data);
  const names = placeholderNames(meta.messages[messageId]!);
  return { messageId, message, messageData: Object.fromEntries(names.map((n) => [n, data[n]!])) };
}

/** The finding a rule reports through its context (RuleContext.report). */
export function findingOf(meta: Pick<RuleMeta, 'id' | 'messages'>, level: Level, d: ReportDescriptor): Finding {
  return {
    ruleId: meta.id,
    level: d.level ?? level,
    ...findingMessage(meta, d.messageId, d.data),
    location: d.location,
    function: d.function,
    kind: d.kind,
    site: d.site,
    path: d.path ?? [],
    related: d.related ?? [],
    conditions: d.conditions ?? [],
    ...(d.cause ? { cause: d.cause } : {}),
  };
}
