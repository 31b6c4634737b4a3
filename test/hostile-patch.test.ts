// Patches as the kernel's own history has them: a one-line change to a generated register header
// of 222,893 lines, and a new file of 130,000 lines, are checked as any other patch is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dmalint, tree } from './helpers/cli.js';
import { NOTIFIER } from './helpers/snippets.js';

interface Result {
  ruleId: string;
  level: string;
  message: { id: string; arguments?: string[] };
  baselineState: string;
  locations: Array<{
    physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } };
  }>;
}

/** Each SARIF result as its rule, level, message id, place and state. */
function results(sarif: string) {
  return (JSON.parse(sarif).runs[0].results as Result[]).map((x) => {
    const { artifactLocation, region } = x.locations[0]!.physicalLocation;
    return {
      ruleId: x.ruleId,
      level: x.level,
      id: x.message.id,
      arguments: x.message.arguments,
      where: `${artifactLocation.uri}:${region.startLine}:${region.startColumn}`,
      baselineState: x.baselineState,
    };
  });
}

const HEADER_LINES = 222_893; // drivers/gpu/drm/amd/include/asic_reg/dcn/dcn_3_2_0_sh_mask.h in Linux 6.1
const define = (i: number) => `#define DCN_REG_${i}__FIELD_MASK 0x${i.toString(16)}L\n`;

test('patches to files of any length apply: a 222,893-line header changed, a 130,000-line file added', () => {
  const header = Array.from({ length: HEADER_LINES }, (_, i) => define(i)).join('');
  const root = tree({ 'drivers/gpu/dcn_sh_mask.h': header });
  const padding = '/* generated */\n'.repeat(130_000);
  const added = `${padding}${NOTIFIER}`.split('\n').slice(0, -1);
  const patch =
    '--- a/drivers/gpu/dcn_sh_mask.h\n+++ b/drivers/gpu/dcn_sh_mask.h\n@@ -2,3 +2,3 @@\n' +
    ` ${define(1)}-${define(2)}+#define DCN_REG_2__FIELD_MASK 0x3L\n ${define(3)}` +
    `--- /dev/null\n+++ b/drivers/gpu/new.c\n@@ -0,0 +1,${added.length} @@\n${added.map((l) => `+${l}\n`).join('')}`;
  const r = dmalint(['--root', root, '--diff', '-', '--format', 'sarif'], { input: patch });
  assert.deepEqual({ code: r.code, stderr: r.stderr }, { code: 1, stderr: '' });
  assert.deepEqual(results(r.stdout), [
    {
      ruleId: 'set-dma-ops-outside-setup-teardown',
      level: 'warning',
      id: 'direct',
      arguments: [
        'set_dma_ops()',
        'arch_setup_dma_ops()/arch_teardown_dma_ops()',
        'hb_notifier',
        'is the bus notifier callback, for BUS_NOTIFY_ADD_DEVICE, before arch_setup_dma_ops()',
      ],
      where: 'drivers/gpu/new.c:130007:2',
      baselineState: 'new',
    },
  ]);
});
