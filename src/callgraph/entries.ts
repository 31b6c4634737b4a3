// Entry points: functions the kernel calls through ops tables (add_device, notifier_call, probe…)
// and the lifecycle phase they run in, as configured in rules.yaml.
import type { EntryPoint } from '../config/types.js';
import type { Phase } from '../model.js';
import type { ParamConstraint } from '../parser/summary.js';
import type { Binding, CallGraph, FnNode } from './graph.js';

export interface EntryInstance {
  entry: EntryPoint;
  fn: FnNode;
  binding: Binding;
}

function structMatches(entry: { struct?: string }, binding: Binding): boolean {
  // A table whose type tree-sitter could not tell (nested, broken by a macro) matches by field.
  return (
    entry.struct === undefined || binding.table.structType === undefined || binding.table.structType === entry.struct
  );
}

export function entryInstances(graph: CallGraph, entries: readonly EntryPoint[]): EntryInstance[] {
  const out: EntryInstance[] = [];
  for (const entry of entries) {
    for (const binding of graph.bindingsOf(entry.field)) {
      if (structMatches(entry, binding)) out.push({ entry, fn: binding.fn, binding });
    }
  }
  return out;
}

function allows(constraints: readonly ParamConstraint[], param: number, value: string | null): boolean {
  return constraints.every((c) => {
    if (c.param !== param) return true;
    if (c.in) return value !== null && c.in.includes(value);
    if (c.notIn) return value === null || !c.notIn.includes(value);
    return true;
  });
}

/**
 * Phases in which code under `constraints` runs when the entry's function is called: for a
 * notifier, the phases of the events whose branch can reach it; otherwise the entry's phase.
 */
export function phasesAt(entry: EntryPoint, constraints: readonly ParamConstraint[]): Set<Phase> {
  if (entry.eventParam === undefined || !entry.events) return new Set([entry.phase]);
  const param = entry.eventParam;
  const phases = new Set<Phase>();
  for (const [event, phase] of Object.entries(entry.events)) {
    if (allows(constraints, param, event)) phases.add(phase);
  }
  // Events not listed: any value other than the listed ones (null stands for "some other event").
  const listed = new Set(Object.keys(entry.events));
  const otherInSet = constraints.some((c) => c.param === param && c.in?.some((v) => !listed.has(v)));
  const unconstrainedIn = !constraints.some((c) => c.param === param && c.in);
  if (otherInSet || (unconstrainedIn && allows(constraints, param, null))) phases.add(entry.phase);
  return phases;
}

/** `BUS_NOTIFY_ADD_DEVICE` for the phase, to name the branch in messages. */
export function eventsFor(entry: EntryPoint, phase: Phase): string[] {
  return Object.entries(entry.events ?? {})
    .filter(([, p]) => p === phase)
    .map(([e]) => e);
}
