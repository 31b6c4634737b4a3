import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blankAnnotations } from '../src/parser/blank.js';
import { parserSettings, summarizeSource } from '../src/parser/parse-file.js';
import { loadConfig } from '../src/rules/load-config.js';

const config = loadConfig();
const options = parserSettings(config.parser);
const summarize = (text: string) => summarizeSource(text, 'x.c', options);
const fn = (text: string, name: string) => {
  const f = summarize(text).functions.find((f) => f.name === name);
  assert.ok(f, `function ${name} not found`);
  return f;
};

test('blanking keeps every offset and leaves comments and strings alone', () => {
  const src =
    'static int __init foo(void) /* __init */ { pr_info("__init"); }\nvoid __printf(1, 2) log(const char *f, ...);\n';
  const out = blankAnnotations(src, { plain: new Set(['__init']), withArgs: new Set(['__printf']) });
  assert.equal(out.length, src.length);
  assert.equal(
    out,
    'static int        foo(void) /* __init */ { pr_info("__init"); }\nvoid                log(const char *f, ...);\n',
  );
});

test('__init, __maybe_unused and EXPORT_SYMBOL_GPL: names, storage class and exports survive', () => {
  const s = summarize(
    'static int __init foo_init(void)\n{\n\treturn platform_driver_register(&foo_driver);\n}\n' +
      'static void __maybe_unused bar(struct device *dev) { baz(dev); }\n' +
      'int qux(void) { return 0; }\nEXPORT_SYMBOL_GPL(qux);\nmodule_init(foo_init);\n',
  );
  assert.deepEqual(
    s.functions.map((f) => [f.name, f.isStatic]),
    [
      ['foo_init', true],
      ['bar', true],
      ['qux', false],
    ],
  );
  assert.deepEqual(
    s.exports.map((e) => e.name),
    ['qux'],
  );
  assert.ok(s.fileRefs.includes('foo_init'));
});

test('calls keep exact lines and character columns, with CRLF and Latin-1 text', () => {
  const s = summarize('/* Jérôme */\r\nvoid f(struct device *dev)\r\n{\r\n\t/* é */ set_dma_ops(dev, NULL);\r\n}\r\n');
  const call = s.functions[0]!.calls[0]!;
  assert.deepEqual([call.callee, call.line, call.col], ['set_dma_ops', 4, 10]);
  assert.equal(call.args[1]!.isNull, true);
});

test('list_for_each_entry bodies and statement expressions stay inside their function', () => {
  const f = fn(
    'void f(struct device *dev)\n{\n\tlist_for_each_entry(p, &head, node) {\n\t\tattach(p);\n\t}\n\tx = ({ int ' +
      'y = g(); y; });\n}\n',
    'f',
  );
  assert.deepEqual(
    f.calls.map((c) => c.callee),
    ['list_for_each_entry', 'attach', 'g'],
  );
});

test('notifier branches: early return, if, switch with fall-through and default', () => {
  const f = fn(
    `static int nb_fn(struct notifier_block *nb, unsigned long action, void *data)
{
	if (action == BUS_NOTIFY_DEL_DEVICE)
		del();
	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
	case BUS_NOTIFY_BIND_DRIVER:
		add_or_bind();
		break;
	case BUS_NOTIFY_BOUND_DRIVER:
		bound();
	default:
		other();
	}
	if (action != BUS_NOTIFY_ADD_DEVICE)
		return 0;
	add();
	return 0;
}`,
    'nb_fn',
  );
  const constraints = Object.fromEntries(f.calls.map((c) => [c.callee, c.params]));
  assert.deepEqual(constraints.del, [{ param: 1, in: ['BUS_NOTIFY_DEL_DEVICE'] }]);
  assert.deepEqual(constraints.add_or_bind, [{ param: 1, in: ['BUS_NOTIFY_ADD_DEVICE', 'BUS_NOTIFY_BIND_DRIVER'] }]);
  assert.deepEqual(constraints.bound, [{ param: 1, in: ['BUS_NOTIFY_BOUND_DRIVER'] }]);
  assert.deepEqual(constraints.other, [], 'default reached by fall-through: no constraint');
  assert.deepEqual(constraints.add, [{ param: 1, in: ['BUS_NOTIFY_ADD_DEVICE'] }]);
});

test('ownership guards and early bail-outs are recorded', () => {
  const s = summarize(
    `void arch_teardown_dma_ops(struct device *dev)
{
	if (!dev->archdata.dma_ops_setup)
		return;
	arm_teardown_iommu_dma_ops(dev);
}
void arch_setup_dma_ops(struct device *dev)
{
	if (dev->dma_ops)
		return;
	dev->archdata.dma_ops_setup = true;
}`,
  );
  const [teardown, setup] = s.functions;
  assert.deepEqual(teardown!.calls[0]!.guards, ['dma_ops_setup']);
  assert.deepEqual(
    setup!.bails.map((b) => [b.member, b.object.rootType]),
    [['dma_ops', 'device']],
  );
  assert.deepEqual(
    setup!.writes.map((w) => [w.member, w.isTrue]),
    [['dma_ops_setup', true]],
  );
});

