// Property-based: fixture C files, damaged as editors, truncated downloads and bad merges damage
// them (flipped bytes, cut-off text, stray braces, unbalanced #if), go through the whole
// pipeline (listing, prefilter, parse, call graph, rules, text and SARIF) in a scan with the
// damaged text overlaid. No exception escapes; the findings of files the damage does not touch
// stay exactly as they were; and every location in the damaged file lies inside its text.
//
// The untouched files are "victims" whose names and call paths no fixture shares, so that no
// damage elsewhere can legitimately change their findings (a header's struct or a caller in
// the damaged file could change those of fixture files). Runs: DMALINT_FUZZ_RUNS (default 100),
// seed: DMALINT_FUZZ_SEED (default: a new one each run, printed on failure).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { renderReport } from '../src/cli/report.js';
import { loadConfig } from '../src/rules/load-config.js';
import type { Finding, Location } from '../src/model.js';
import { decodeSource } from '../src/parser/parse-file.js';
import { scan } from '../src/scan.js';
import { FIXTURES } from './helpers/cli.js';
import { validateSarif } from './helpers/sarif-schema.js';
import { FOO_IOMMU, NOTIFIER } from './helpers/snippets.js';

const config = loadConfig();
const ROOT = path.join(FIXTURES, 'sample');

const VICTIMS = new Map<string, string>([
  ['drivers/victim/notifier.c', NOTIFIER.replace(/hb_/g, 'victim_hb_')],
  ['drivers/victim/iommu.c', FOO_IOMMU.replace(/foo_/g, 'victim_foo_')],
  // A path across two files, and a write through the struct member.
  [
    'drivers/victim/bus.c',
    'static int victim_bus_notify(struct notifier_block *nb, unsigned long action, void *data)\n{\n\tstruct ' +
      'device *dev = data;\n\n\tif (action == BUS_NOTIFY_ADD_DEVICE)\n\t\tvictim_install(dev);\n\treturn ' +
      '0;\n}\n\nstatic struct notifier_block victim_bus_nb = {\n\t.notifier_call = victim_bus_notify,\n};\n',
  ],
  ['drivers/victim/install.c', 'void victim_install(struct device *dev)\n{\n\tdev->dma_ops = &victim_ops;\n}\n'],
]);

function sourceFiles(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) return sourceFiles(dir, child);
    return /\.[ch]$/.test(e.name) ? [child] : [];
  });
}

/** What may be damaged: the sample's own files in place, and other fixtures' .c files added beside them. */
const TARGETS: Array<{ file: string; bytes: Buffer }> = [
  ...sourceFiles(ROOT).map((file) => ({ file, bytes: readFileSync(path.join(ROOT, file)) })),
  ...['attach', 'pre-8674', 'resolution', 'set-dma-ops', 'teardown-fixed', 'teardown-ops'].flatMap((fixture) =>
    sourceFiles(path.join(FIXTURES, fixture))
      .filter((f) => f.endsWith('.c'))
      .map((f) => ({ file: `drivers/fuzz/${fixture}/${f}`, bytes: readFileSync(path.join(FIXTURES, fixture, f)) })),
  ),
];

type Damage =
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; text: string };

const INSERTS = [
  '{',
  '}',
  '(',
  ')',
  ';',
  '"',
  "'",
  '/*',
  '*/',
  '\\\n',
  '\n#if 0\n',
  '\n#ifdef CONFIG_FOO\n',
  '\n#else\n',
  '\n#endif\n',
  '\n#define set_dma_ops(d, o)\n',
  '\r\n',
  '\t\t\t\t',
];

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: position, text: fc.constantFrom(...INSERTS) }),
);

function apply(bytes: Buffer, damages: Damage[]): Buffer {
  let out = bytes;
  for (const d of damages) {
    const at = Math.floor(d.at * (out.length + 1));
    if (d.kind === 'flip' && at < out.length)
      out = Buffer.concat([out.subarray(0, at), Buffer.from([d.byte]), out.subarray(at + 1)]);
    else if (d.kind === 'truncate') out = out.subarray(0, at);
    else if (d.kind === 'delete') out = Buffer.concat([out.subarray(0, at), out.subarray(at + d.length)]);
    else if (d.kind === 'insert') out = Buffer.concat([out.subarray(0, at), Buffer.from(d.text), out.subarray(at)]);
  }
  return out;
}

const scanWith = (overlay: Map<string, string | null>) =>
  scan({ root: ROOT, config, workers: 0, cacheDir: false, ripgrep: false, overlay });

/**
 * The victims' findings, without what the arch pair decides: an attach-before-setup message
 * states the consequence from the tree's setup and teardown, which a damaged dma-mapping.c
 * legitimately changes.
 */
const victimFindings = (findings: Finding[]) =>
  findings
    .filter((f) => VICTIMS.has(f.location.file))
    .map((f) => (f.ruleId === 'attach-before-setup' ? { ...f, ...beforeTheConsequence(f) } : f));

/** An attach-before-setup message up to the consequence: what is reached from where, before setup. */
function beforeTheConsequence(f: Finding): Pick<Finding, 'messageId' | 'message' | 'messageData'> {
  const { call, entry, branch } = f.messageData;
  return {
    messageId: '',
    message: f.message.split(';')[0]!,
    messageData: { call: call!, entry: entry!, branch: branch! },
  };
}

/** Every location of the damaged file lies inside its (decoded) text: lines and columns stay right. */
function insideText(l: Location, lines: string[]): boolean {
  return l.line >= 1 && l.line <= lines.length && l.col >= 1 && l.col <= lines[l.line - 1]!.length + 1;
}

const RUNS = Number(process.env.DMALINT_FUZZ_RUNS ?? 100);
const SEED = process.env.DMALINT_FUZZ_SEED === undefined ? undefined : Number(process.env.DMALINT_FUZZ_SEED);

test(
  'damaged C never breaks the scan nor moves the findings of untouched files',
  { timeout: 60_000 + RUNS * 200 },
  async () => {
    const baseline = await scanWith(new Map(VICTIMS));
    const expected = victimFindings(baseline.findings);
    assert.deepEqual(
      expected.map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}`),
      [
        'set-dma-ops-outside-setup-teardown drivers/victim/install.c:3',
        'attach-before-setup drivers/victim/iommu.c:5',
        'set-dma-ops-outside-setup-teardown drivers/victim/notifier.c:7',
      ],
      'the victims have findings to lose',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: TARGETS.length - 1 }),
        fc.array(damage, { minLength: 1, maxLength: 4 }),
        async (index, damages) => {
          const target = TARGETS[index]!;
          const text = decodeSource(apply(target.bytes, damages));
          const r = await scanWith(new Map([...VICTIMS, [target.file, text]]));
          assert.deepEqual(victimFindings(r.findings), expected);
          const lines = text.split('\n');
          for (const f of r.findings) {
            for (const l of [f.location, ...f.path, ...f.related]) {
              if (l.file === target.file)
                assert.ok(insideText(l, lines), `${l.file}:${l.line}:${l.col} is outside the damaged text`);
            }
          }
          for (const n of r.notifications)
            assert.equal(n.file, target.file, `only the damaged file may be reported: ${n.file}: ${n.message}`);
          // The reports too: text, and SARIF valid against the schema.
          renderReport('text', { results: r.findings, notifications: r.notifications }, ROOT, 'dmalint', 1);
          assert.deepEqual(
            validateSarif(
              JSON.parse(
                renderReport('sarif', { results: r.findings, notifications: r.notifications }, ROOT, 'dmalint', 1),
              ),
            ),
            [],
          );
        },
      ),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
  },
);
