// The call graph grows until nothing the rules read can change: chains are followed to their
// end, through as many files as they cross, and the prefiltered scan equals parsing everything.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../src/rules/load-config.js';
import { scan } from '../src/scan.js';
import { dmalint, tree } from './helpers/cli.js';

const STEPS = 13;

/** An add_device callback whose attach is `steps` one-function files away. */
function chainTree(steps: number): string {
  const files: Record<string, string> = {
    'drivers/iommu/chain-iommu.c': `#include <linux/device.h>

static int chain_add_device(struct device *dev)
{
	return chain_step1(dev);
}

static void chain_remove_device(struct device *dev)
{
	arm_iommu_detach_device(dev);
}

static const struct iommu_ops chain_ops = {
	.add_device = chain_add_device,
	.remove_device = chain_remove_device,
};
`,
  };
  for (let i = 1; i <= steps; i++) {
    const body = i < steps ? `return chain_step${i + 1}(dev);` : 'return arm_iommu_attach_device(dev, chain_mapping);';
    files[`drivers/chain/step${i}.c`] =
      `#include <linux/device.h>\n\nint chain_step${i}(struct device *dev)\n{\n\t${body}\n}\n`;
  }
  return tree(files);
}

test(`an attach ${STEPS} files below an add_device callback is found, as parsing everything finds it`, async () => {
  const root = chainTree(STEPS);
  const run = dmalint(['--root', root]);
  assert.equal(run.code, 1, run.stderr);
  const lines = run.stdout.trimEnd().split('\n');
  assert.equal(
    lines[0],
    `drivers/chain/step${STEPS}.c:5:9: error: arm_iommu_attach_device() runs before arch_setup_dma_ops(): it is ` +
      `reached from the iommu_ops.add_device callback chain_add_device(); attach once arch_setup_dma_ops() has ` +
      `run, from the device's probe or bind (a mapping its IOMMU's devices share can still be created here) ` +
      `[attach-before-setup]`,
  );
  // The path: the callback, every call down the chain, and the attach itself.
  assert.equal(lines.length, 1 + 1 + STEPS);
  const config = loadConfig();
  const prefiltered = await scan({ root, config, workers: 0, cacheDir: false });
  const everything = await scan({ root, config, workers: 0, cacheDir: false, parseAll: true });
  assert.deepEqual(prefiltered.findings, everything.findings);
  assert.equal(prefiltered.growthRounds, STEPS);
});
