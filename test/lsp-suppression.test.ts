// The quick fix's edit to rules.yaml: an entry added to whatever form `suppressions` has, every
// other byte of the file kept, and the result still a valid configuration.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../src/rules/load-config.js';
import { applyInsertion, suppressionInsertion } from '../src/lsp/suppression-edit.js';
import type { Finding } from '../src/model.js';
import { tempDir } from './helpers/cli.js';

const finding = {
  ruleId: 'set-dma-ops-outside-setup-teardown',
  location: { file: 'arch/arm/common/dmabounce.c', line: 3, col: 2 },
  function: 'dmabounce_register_dev',
} as Finding;

const ENTRY = [
  '- rule: set-dma-ops-outside-setup-teardown',
  '  path: arch/arm/common/dmabounce.c',
  '  function: dmabounce_register_dev',
  '  reason: "TODO: say why this finding is acceptable"',
];
const indented = (n: number) => ENTRY.map((l) => ' '.repeat(n) + l).join('\n');

function suppressed(text: string): string {
  const after = applyInsertion(text, suppressionInsertion(text, finding));
  const file = path.join(tempDir('suppress-edit'), 'rules.yaml');
  writeFileSync(file, after);
  assert.deepEqual(
    loadConfig(file)
      .suppressions.map((s) => [s.rule, s.path, s.function])
      .at(-1),
    ['set-dma-ops-outside-setup-teardown', 'arch/arm/common/dmabounce.c', 'dmabounce_register_dev'],
  );
  return after;
}

test('suppression quick fix: no suppressions key, an empty flow list, a block list', () => {
  assert.equal(suppressed('# mine\narch: arm\n'), `# mine\narch: arm\nsuppressions:\n${indented(2)}\n`);
  assert.equal(
    suppressed('arch: arm # keep\nsuppressions: [] # none yet\n'),
    `arch: arm # keep\nsuppressions:\n${indented(2)} # none yet\n`,
  );
  const block = [
    'suppressions:',
    '  # the first',
    '  - rule: attach-before-setup',
    '    path: drivers/a.c',
    '    reason: known',
    '# trailing comment',
    'arch: arm',
    '',
  ].join('\n');
  const after = suppressed(block);
  assert.equal(after, block.replace('    reason: known\n', `    reason: known\n${indented(2)}\n`));
});
