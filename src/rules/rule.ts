// The shape of a rule: one module whose `meta` says everything about it (docs, messages, its
// options with their schema and defaults), whose `needs` tells the scan what to parse for it,
// and whose `check` turns the call graph into findings. CONTRIBUTING.md "Adding a rule" walks through one.
import type { Analyses } from '../analysis/analyses.js';
import type { CallGraph } from '../callgraph/graph.js';
import type { Needs } from '../callgraph/needs.js';
import type { Config } from '../config/types.js';
import type { Finding, Level, Notification } from '../model.js';

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
}

export interface RuleModule<O extends object = object> {
  meta: RuleMeta<O>;
  /** What the scan must parse for this rule (callgraph/needs.ts). */
  needs(config: Config, options: O): Partial<Needs>;
  check(context: RuleContext<O>): Finding[];
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
export function findingMessage(
  meta: Pick<RuleMeta, 'id' | 'messages'>,
  messageId: string,
  data: Record<string, string>,
): Pick<Finding, 'messageId' | 'message' | 'messageData'> {
  const message = formatMessage(meta, messageId, data);
  const names = placeholderNames(meta.messages[messageId]!);
  return { messageId, message, messageData: Object.fromEntries(names.map((n) => [n, data[n]!])) };
}
