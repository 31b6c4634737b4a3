// The control flow the extractor records for error-path analysis: returns and what they
// return, gotos into a ladder of labels that fall through to each other, branches on the tests
// error handling uses, and assignments of call results.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../src/rules/load-config.js';
import { parserSettings, summarizeSource } from '../src/parser/parse-file.js';
import type { FlowBlock, FunctionFlow, FunctionSummary } from '../src/parser/summary.js';

const config = loadConfig();
const options = parserSettings(config.parser);
const fn = (text: string, name: string): FunctionSummary => {
  const f = summarizeSource(text, 'x.c', options).functions.find((f) => f.name === name);
  assert.ok(f, `function ${name} not found`);
  return f;
};
const flowOf = (f: FunctionSummary): FunctionFlow => {
  assert.ok(f.flow, `${f.name} has no flow`);
  return f.flow;
};
/** The block holding a call to `callee`. */
const blockCalling = (f: FunctionSummary, callee: string): FlowBlock => {
  const i = f.calls.findIndex((c) => c.callee === callee);
  const block = flowOf(f).blocks.find((b) => b.ev?.some((e) => 'call' in e && e.call === i));
  assert.ok(block, `no block calls ${callee}`);
  return block;
};

const LADDER = `
static int foo_probe(struct platform_device *pdev)
{
	struct dma_iommu_mapping *mapping;
	int ret;

	mapping = arm_iommu_create_mapping(&platform_bus_type, 0, SZ_1G);
	if (IS_ERR(mapping))
		return PTR_ERR(mapping);
	ret = arm_iommu_attach_device(&pdev->dev, mapping);
	if (ret < 0)
		goto err_release;
	ret = foo_hw_init(pdev);
	if (ret)
		goto err_detach;
	if (!ready())
		return dev_err_probe(&pdev->dev, -EPROBE_DEFER, "not yet\\n");
	return 0;
err_detach:
	arm_iommu_detach_device(&pdev->dev);
err_release:
	arm_iommu_release_mapping(mapping);
	return ret;
}
`;

test('a goto ladder: branches, labels falling through, returns and what they return', () => {
  const f = fn(LADDER, 'foo_probe');
  const flow = flowOf(f);
  assert.deepEqual(flow.pointers, ['mapping']);
  const create = f.calls.findIndex((c) => c.callee === 'arm_iommu_create_mapping');
  const entry = flow.blocks[0]!;
  assert.ok(
    entry.ev?.some((e) => 'set' in e && e.set === 'mapping' && e.value.k === 'call' && e.value.call === create),
  );
  assert.deepEqual(entry.end.k === 'branch' && entry.end.cond, { k: 'iserr', v: 'mapping' });
  const early = entry.end.k === 'branch' ? flow.blocks[entry.end.then]! : undefined;
  assert.deepEqual(early?.end.k === 'return' && early.end.value, { k: 'ptrerr', of: 'mapping' });
  const attach = blockCalling(f, 'arm_iommu_attach_device');
  assert.deepEqual(attach.end.k === 'branch' && attach.end.cond, { k: 'neg', v: 'ret' });
  // err_detach falls through to err_release, which returns ret.
  const detach = blockCalling(f, 'arm_iommu_detach_device');
  assert.equal(detach.end.k, 'jump');
  const release = blockCalling(f, 'arm_iommu_release_mapping');
  assert.ok(detach.end.k === 'jump' && flow.blocks[detach.end.to[0]!] === release);
  assert.deepEqual(release.end.k === 'return' && release.end.value, { k: 'var', name: 'ret' });
  const returns = flow.blocks.flatMap((b) => (b.end.k === 'return' ? [[b.end.at.line, b.end.value?.k]] : []));
  assert.deepEqual(
    returns.sort(),
    [
      [17, 'errno'],
      [18, 'zero'],
      [23, 'var'],
      [9, 'ptrerr'],
    ].sort(),
  );
  const ready = blockCalling(f, 'ready');
  assert.deepEqual(ready.end.k === 'branch' && ready.end.cond, {
    k: 'not',
    c: { k: 'callnz', call: f.calls.findIndex((c) => c.callee === 'ready') },
  });
});

