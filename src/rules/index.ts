// The registry: every rule, and what the rest of the tool asks of them (ids, settings, needs,
// findings). Nothing outside src/rules names a rule; adding one is its module and a line here.
import { analysesOf } from '../analysis/analyses.js';
import type { CallGraph } from '../callgraph/graph.js';
import { type Needs, mergeNeeds } from '../callgraph/needs.js';
import { type Config, type RuleSettings, type RuleSpec, defaultSettings } from '../config/types.js';
import type { Finding, Notification } from '../model.js';
import { type ReportDescriptor, type RuleModule, findingOf } from './rule.js';
import { asymmetricTeardown } from './asymmetric-teardown.js';
import { attachBeforeSetup } from './attach-before-setup.js';
import { errorPathLeavesDmaState } from './error-path-leaves-dma-state.js';
import { setDmaOpsOutsideSetupTeardown } from './set-dma-ops-outside-setup-teardown.js';

/** Every rule, in the README's order (SARIF's rules[] lists them by id, for stable diffs of logs). */
export const RULES: readonly RuleModule[] = [
  setDmaOpsOutsideSetupTeardown,
  attachBeforeSetup,
  asymmetricTeardown,
  errorPathLeavesDmaState,
];

const ids = new Set<string>();
for (const rule of RULES) {
  if (ids.has(rule.meta.id)) throw new Error(`two rules have the id ${rule.meta.id}`);
  ids.add(rule.meta.id);
}

export function ruleIds(): string[] {
  return RULES.map((r) => r.meta.id);
}

/** What the configuration knows of each rule (config/types.ts RuleSpec): its meta. */
export const RULE_SPECS: readonly RuleSpec[] = RULES.map((r) => r.meta);

function settingsOf(config: Config, rule: RuleModule): RuleSettings {
  return config.rules[rule.meta.id] ?? defaultSettings(rule.meta);
}

/** The options a rule's check and needs see: its settings without `enabled` and `level`. */
function optionsOf(settings: RuleSettings): object {
  const options: Record<string, unknown> = { ...settings };
  delete options.enabled;
  delete options.level;
  return options;
}

function enabled(config: Config): RuleModule[] {
  return RULES.filter((r) => settingsOf(config, r).enabled);
}

/** What the enabled rules need the scan to parse, together. */
export function neededByRules(config: Config): Needs {
  return mergeNeeds(enabled(config).map((r) => r.needs(config, optionsOf(settingsOf(config, r)))));
}

/** The findings of the enabled rules, rule by rule, and what they could not check. */
export function runRules(
  graph: CallGraph,
  config: Config,
  each: (findings: Finding[]) => Finding[] = (f) => f,
): { findings: Finding[]; notifications: Notification[] } {
  const notifications: Notification[] = [];
  const notify = (n: Notification) => notifications.push(n);
  const analyses = analysesOf(graph, config);
  const shared = {
    effects: () => analyses.effects(),
    pairs: () => analyses.pairs(),
    errorPaths: () => analyses.errorPaths(),
    driverCore: () => analyses.driverCore(),
  };
  const findings = enabled(config).flatMap((rule) => {
    const settings = settingsOf(config, rule);
    const found: Finding[] = [];
    const report = (d: ReportDescriptor) => found.push(findingOf(rule.meta, settings.level, d));
    rule.check({ graph, config, options: optionsOf(settings), level: settings.level, notify, report, ...shared });
    return each(found);
  });
  return { findings, notifications };
}
