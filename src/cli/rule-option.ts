// --rule ID=off|note|warning|error, repeatable (ESLint's --rule): switches a rule off, or on at
// a level, over what rules.yaml says.
import { InvalidArgumentError } from 'commander';
import type { Level } from '../model.js';
import { ruleIds } from '../rules/index.js';

const SETTINGS = ['off', 'note', 'warning', 'error'] as const;
type RuleSwitch = Level | 'off';

export const RULE_OPTION_HELP =
  `switch a rule off or on at a level: ID=${SETTINGS.join('|')} (repeatable); ` + `IDs: ${ruleIds().join(', ')}`;

/** commander's argument parser for --rule: adds one ID=setting to those given before. */
export function ruleSwitch(value: string, previous: Record<string, RuleSwitch> = {}): Record<string, RuleSwitch> {
  const eq = value.indexOf('=');
  const id = (eq < 0 ? value : value.slice(0, eq)).trim();
  const setting = eq < 0 ? '' : value.slice(eq + 1).trim();
  if (!ruleIds().includes(id))
    throw new InvalidArgumentError(`unknown rule '${id}'; expected one of: ${ruleIds().join(', ')}`);
  if (!(SETTINGS as readonly string[]).includes(setting)) {
    throw new InvalidArgumentError(`expected ${id}=${SETTINGS.join('|')}`);
  }
  return { ...previous, [id]: setting as RuleSwitch };
}
