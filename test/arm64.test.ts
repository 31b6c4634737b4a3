// --arch arm64 without a .config, on fixtures/arm64-stubs: what only 32-bit ARM compiles is not
// arm64's. An unconditional `select ARCH_HAS_SETUP_DMA_OPS` of ARM64 makes `#ifndef
// CONFIG_ARCH_HAS_SETUP_DMA_OPS` dead (a `depends on` of the next symbol is not ARM64's), and
// the stub macros in the `#else` of `#if defined(CONFIG_ARM)` are what arm64 compiles, so
// `arm_iommu_detach_device(dev)` there detaches nothing. The same tree as --arch arm keeps
// the findings its annotations name (test/fixtures.test.ts).
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { FIXTURES, dmalint } from './helpers/cli.js';

const ROOT = path.join(FIXTURES, 'arm64-stubs');

test('arm64: no finding in code only 32-bit ARM compiles, none from a stub macro', () => {
  const r = dmalint(['--arch', 'arm64', '--format', 'sarif', ROOT]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const log = JSON.parse(r.stdout) as { runs: { results: unknown[] }[] };
  assert.deepEqual(log.runs[0]!.results, []);
});

test('arm: the same tree reports what 32-bit ARM compiles', () => {
  const r = dmalint(['--arch', 'arm', ROOT]);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(
    r.stdout
      .split('\n')
      .filter((l) => / \[[a-z-]+\]$/.test(l))
      .map((l) => `${l.split(': ')[0]} ${/\[([a-z-]+)\]$/.exec(l)![1]}`),
    [
      'drivers/iommu/vpu-iommu.c:44:2 set-dma-ops-outside-setup-teardown',
      'drivers/iommu/vpu-iommu.c:48:7 attach-before-setup',
    ],
  );
});
