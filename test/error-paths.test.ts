// The path-sensitive analysis of error returns, on small kernel-style functions: which error
// returns leave DMA state established, through helpers, devm actions and restored ops.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorPathAnalysis } from '../src/analysis/error-paths.js';
import { CallGraph } from '../src/callgraph/graph.js';
import { loadConfig } from '../src/rules/load-config.js';
import { parserSettings, summarizeSource } from '../src/parser/parse-file.js';

const config = loadConfig();
const options = parserSettings(config.parser);

/** Leaking returns of `name` as `line: what, what`. */
function leaks(text: string, name: string): string[] {
  const graph = new CallGraph([summarizeSource(text, 'drivers/x.c', options)]);
  const fn = graph.named(name)[0];
  assert.ok(fn, `${name} not found`);
  const result = new ErrorPathAnalysis(graph, config).of(fn);
  return result.leaks.map(
    (l) =>
      `${l.at.line}: ` +
      l.leaked
        .map(
          (e) =>
            `${e.kind} ${e.what}${e.edges.length ? ` via ${Array.from(e.edges, (x) => x.to.name).join('>')}` : ''}`,
        )
        .join(', '),
  );
}

const HEAD = 'struct device { const struct dma_map_ops *dma_ops; };\nstruct platform_device { struct device dev; };\n';

test('an early return after the attach leaks it; the failed attach itself does not', () => {
  const src = `${HEAD}
static int p(struct platform_device *pdev)
{
	int ret;

	ret = arm_iommu_attach_device(&pdev->dev, mapping);
	if (ret)
		return ret;
	if (!clk_ready(pdev))
		return -EPROBE_DEFER;
	return 0;
}`;
  assert.deepEqual(leaks(src, 'p'), ['12: attach arm_iommu_attach_device(), ops arm_iommu_attach_device()']);
});

test('a goto past the undo label leaks; the correct ladder does not', () => {
  const body = (label: string) => `${HEAD}
static int p(struct platform_device *pdev)
{
	struct dma_iommu_mapping *mapping;
	int ret;

	mapping = arm_iommu_create_mapping(&platform_bus_type, 0, SZ_1G);
	if (IS_ERR(mapping))
		return PTR_ERR(mapping);
	ret = arm_iommu_attach_device(&pdev->dev, mapping);
	if (ret < 0)
		goto err_release;
	ret = hw_init(pdev);
	if (ret)
		goto ${label};
	return 0;
err_detach:
	arm_iommu_detach_device(&pdev->dev);
err_release:
	arm_iommu_release_mapping(mapping);
	return ret;
}`;
  assert.deepEqual(leaks(body('err_detach'), 'p'), []);
  assert.deepEqual(leaks(body('err_release'), 'p'), [
    '23: attach arm_iommu_attach_device(), ops arm_iommu_attach_device()',
  ]);
});

test('a return of a variable known to be 0 is not an error; one that can be negative is', () => {
  const src = `${HEAD}
static int p(struct platform_device *pdev)
{
	int ret = 0;

	set_dma_ops(&pdev->dev, &my_ops);
	if (pdev->quirk)
		return ret;
	ret = other(pdev);
	return ret;
}`;
  assert.deepEqual(leaks(src, 'p'), ['12: ops set_dma_ops()']);
});

test('devm actions and restored ops undo on the error path', () => {
  const src = `${HEAD}
static void p_detach(void *data)
{
	arm_iommu_detach_device(data);
}

static int p(struct platform_device *pdev)
{
	const struct dma_map_ops *old = get_dma_ops(&pdev->dev);
	int ret;

	ret = arm_iommu_attach_device(&pdev->dev, mapping);
	if (ret)
		return ret;
	ret = devm_add_action_or_reset(&pdev->dev, p_detach, &pdev->dev);
	if (ret)
		return ret;
	return -EPROBE_DEFER;
}

static int q(struct platform_device *pdev)
{
	const struct dma_map_ops *old = get_dma_ops(&pdev->dev);

	set_dma_ops(&pdev->dev, &my_ops);
	if (broken(pdev)) {
		set_dma_ops(&pdev->dev, old);
		return -ENODEV;
	}
	if (worse(pdev)) {
		pdev->dev.dma_ops = old;
		return -ENODEV;
	}
	if (worst(pdev))
		return -ENODEV;
	return 0;
}`;
  assert.deepEqual(leaks(src, 'p'), []);
  assert.deepEqual(leaks(src, 'q'), ['37: ops set_dma_ops()']);
});

test('ERR_PTR(-EPROBE_DEFER) from probe_device after creating a mapping leaks it', () => {
  const src = `${HEAD}
static struct iommu_device *pd(struct device *dev)
{
	struct dma_iommu_mapping *m = arm_iommu_create_mapping(&platform_bus_type, 0, SZ_1G);

	if (IS_ERR(m))
		return ERR_CAST(m);
	if (!supplier_ready(dev))
		return ERR_PTR(-EPROBE_DEFER);
	return &mmu->iommu;
}`;
  assert.deepEqual(leaks(src, 'pd'), ['11: mapping arm_iommu_create_mapping()']);
});