test('member writes resolve the declared type of their object', () => {
  const f = fn(
    `static struct platform_device *gpdev;
static int probe(struct platform_device *pdev)
{
	struct mmc_host *host = mmc_priv(pdev);
	pdev->dev.dma_ops = &ops;
	host->dma_ops = &sdhci_dma;
	gpdev->dev.dma_ops = NULL;
	return 0;
}`,
    'probe',
  );
  assert.deepEqual(
    f.writes.map((w) => [w.object.rootType, w.object.members, w.isNull]),
    [
      ['platform_device', ['dev'], false],
      ['mmc_host', [], false],
      ['platform_device', ['dev'], true],
    ],
  );
});

test('#if 0 is dead, other branches carry their condition', () => {
  const s = summarize(
    '#if 0\nvoid dead(void) { a(); }\n#endif\n#ifdef CONFIG_X\nvoid x(void) { b(); }\n#else\nvoid y(void) ' +
      '{\n#if defined(CONFIG_Y) && CONFIG_Z > 1\n\tc();\n#endif\n}\n#endif\n',
  );
  assert.deepEqual(
    s.functions.map((f) => [f.name, f.cond]),
    [
      ['x', ['defined(CONFIG_X)']],
      ['y', ['!defined(CONFIG_X)']],
    ],
  );
  assert.deepEqual(s.functions[1]!.calls[0]!.cond, ['!defined(CONFIG_X)', 'defined(CONFIG_Y) && CONFIG_Z > 1']);
});

test('a function-like macro shadows later uses of its name, not a definition', () => {
  const s = summarize(
    '#define set_dma_ops(d, o) do { } while (0)\nvoid f(struct device *dev) { set_dma_ops(dev, NULL); g(); }\n',
  );
  assert.deepEqual(
    s.functions[0]!.calls.map((c) => c.callee),
    ['g'],
  );
  const t = summarize(
    '#ifndef CONFIG_ARM_DMA_USE_IOMMU\n#define arm_iommu_attach_device(d, m) (-ENODEV)\n#endif\nvoid f(void) { ' +
      'arm_iommu_attach_device(d, m); }\n',
  );
  assert.deepEqual(
    t.functions[0]!.calls.map((c) => c.callee),
    ['arm_iommu_attach_device'],
    'the macro only exists in other configurations',
  );
});

test('ops tables bind functions to fields, also inside #ifdef and nested compound literals', () => {
  const s = summarize(`static const struct iommu_ops ops = {
	.add_device = a_add,
#ifdef CONFIG_PM
	.remove_device = a_remove,
#endif
	.default_domain_ops = &(const struct iommu_domain_ops) {
		.attach_dev = a_attach,
	},
};`);
  const fields = s.tables.flatMap((t) => t.fields.map((f) => `${t.structType ?? '?'}.${f.field}=${f.fn}`)).sort();
  assert.deepEqual(fields, [
    'iommu_domain_ops.attach_dev=a_attach',
    'iommu_ops.add_device=a_add',
    'iommu_ops.remove_device=a_remove',
  ]);
});

test('files larger than the default parse buffer parse whole', () => {
  const body = Array.from({ length: 4000 }, (_, i) => `\tcall_${i}(dev);`).join('\n');
  const f = fn(`void big(struct device *dev)\n{\n${body}\n\tset_dma_ops(dev, NULL);\n}\n`, 'big');
  assert.equal(f.calls.length, 4001);
  assert.equal(f.calls.at(-1)!.line, 4003);
});

test(
  'kernel shapes keep their functions and calls: DEFINE_*, ' + '__attribute__, split declarators, #ifdef in bodies',
  () => {
    const s = summarize(`static DEFINE_MUTEX(iommu_lock);
static DEFINE_SPINLOCK(iommu_spin);
static int __attribute__((unused)) helper(struct device *dev)
{
	return arm_iommu_attach_device(dev, m);
}

static int
split_name(struct device *dev)
{
#ifdef CONFIG_ARM_DMA_USE_IOMMU
	set_dma_ops(dev, &iommu_ops);
#else
	set_dma_ops(dev, NULL);
#endif
	return 0;
}

static void __iomem *map_it(struct device *dev)
{
	return devm_ioremap(dev, 0, 4);
}
module_platform_driver(foo_driver);
`);
    assert.deepEqual(
      s.functions.map((f) => f.name),
      ['helper', 'split_name', 'map_it'],
    );
    const split = s.functions[1]!;
    assert.deepEqual(
      split.calls.map((c) => [c.callee, c.line, c.cond]),
      [
        ['set_dma_ops', 12, ['defined(CONFIG_ARM_DMA_USE_IOMMU)']],
        ['set_dma_ops', 14, ['!defined(CONFIG_ARM_DMA_USE_IOMMU)']],
      ],
    );
    assert.ok(s.fileRefs.includes('foo_driver'));
  },
);
