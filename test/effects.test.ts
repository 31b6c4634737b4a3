// Effects through mutually recursive helpers are the same whichever function is defined (and so
// analyzed) first: they are computed per strongly connected component.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../src/rules/load-config.js';
import { scan } from '../src/scan.js';
import { tree } from './helpers/cli.js';

const SETUP = `void arch_setup_dma_ops(struct device *dev)
{
	ops_switch(dev, true, 2);
}
`;
const TEARDOWN = `void arch_teardown_dma_ops(struct device *dev)
{
	ops_retry(dev, false, 2);
}
`;
// The teardown reaches the detach only through the recursion: ops_retry → ops_switch.
const SWITCH = `static void ops_switch(struct device *dev, bool on, int n)
{
	if (n)
		ops_retry(dev, on, n - 1);
	if (on)
		arm_iommu_attach_device(dev, mapping);
	else
		arm_iommu_detach_device(dev);
}
`;
const RETRY = `static void ops_retry(struct device *dev, bool on, int n)
{
	ops_switch(dev, on, n);
}
`;

function findingsOf(parts: string[]) {
  const root = tree({ 'arch/arm/mm/dma-mapping.c': `#include <linux/device.h>\n\n${parts.join('\n')}` });
  return scan({ root, config: loadConfig(), workers: 0, cacheDir: false }).then((r) =>
    r.findings.map((f) => `${f.ruleId} ${f.messageId} ${f.function}: ${f.message}`),
  );
}

test('mutually recursive helpers: the same findings in every order of definition', async () => {
  const orders = [
    [SWITCH, RETRY, SETUP, TEARDOWN],
    [RETRY, SWITCH, SETUP, TEARDOWN],
    [SETUP, TEARDOWN, SWITCH, RETRY],
    [TEARDOWN, SETUP, RETRY, SWITCH],
  ];
  const results = await Promise.all(orders.map(findingsOf));
  // Both sides reach both APIs through the recursion, so the teardown undoes what the setup
  // establishes (an analysis that cached ops_retry() while ops_switch() was still open saw a
  // teardown that undoes nothing, in one order only).
  for (const r of results) assert.deepEqual(r, results[0]);
  assert.deepEqual(
    results[0]!.map((f) => f.split(':')[0]),
    [],
  );
});
