// The dataflow over one function needs of the rest of the program only what RunFacts says:
// run here against a fake, with no call graph analysis behind it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Establishment, FunctionErrorPaths, RunFacts } from '../src/analysis/error-path-facts.js';
import { FunctionRun } from '../src/analysis/function-run.js';
import { EdgePath } from '../src/callgraph/edge-path.js';
import { CallGraph, type FnNode } from '../src/callgraph/graph.js';
import { parserSettings, summarizeSource } from '../src/parser/parse-file.js';
import { loadConfig } from '../src/rules/load-config.js';

const options = parserSettings(loadConfig().parser);

const SRC = `static int helper(struct device *dev)
{
	return 0;
}

static int p(struct device *dev)
{
	int ret;

	grab(dev);
	ret = helper(dev);
	if (ret)
		return ret;
	if (!ready(dev))
		return -EPROBE_DEFER;
	drop(dev);
	return 0;
}
`;

function graphOf(text: string) {
  const graph = new CallGraph([summarizeSource(text, 'drivers/x.c', options)]);
  const fn = (name: string) => graph.named(name)[0]!;
  return { graph, fn };
}

/** Facts that know two APIs, `grab()` and `drop()`, and what `helperPaths` says of helpers. */
function fakeFacts(helperPaths: (fn: FnNode) => FunctionErrorPaths): RunFacts & { asked: string[] } {
  const asked: string[] = [];
  const apis: Record<string, { establishes: string[]; undoes: string[] }> = {
    grab: { establishes: ['hold'], undoes: [] },
    drop: { establishes: [], undoes: ['hold'] },
  };
  return {
    asked,
    opsMember: 'dma_ops',
    effectOf: (callee) => apis[callee],
    devmCallbackArg: () => undefined,
    returnsNullOnFailure: () => false,
    isOpsGetter: () => false,
    isAnotherObject: () => false,
    setter: () => undefined,
    writesOps: () => false,
    restoresAttach: () => false,
    helpersAt: (fn, call) => fn.callees.filter((e) => e.site === fn.summary.calls[call]),
    resolve: () => [],
    of: (fn) => {
      asked.push(fn.name);
      return helperPaths(fn);
    },
  };
}

const nothing = (): FunctionErrorPaths => ({ leaks: [], onSuccess: [], onError: [], undoes: new Set() });

function leaksOf(facts: RunFacts, fn: FnNode): string[] {
  const result = new FunctionRun(facts, fn, fn.summary.flow!).run();
  return result.leaks.map((l) => `${l.at.line} ${l.returns}: ${l.leaked.map((e) => `${e.kind} ${e.what}`).join(', ')}`);
}

test('a function run takes what an API does from its facts', () => {
  const { fn } = graphOf(SRC);
  const facts = fakeFacts(nothing);
  assert.deepEqual(leaksOf(facts, fn('p')), ['13 ret: hold grab()', '15 -EPROBE_DEFER: hold grab()']);
  assert.deepEqual(facts.asked, ['helper']);
});

test("a function run takes a helper's results from its facts, not from an analysis of the helper", () => {
  const { fn } = graphOf(SRC);
  const helper = fn('helper');
  const left: Establishment = {
    kind: 'lock',
    what: 'take_lock()',
    fn: helper,
    site: { line: 3, col: 2, endLine: 3, endCol: 10 },
    edges: EdgePath.empty,
  };
  // The fake says the helper leaves a lock held when it fails, and undoes `hold` either way.
  const facts = fakeFacts(() => ({ leaks: [], onSuccess: [], onError: [left], undoes: new Set(['hold']) }));
  assert.deepEqual(leaksOf(facts, fn('p')), ['13 ret: lock take_lock()']);
});