test('return values: errno constants, ERR_PTR, zero, NULL, a call, an old ops pointer', () => {
  const f = fn(
    `struct iommu_device *p(struct device *dev, int x)
{
	const struct dma_map_ops *old = get_dma_ops(dev);
	if (x == 1) return ERR_PTR(-EPROBE_DEFER);
	if (x == 2) return NULL;
	if (x == 3) return -ENOMEM;
	if (x == 4) return ERR_CAST(old);
	set_dma_ops(dev, old);
	dev->dma_ops = dev->parent->dma_ops;
	return lookup(dev);
}`,
    'p',
  );
  const values = flowOf(f).blocks.flatMap((b) => (b.end.k === 'return' ? [b.end.value] : []));
  assert.deepEqual(values, [
    { k: 'errptr', text: 'ERR_PTR(-EPROBE_DEFER)' },
    { k: 'zero' },
    { k: 'errno', text: '-ENOMEM' },
    { k: 'errptr', text: 'ERR_CAST(old)' },
    { k: 'call', call: f.calls.findIndex((c) => c.callee === 'lookup') },
  ]);
  const entry = flowOf(f).blocks[0]!;
  assert.deepEqual(entry.ev?.[1], {
    set: 'old',
    value: { k: 'call', call: f.calls.findIndex((c) => c.callee === 'get_dma_ops') },
  });
  const last = blockCalling(f, 'set_dma_ops');
  assert.ok(last.ev?.some((e) => 'write' in e && e.write === 0));
  assert.ok(
    last.ev?.some((e) => 'set' in e && e.set === 'dev->dma_ops' && e.value.k === 'var' && e.value.member === 'dma_ops'),
  );
});

test('conditions: comparisons with zero either way round, && and ||, unlikely(), IS_ERR_OR_NULL', () => {
  const f = fn(
    `int c(int ret, void *p)
{
	if (unlikely(0 > ret) || !IS_ERR_OR_NULL(p) && ret != 0) return ret;
	if (ret == 0) return 0;
	if (ret >= 0 && foo()) return 1;
	return bar();
}`,
    'c',
  );
  const conds = flowOf(f).blocks.flatMap((b) => (b.end.k === 'branch' ? [b.end.cond] : []));
  assert.deepEqual(conds[0], {
    k: 'or',
    l: { k: 'neg', v: 'ret' },
    r: { k: 'and', l: { k: 'not', c: { k: 'errnull', v: 'p' } }, r: { k: 'nz', v: 'ret' } },
  });
  assert.deepEqual(conds[1], { k: 'not', c: { k: 'nz', v: 'ret' } });
  assert.deepEqual(conds[2], {
    k: 'and',
    l: { k: 'not', c: { k: 'neg', v: 'ret' } },
    r: { k: 'callnz', call: f.calls.findIndex((c) => c.callee === 'foo') },
  });
});

test('loops, switch and #ifdef keep every way through, and unreachable code is dropped', () => {
  const f = fn(
    `int l(struct device *dev, int n)
{
	int i;
	for (i = 0; i < n; i++) {
		if (try(i)) break;
		if (skip(i)) continue;
		work(i);
	}
	switch (n) {
	case 1: one(); /* fall through */
	case 2: two(); break;
	default: return -EINVAL;
	}
#ifdef CONFIG_X
	x(dev);
#endif
	return 0;
	never();
}`,
    'l',
  );
  const flow = flowOf(f);
  assert.ok(
    !f.calls.some(
      (c, i) => c.callee === 'never' && flow.blocks.some((b) => b.ev?.some((e) => 'call' in e && e.call === i)),
    ),
  );
  const one = blockCalling(f, 'one');
  assert.ok(one.end.k === 'jump' && flow.blocks[one.end.to[0]!] === blockCalling(f, 'two'));
  // The #ifdef can be compiled out: some block jumps both into it and past it.
  const x = flow.blocks.indexOf(blockCalling(f, 'x'));
  const fork = flow.blocks.find((b) => b.end.k === 'jump' && b.end.to.includes(x) && b.end.to.length === 2);
  assert.ok(fork, 'the #ifdef body is optional');
  // The loop's head is reached again from its body.
  const work = blockCalling(f, 'work');
  assert.equal(work.end.k, 'jump');
});

test('functions without calls or writes carry no flow', () => {
  assert.equal(fn('int z(int a) { if (a) return -EINVAL; return 0; }', 'z').flow, undefined);
});
