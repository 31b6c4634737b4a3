// --arch arm64 without a .config, on fixtures/arm64-stubs: what only 32-bit ARM compiles is not
// arm64's. An unconditional `select ARCH_HAS_SETUP_DMA_OPS` of ARM64 makes `#ifndef
// CONFIG_ARCH_HAS_SETUP_DMA_OPS` dead (a `depends on` of the next symbol is not ARM64's), and
// the stub macros in the `#else` of `#if defined(CONFIG_ARM)` are what arm64 compiles, so
// `arm_iommu_detach_device(dev)` there detaches nothing. ARM_DMA_USE_IOMMU, defined only in
// arch/arm/Kconfig and selected by an IOMMU driver arm64 can build, is off: a failed bind leaves
// the IOMMU API's attach, never the ARM API's. The same tree as --arch arm keeps the findings
// its annotations name (test/fixtures.test.ts).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FIXTURES, dmalint, tempDir } from './helpers/cli.js';

const ROOT = path.join(FIXTURES, 'arm64-stubs');

/** The arm64 answer: a fragment that leaves out the symbols above gives it too (the architecture decides them). */
for (const fragment of [undefined, 'CONFIG_IOMMU_SUPPORT=y\n# CONFIG_COMPILE_TEST is not set\n']) {
  const what = fragment ? 'with a defconfig fragment that does not name them' : 'without a .config';
  test(`arm64 ${what}: nothing from code only 32-bit ARM compiles or from a stub macro`, () => {
    const args = ['--arch', 'arm64', '--format', 'sarif', ROOT];
    if (fragment) {
      const file = path.join(tempDir('fragment'), 'vpu_defconfig');
      writeFileSync(file, fragment);
      args.unshift('--kconfig', file);
    }
    const r = dmalint(args);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const log = JSON.parse(r.stdout) as {
      runs: { results: { ruleId: string; message: { text: string }; locations: unknown[] }[] }[];
    };
    const results = log.runs[0]!.results;
    assert.deepEqual(
      results.map((x) => x.ruleId),
      ['error-path-leaves-dma-state'],
    );
    assert.equal(
      results[0]!.message.text,
      'vpu_drm_bind() returns an error (ret) with the IOMMU attach still established by iommu_attach_device() ' +
        'in vpu_drm_attach() at line 39: a failed or deferred component_ops.bind leaves it for the next bind ' +
        'of the component, when its aggregate driver binds again (unbind does not run after a failed bind); ' +
        'undo it before this return',
    );
  });
}

test('arm: the same tree reports what 32-bit ARM compiles', () => {
  const r = dmalint(['--arch', 'arm', ROOT]);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(
    r.stdout
      .split('\n')
      .filter((l) => / \[[a-z-]+\]$/.test(l))
      .map((l) => `${l.split(': ')[0]} ${/\[([a-z-]+)\]$/.exec(l)![1]}`),
    [
      'drivers/gpu/drm/vpu/vpu_drm.c:50:3 error-path-leaves-dma-state',
      'drivers/iommu/vpu-iommu.c:46:2 set-dma-ops-outside-setup-teardown',
      'drivers/iommu/vpu-iommu.c:51:7 attach-before-setup',
    ],
  );
});
