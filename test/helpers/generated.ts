// Kernel-like trees generated from a spec (fast-check): call chains across files, static and
// exported helpers, mutual recursion (calls go anywhere), ops tables, bus notifiers whose switch
// falls through, the arch pair with its early return and ownership flag, and platform drivers
// whose probe returns the helpers' errors (the error paths, through recursion too), and calls
// through the driver's own ops table type, its tables and header spread over the files.
import fc from 'fast-check';

const MAX_FNS = 10;
const FILES = 4;

export const EFFECTS = {
  none: '',
  install: '\tset_dma_ops(dev, &gen_iommu_ops);\n',
  clear: '\tset_dma_ops(dev, NULL);\n',
  write: '\tdev->dma_ops = &gen_iommu_ops;\n',
  attach: '\tarm_iommu_attach_device(dev, gen_mapping);\n',
  detach: '\tarm_iommu_detach_device(dev);\n',
  create: '\tgen_priv->mapping = arm_iommu_create_mapping(&platform_bus_type, 0, SZ_1G);\n',
  release: '\tarm_iommu_release_mapping(gen_priv->mapping);\n',
  flag: '\tdev->archdata.dma_ops_setup = true;\n',
};
export type EffectName = keyof typeof EFFECTS;

export interface Fn {
  file: number;
  isStatic: boolean;
  exported: boolean;
  calls: number[];
  effect: EffectName;
  /** Returns -EPROBE_DEFER after its effect when a test fails, else 0. */
  mayDefer: boolean;
  /** Also calls `ctx->funcs->run(dev)`, through the driver's own ops table type. */
  callsMember: boolean;
}

/** A table of the driver's own type (`struct gen_funcs`, in a driver header) binding `.run`. */
export interface FuncTable {
  file: number;
  run: number;
}

/** A platform driver whose probe calls helpers, returning the first error. */
export interface Probe {
  file: number;
  calls: number[];
}

export interface Table {
  file: number;
  add?: number;
  remove?: number;
  probe?: number;
  release?: number;
}

export interface Notifier {
  file: number;
  onAdd: number[];
  onBound: number[];
  fallThrough: boolean;
}

export interface Spec {
  fns: Fn[];
  setup: number[];
  teardown: number[];
  guardedTeardown: boolean;
  tables: Table[];
  notifiers: Notifier[];
  probes: Probe[];
  funcTables: FuncTable[];
  noise: number[];
}

const index = fc.nat({ max: MAX_FNS - 1 });
export const spec: fc.Arbitrary<Spec> = fc.record({
  fns: fc.array(
    fc.record({
      file: fc.nat({ max: FILES - 1 }),
      isStatic: fc.boolean(),
      exported: fc.boolean(),
      calls: fc.array(index, { maxLength: 3 }),
      effect: fc.constantFrom(...(Object.keys(EFFECTS) as EffectName[])),
      mayDefer: fc.boolean(),
      callsMember: fc.boolean(),
    }),
    { minLength: 1, maxLength: MAX_FNS },
  ),
  setup: fc.array(index, { maxLength: 2 }),
  teardown: fc.array(index, { maxLength: 2 }),
  guardedTeardown: fc.boolean(),
  tables: fc.array(
    fc.record({
      file: fc.nat({ max: FILES - 1 }),
      add: fc.option(index, { nil: undefined }),
      remove: fc.option(index, { nil: undefined }),
      probe: fc.option(index, { nil: undefined }),
      release: fc.option(index, { nil: undefined }),
    }),
    { maxLength: 2 },
  ),
  notifiers: fc.array(
    fc.record({
      file: fc.nat({ max: FILES - 1 }),
      onAdd: fc.array(index, { maxLength: 2 }),
      onBound: fc.array(index, { maxLength: 2 }),
      fallThrough: fc.boolean(),
    }),
    { maxLength: 2 },
  ),
  probes: fc.array(
    fc.record({ file: fc.nat({ max: FILES - 1 }), calls: fc.array(index, { minLength: 1, maxLength: 3 }) }),
    { maxLength: 2 },
  ),
  funcTables: fc.array(fc.record({ file: fc.nat({ max: FILES - 1 }), run: index }), { maxLength: 2 }),
  noise: fc.array(index, { maxLength: 4 }),
});

const name = (s: Spec, i: number) => `gen_fn${i % s.fns.length}`;
const calls = (s: Spec, list: number[]) => list.map((i) => `\t${name(s, i)}(dev);\n`).join('');