test('a helper that cleans up after itself leaves nothing; one that does not leaks to its caller', () => {
  const src = (cleanup: string) => `${HEAD}
static int attach(struct device *dev)
{
	int ret = arm_iommu_attach_device(dev, mapping);

	if (ret)
		return ret;
	if (check(dev)) {
		${cleanup}
		return -EINVAL;
	}
	return 0;
}

static int p(struct platform_device *pdev)
{
	int ret = attach(&pdev->dev);

	if (ret)
		return ret;
	if (late(pdev))
		return -EPROBE_DEFER;
	return 0;
}`;
  assert.deepEqual(leaks(src('arm_iommu_detach_device(dev);'), 'p'), [
    '24: attach arm_iommu_attach_device() via attach, ops arm_iommu_attach_device() via attach',
  ]);
  assert.deepEqual(leaks(src('arm_iommu_detach_device(dev);'), 'attach'), []);
  assert.deepEqual(leaks(src(''), 'p'), [
    '22: attach arm_iommu_attach_device() via attach, ops arm_iommu_attach_device() via attach',
    '24: attach arm_iommu_attach_device() via attach, ops arm_iommu_attach_device() via attach',
  ]);
});

test('loops and many independent states terminate', () => {
  const calls = Array.from(
    { length: 40 },
    (_, i) => `\tif (c${i}(dev)) set_dma_ops(dev, &o${i});\n\tif (d${i}(dev)) iommu_attach_device(dom, dev);\n`,
  ).join('');
  const src =
    `${HEAD}\nstatic int p(struct device *dev)\n{\n\tint i;\n\tfor (i = 0; i < 4; i++) ` +
    `{\n${calls}\t\tif (z(i)) goto out;\n\t}\n\treturn 0;\nout:\n\treturn -EIO;\n}`;
  assert.equal(leaks(src, 'p').length, 1);
});

test('a value nothing shows to be an error is not one, until a test leaves only errors', () => {
  const src = `${HEAD}
static struct thing *alloc_thing(struct device *dev)
{
	struct thing *t = dev->priv;
	int err;

	err = iommu_attach_device(dom, dev);
	if (err)
		return ERR_PTR(err);
	return t;
}

static int p(struct platform_device *pdev)
{
	pdev->thing = alloc_thing(&pdev->dev);
	if (IS_ERR(pdev->thing))
		return PTR_ERR(pdev->thing);
	if (IS_ERR(pdev->other))
		return PTR_ERR(pdev->other);
	return 0;
}`;
  assert.deepEqual(leaks(src, 'alloc_thing'), []);
  assert.deepEqual(leaks(src, 'p'), ['21: attach iommu_attach_device() via alloc_thing']);
});

test('returning the result of the attach: its error is the attach failing, and leaves nothing', () => {
  const src = `${HEAD}
static int attach(struct device *dev)
{
	int ret;

	if (!usable(dev))
		return -EINVAL;
	ret = arm_iommu_attach_device(dev, mapping);
	return ret;
}

static int register_dma(struct device *dev)
{
	return attach(dev);
}

static int p(struct platform_device *pdev)
{
	int ret = register_dma(&pdev->dev);

	if (ret < 0)
		return ret;
	return 0;
}`;
  assert.deepEqual(leaks(src, 'attach'), []);
  assert.deepEqual(leaks(src, 'p'), []);
});

test('mutual recursion: the result does not depend on which function is asked about first', () => {
  const src = `${HEAD}
static int retry(struct device *dev, int n);

static int settle(struct device *dev, int n)
{
	if (n)
		return retry(dev, n);
	return 0;
}

static int retry(struct device *dev, int n)
{
	arm_iommu_detach_device(dev);
	return settle(dev, n - 1);
}

static int p(struct platform_device *pdev)
{
	int ret;

	ret = arm_iommu_attach_device(&pdev->dev, mapping);
	if (ret)
		return ret;
	ret = settle(&pdev->dev, 2);
	if (ret)
		return ret;
	return 0;
}`;
  const graph = new CallGraph([summarizeSource(src, 'drivers/x.c', options)]);
  const fn = (name: string) => graph.named(name)[0]!;
  const leaksOf = (first: string[]) => {
    const analysis = new ErrorPathAnalysis(graph, config);
    for (const name of first) analysis.of(fn(name));
    return analysis.of(fn('p')).leaks.map((l) => l.at.line);
  };
  // settle() may undo the attach (through retry()): p's error return after it leaks nothing.
  assert.deepEqual(leaksOf([]), []);
  assert.deepEqual(leaksOf(['retry']), []);
  assert.deepEqual(leaksOf(['settle']), []);
  const undoes = (first: string) => {
    const analysis = new ErrorPathAnalysis(graph, config);
    analysis.of(fn(first));
    return ['settle', 'retry'].map((n) => [...analysis.of(fn(n)).undoes].sort().join('+'));
  };
  assert.deepEqual(undoes('retry'), ['attach+ops', 'attach+ops']);
  assert.deepEqual(undoes('settle'), ['attach+ops', 'attach+ops']);
});

test('a function whose dataflow reaches the bound is reported, not silently empty', () => {
  // Each pass of the loop carries the attach's result one variable further: ten visits of the loop.
  const chain = Array.from({ length: 10 }, (_, i) => `\t\tv${10 - i} = v${9 - i};\n`).join('');
  const src = `${HEAD}
static int p(struct device *dev)
{
	int v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10;

	v0 = arm_iommu_attach_device(dev, mapping);
	while (more(dev)) {
${chain}		if (v10 < 0)
			goto out;
	}
	return 0;
out:
	return -EIO;
}`;
  const graph = new CallGraph([summarizeSource(src, 'drivers/x.c', options)]);
  const p = graph.named('p')[0]!;
  const bounded = new ErrorPathAnalysis(graph, config, 4);
  assert.deepEqual(bounded.of(p).leaks, []);
  assert.deepEqual(
    bounded.gaveUp.map((g) => `${g.fn.name}: ${g.limit}`),
    ['p: a block of its control flow was visited 4 times'],
  );
  const free = new ErrorPathAnalysis(graph, config);
  assert.equal(free.of(p).leaks.length, 1);
  assert.deepEqual(free.gaveUp, []);
});
