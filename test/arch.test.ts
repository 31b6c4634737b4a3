// --arch: other architectures' arch/ trees are left out, and the pair is that architecture's.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from './helpers/cli.js';
import { loadConfig } from '../src/rules/load-config.js';
import { listSourceFiles } from '../src/discover.js';
import { scan } from '../src/scan.js';

function tree(files: Record<string, string>): string {
  const root = tempDir('arch');
  writeFileSync(path.join(root, 'MAINTAINERS'), '');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

const notifier = (name: string) => `static int ${name}(struct notifier_block *nb, unsigned long event, void *data)
{
	struct device *dev = data;

	set_dma_ops(dev, &coherent_ops);
	return 0;
}

static struct notifier_block ${name}_nb = {
	.notifier_call = ${name},
};
`;

// arm64's pair helper installs ops and is exported: sanctioned as arm64's pair, a finding
// under arm's configuration, where any module could call it.
const IOMMU_SETUP = `void iommu_setup_dma_ops(struct device *dev, u64 base, u64 size)
{
	dev->dma_ops = &iommu_dma_ops;
}
EXPORT_SYMBOL_GPL(iommu_setup_dma_ops);

void arch_setup_dma_ops(struct device *dev, u64 base, u64 size, const struct iommu_ops *iommu, bool coherent)
{
	if (iommu)
		iommu_setup_dma_ops(dev, base, size);
}
`;

test('--arch arm leaves out arch/arm64 and the other way round', async () => {
  const root = tree({
    'arch/arm/mach-a/a.c': notifier('a_notify'),
    'arch/arm64/kernel/b.c': notifier('b_notify'),
    'arch/x86/kernel/c.c': notifier('c_notify'),
    'drivers/iommu/dma-iommu.c': IOMMU_SETUP,
  });
  const arm = loadConfig();
  const arm64 = loadConfig(undefined, { arch: 'arm64' });
  assert.deepEqual(listSourceFiles(root, arm).files, ['arch/arm/mach-a/a.c', 'drivers/iommu/dma-iommu.c']);
  const onArm = await scan({ root, config: arm, workers: 0, cacheDir: false });
  assert.deepEqual(
    onArm.findings.map((f) => `${f.location.file}:${f.location.line}`),
    ['arch/arm/mach-a/a.c:5', 'drivers/iommu/dma-iommu.c:3'],
  );
  const onArm64 = await scan({ root, config: arm64, workers: 0, cacheDir: false });
  assert.deepEqual(
    onArm64.findings.map((f) => `${f.location.file}:${f.location.line}`),
    ['arch/arm64/kernel/b.c:5'],
  );
});