/** The tree's files (tree path → text); `order` permutes the definitions within each file. */
export function files(s: Spec, order: (n: number) => number[]): Map<string, string> {
  const parts = new Map<string, string[]>();
  const put = (file: string, text: string) => parts.set(file, [...(parts.get(file) ?? []), text]);
  s.fns.forEach((fn, i) => {
    const fname = `gen_fn${i}`;
    const defer = fn.mayDefer ? `\tif (!gen_ready${i}(dev))\n\t\treturn -EPROBE_DEFER;\n` : '';
    const member = fn.callsMember ? '\tstruct gen_ctx *ctx = gen_ctx_of(dev);\n\n\tctx->funcs->run(dev);\n' : '';
    let text =
      `${fn.isStatic ? 'static ' : ''}int ${fname}(struct device ` +
      `*dev)\n{\n${member}${calls(s, fn.calls)}${EFFECTS[fn.effect]}${defer}\treturn 0;\n}\n`;
    if (fn.exported && !fn.isStatic) text += `EXPORT_SYMBOL_GPL(${fname});\n`;
    put(`drivers/gen/part${fn.file}.c`, text);
  });
  s.tables.forEach((t, i) => {
    const fields = (
      [
        ['add_device', t.add],
        ['remove_device', t.remove],
        ['probe_finalize', t.probe],
        ['release_device', t.release],
      ] as const
    )
      .filter(([, fn]) => fn !== undefined)
      .map(([field, fn]) => `\t.${field} = ${name(s, fn!)},\n`);
    put(`drivers/gen/part${t.file}.c`, `static const struct iommu_ops gen_ops${i} = {\n${fields.join('')}};\n`);
  });
  s.funcTables.forEach((t, i) => {
    put(
      `drivers/gen/part${t.file}.c`,
      `static const struct gen_funcs gen_funcs${i} = {\n\t.run = ${name(s, t.run)},\n};\n`,
    );
  });
  // The driver's own types, in its header: what a call through `ctx->funcs` loads through.
  put(
    'drivers/gen/gen.h',
    'struct gen_funcs {\n\tint (*run)(struct device *dev);\n};\n\n' +
      'struct gen_ctx {\n\tconst struct gen_funcs *funcs;\n};\n',
  );
  s.notifiers.forEach((n, i) => {
    const body =
      `\tswitch (event) {\n\tcase ` +
      `BUS_NOTIFY_ADD_DEVICE:\n${calls(s, n.onAdd)}${n.fallThrough ? '\t\tfallthrough;\n' : '\t\tbreak;\n'}` +
      `\tcase BUS_NOTIFY_BOUND_DRIVER:\n${calls(s, n.onBound)}\t\tbreak;\n\t}\n\treturn NOTIFY_OK;\n`;
    put(
      `drivers/gen/part${n.file}.c`,
      `static int gen_notify${i}(struct notifier_block *nb, unsigned long event, void *data)\n{\n\tstruct ` +
        `device *dev = data;\n\n${body}}\n` +
        `static struct notifier_block gen_nb${i} = {\n\t.notifier_call = gen_notify${i},\n};\n`,
    );
  });
  s.probes.forEach((p, i) => {
    const steps = p.calls.map((c) => `\tret = ${name(s, c)}(&pdev->dev);\n\tif (ret)\n\t\treturn ret;\n`).join('');
    put(
      `drivers/gen/part${p.file}.c`,
      `static int gen_probe${i}(struct platform_device *pdev)\n{\n\tint ret;\n\n${steps}\treturn 0;\n}\n` +
        `static struct platform_driver gen_driver${i} = {\n\t.probe = gen_probe${i},\n};\n`,
    );
  });
  put(
    'arch/arm/mm/dma-mapping.c',
    `void arch_setup_dma_ops(struct device *dev)\n{\n\tif (dev->dma_ops)\n\t\treturn;\n${calls(s, s.setup)}}\n`,
  );
  put(
    'arch/arm/mm/dma-mapping.c',
    'void arch_teardown_dma_ops(struct device *dev)\n{\n' +
      (s.guardedTeardown ? '\tif (!dev->archdata.dma_ops_setup)\n\t\treturn;\n' : '') +
      `${calls(s, s.teardown)}}\n`,
  );
  const out = new Map<string, string>();
  for (const [file, defs] of parts)
    out.set(
      file,
      order(defs.length)
        .map((i) => defs[i]!)
        .join('\n'),
    );
  return out;
}

/** Words in a comment, and a function of its own: a file a text search picks for nothing. */
export function noiseFile(s: Spec): string {
  return (
    `/* ${s.noise.map((i) => name(s, i)).join(' ')} dev->dma_ops set_dma_ops iommu_ops */\nstatic int ` +
    `gen_noise(int x)\n{\n\treturn x;\n}\n`
  );
}
