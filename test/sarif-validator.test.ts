// Microsoft's official SARIF validator (Sarif.Multitool validate, the devDependency
// @microsoft/sarif-multitool-linux) on the logs dmalint writes: every fixture tree, and the
// baseline, patch and suppression variants. Rule kinds Sarif (the spec's rules) and Gh
// (what GitHub code scanning requires). The validator exits 0 whatever it finds; its own
// SARIF log is read instead. Errors and warnings fail the test; notes are suggestions that
// do not apply to dmalint (code snippets, version-control provenance, message ids instead of
// text, rule ids like CS2001) and are ignored.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { main } from '../src/cli/run.js';
import { FIXTURES, fixtureCopy, tempDir, writeFiles } from './helpers/cli.js';

function validatorPath(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  try {
    const pkg = createRequire(import.meta.url).resolve('@microsoft/sarif-multitool-linux/package.json');
    const binary = path.join(path.dirname(pkg), 'Sarif.Multitool');
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

const VALIDATOR = validatorPath();

/** Runs dmalint in this process, as the command would, writing a SARIF log to `out`. */
async function sarif(out: string, ...args: string[]): Promise<void> {
  const code = await main([
    'node',
    'dmalint',
    '--no-cache',
    '--jobs',
    '0',
    '--format',
    'sarif',
    '--output',
    out,
    ...args,
  ]);
  assert.ok(code === 0 || code === 1, `dmalint ${args.join(' ')} exited ${code}`);
}

async function writeLogs(dir: string): Promise<void> {
  for (const name of readdirSync(FIXTURES).filter((d) => existsSync(path.join(FIXTURES, d, 'MAINTAINERS')))) {
    await sarif(path.join(dir, `fixture-${name}.sarif`), '--root', path.join(FIXTURES, name));
  }
  // One tree changed in every way a report can show: a new finding, a fixed one, a suppressed
  // one and a stale suppression, against a baseline and as a patch.
  const sample = path.join(FIXTURES, 'sample');
  const baseline = path.join(dir, 'baseline.sarif');
  await sarif(baseline, '--root', sample);
  const changed = fixtureCopy('sample');
  const hb = path.join(changed, 'arch/arm/mach-highbank/highbank.c');
  writeFileSync(
    hb,
    readFileSync(hb, 'utf8').replace('set_dma_ops(dev, &arm_coherent_dma_ops);', 'dev->dma_coherent = true;'),
  );
  writeFiles(changed, {
    'drivers/iommu/foo-iommu.c':
      'static int foo_add(struct device *dev)\n{\n\treturn arm_iommu_attach_device(dev, m);\n}\nstatic const ' +
      'struct iommu_ops foo_ops = {\n\t.add_device = foo_add,\n};\n',
    'rules.yaml':
      'suppressions:\n  - rule: attach-before-setup\n    path: drivers/iommu/ipmmu-vmsa.c\n    reason: ipmmu ' +
      'attaches its own mapping\n' +
      '  - rule: asymmetric-teardown\n    path: drivers/gone.c\n    reason: stale\n',
  });
  const rules = path.join(changed, 'rules.yaml');
  await sarif(path.join(dir, 'baseline-states.sarif'), '--root', changed, '--config', rules, '--baseline', baseline);
  const patch = spawnSync('diff', ['-urN', sample, changed], { encoding: 'utf8' }).stdout;
  writeFileSync(path.join(dir, 'change.patch'), patch);
  await sarif(
    path.join(dir, 'patch.sarif'),
    '--root',
    sample,
    '--config',
    rules,
    '--diff',
    path.join(dir, 'change.patch'),
  );
}

interface Finding {
  file: string;
  level: string;
  rule: string;
  message: string;
}

/** The validator's own log: one result per problem, its level defaulting to its rule's. */
function problems(logFile: string): Finding[] {
  const log = JSON.parse(readFileSync(logFile, 'utf8'));
  const run = log.runs[0];
  const rules = new Map<
    string,
    { defaultConfiguration?: { level?: string }; messageStrings?: Record<string, { text: string }> }
  >((run.tool.driver.rules ?? []).map((r: { id: string }) => [r.id, r]));
  return (run.results ?? []).map(
    (r: {
      ruleId: string;
      level?: string;
      message: { id?: string; text?: string; arguments?: string[] };
      locations?: Array<{ physicalLocation?: { artifactLocation?: { uri?: string } } }>;
    }) => {
      const rule = rules.get(r.ruleId);
      const template = r.message.text ?? rule?.messageStrings?.[r.message.id ?? '']?.text ?? r.message.id ?? '';
      return {
        file: path.basename(r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '?'),
        level: r.level ?? rule?.defaultConfiguration?.level ?? 'warning',
        rule: r.ruleId,
        message: template.replace(/\{(\d+)\}/g, (_, i: string) => r.message.arguments?.[Number(i)] ?? ''),
      };
    },
  );
}

test(
  "Microsoft's SARIF validator finds no error or warning in dmalint's logs (fixtures, baseline, patch, suppressions)",
  {
    skip: VALIDATOR
      ? false
      : 'the official validator (@microsoft/sarif-multitool-linux) is installed for Linux x64 only; not found here',
    timeout: 300_000,
  },
  async (t) => {
    const dir = tempDir('validator');
    await writeLogs(dir);
    // A log with a known error proves that the validator read the directory and reports errors.
    writeFileSync(
      path.join(dir, 'canary.sarif'),
      JSON.stringify({
        version: '2.1.0',
        runs: [{ tool: { driver: { name: 'canary' } }, results: [{ ruleId: 'X1' }] }],
      }),
    );
    const out = path.join(dir, 'validation.json');
    const r = spawnSync(
      VALIDATOR!,
      [
        'validate',
        '--rule-kind',
        'Sarif;Gh',
        path.join(dir, '*.sarif'),
        '--output',
        out,
        '--log',
        'ForceOverwrite',
        '--quiet',
      ],
      {
        encoding: 'utf8',
        // Without ICU installed, .NET refuses to start unless told to use invariant globalization.
        env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
        timeout: 240_000,
      },
    );
    if (r.error || !existsSync(out)) {
      t.skip(
        `the SARIF validator could not run here ` +
          `(${r.error?.message ?? `exit ${r.status}: ${(r.stderr || r.stdout).trim().split('\n')[0]}`})`,
      );
      return;
    }
    const all = problems(out).filter((p) => p.level === 'error' || p.level === 'warning');
    assert.deepEqual(
      all.filter((p) => p.file === 'canary.sarif').map((p) => `${p.level} ${p.rule}`),
      ['error JSON1002'],
      'the canary log is missing a result message',
    );
    const found = all.filter((p) => p.file !== 'canary.sarif');
    assert.deepEqual(found, [], found.map((p) => `${p.file}: ${p.level} ${p.rule}: ${p.message}`).join('\n'));
  },
);
