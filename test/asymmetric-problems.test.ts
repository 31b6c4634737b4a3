// asymmetric-teardown reports a problem once: a setup that installs the ops at two statements
// (its own choice, then a hypervisor's override) and a teardown that never clears them is one
// finding at the first statement, the second as a related location (fixtures/setup-twice).
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { FIXTURES, dmalint } from './helpers/cli.js';

test('one setup installing the ops twice is one finding with both sites', () => {
  const r = dmalint([path.join(FIXTURES, 'setup-twice')]);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), [
    'arch/arm/mm/dma-mapping.c:26:2: warning: arch_setup_dma_ops() installs the DMA ops here, but the teardown ' +
      '(arch_teardown_dma_ops()) never undoes this: after -EPROBE_DEFER or unbind the state outlives the teardown ' +
      'and setup finds it on re-probe; undo it in arch_teardown_dma_ops() [asymmetric-teardown]',
    'arch/arm/mm/dma-mapping.c:18:1: note: arch_setup_dma_ops() is the setup',
    'arch/arm/mm/dma-mapping.c:28:2: note: arch_setup_dma_ops() also installs the DMA ops here, through ' +
      'xen_setup_dma_ops()',
    'arch/arm/mm/dma-mapping.c:32:1: note: arch_teardown_dma_ops() is the matching teardown',
  ]);
});
