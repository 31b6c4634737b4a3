// A finding under preprocessor or IS_ENABLED() conditions exists only in the configurations
// that meet them: its message says so ("… (only with CONFIG_ARM_DMA_USE_IOMMU)"), so that a
// reader of a tree-wide report knows which configurations have the problem. The note is made
// from the conditions alone, whatever the run's configuration, so that a finding keeps its
// message (and its fingerprint) between runs with and without a .config.
import type { Finding } from '../model.js';
import { describeCondition } from './expr.js';

export function conditionNote(conditions: readonly string[]): string {
  return [...new Set(conditions.map(describeCondition))].join(' && ');
}

export function withConditionNotes(findings: Finding[]): Finding[] {
  return findings.map((f) =>
    f.conditions.length ? { ...f, message: `${f.message} (only with ${conditionNote(f.conditions)})` } : f,
  );
}
