import type { CallGraph } from '../callgraph/graph.js';
import type { Config } from '../config/types.js';
import type { Finding, Level, RuleId } from '../model.js';

export interface RuleMeta {
  id: RuleId;
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
}

export interface Rule {
  meta: RuleMeta;
  check(graph: CallGraph, config: Config): Finding[];
}

export function formatMessage(meta: RuleMeta, messageId: string, data: Record<string, string>): string {
  const template = meta.messages[messageId];
  if (template === undefined) throw new Error(`rule ${meta.id} has no message '${messageId}'`);
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, key: string) => {
    const value = data[key];
    if (value === undefined) throw new Error(`rule ${meta.id} message '${messageId}' lacks '${key}'`);
    return value;
  });
}
