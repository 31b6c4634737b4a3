// Routing a finding to the people responsible for its file, as scripts/get_maintainer.pl does.
// The expected lines are what Linux 6.1's get_maintainer.pl printed for the fixture tree
// (`--no-git --no-git-fallback -f FILE`), with the tree's MAINTAINERS and .mailmap.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Maintainers } from '../src/maintainers/maintainers.js';
import { routingLines } from '../src/maintainers/routing-lines.js';

const ROOT = fileURLToPath(new URL('../../fixtures/maintainers', import.meta.url));

const expected: Record<string, string[]> = {
  'drivers/iommu/arm/arm-smmu.c': [
    'Will Deacon <will@kernel.org> (maintainer:ARM SMMU DRIVERS)',
    'Robin Murphy <robin.murphy@arm.com> (reviewer:ARM SMMU DRIVERS)',
    'Joerg Roedel <joro@8bytes.org> (maintainer:IOMMU SUBSYSTEM)',
    'linux-arm-kernel@lists.infradead.org (moderated list:ARM SMMU DRIVERS)',
    'iommu@lists.linux.dev (open list:IOMMU SUBSYSTEM)',
    'linux-kernel@vger.kernel.org (open list)',
  ],
  // K: matches the file's content; its section comes after the path matches.
  'drivers/iommu/ipmmu-vmsa.c': [
    'Joerg Roedel <joro@8bytes.org> (maintainer:IOMMU SUBSYSTEM)',
    'Robin Murphy <robin.murphy@arm.com> (reviewer:IOMMU SUBSYSTEM)',
    'Christoph Hellwig <hch@lst.de> (supporter:DMA MAPPING HELPERS)',
    'iommu@lists.linux.dev (open list:IOMMU SUBSYSTEM)',
    'linux-kernel@vger.kernel.org (open list)',
  ],
  // N: matches the path anywhere, at depth 0.
  'drivers/gpu/drm/exynos/exynos_drm_iommu.c': [
    'Inki Dae <inki.dae@samsung.com> (supporter:DRM DRIVERS FOR EXYNOS)',
    'Krzysztof Kozlowski <krzk@kernel.org> (maintainer:SAMSUNG SOC SUPPORT)',
    'dri-devel@lists.freedesktop.org (open list:DRM DRIVERS FOR EXYNOS)',
    'linux-kernel@vger.kernel.org (open list)',
  ],
  // X: takes the whole section away.
  'drivers/gpu/drm/exynos/exynos_drm_g2d.c': [
    'Krzysztof Kozlowski <krzk@kernel.org> (maintainer:SAMSUNG SOC SUPPORT)',
    'linux-kernel@vger.kernel.org (open list)',
  ],
  // A file pattern (depth 4) before a directory one (depth 2); .mailmap gives the new address.
  'arch/arm/mm/dma-mapping.c': [
    'Christoph Hellwig <hch@lst.de> (supporter:DMA MAPPING HELPERS)',
    'Russell King <linux@armlinux.org.uk> (odd fixer:ARM PORT)',
    'iommu@lists.linux.dev (open list:DMA MAPPING HELPERS)',
    'linux-arm-kernel@lists.infradead.org (moderated list:ARM PORT)',
    'linux-kernel@vger.kernel.org (open list)',
  ],
  'arch/arm/mm/init.c': [
    'Russell King <linux@armlinux.org.uk> (odd fixer:ARM PORT)',
    'linux-arm-kernel@lists.infradead.org (moderated list:ARM PORT)',
    'linux-kernel@vger.kernel.org (open list)',
  ],
  // `*` in a pattern without a trailing slash does not cross `/`.
  'include/linux/dma-mapping.h': [
    'Christoph Hellwig <hch@lst.de> (supporter:DMA MAPPING HELPERS)',
    'iommu@lists.linux.dev (open list:DMA MAPPING HELPERS)',
    'linux-kernel@vger.kernel.org (open list)',
  ],
  'include/linux/iommu.h': [
    'Joerg Roedel <joro@8bytes.org> (maintainer:IOMMU SUBSYSTEM)',
    'Robin Murphy <robin.murphy@arm.com> (reviewer:IOMMU SUBSYSTEM)',
    'iommu@lists.linux.dev (open list:IOMMU SUBSYSTEM)',
    'linux-kernel@vger.kernel.org (open list)',
  ],
};

test('each file is routed as get_maintainer.pl routes it', () => {
  const maintainers = Maintainers.read(ROOT, []);
  assert.ok(maintainers);
  assert.deepEqual(maintainers.notifications, []);
  for (const [file, lines] of Object.entries(expected)) {
    const content = readFileSync(path.join(ROOT, file), 'utf8');
    assert.deepEqual(routingLines(maintainers.route(file, content)), lines, file);
  }
});

test('sections are named most specific first', () => {
  const r = Maintainers.read(ROOT, [])!.route('drivers/iommu/arm/arm-smmu.c', '');
  assert.deepEqual(r.sections, ['ARM SMMU DRIVERS', 'IOMMU SUBSYSTEM', 'THE REST']);
});

test('a malformed entry is a warning at its line, and the rest is read', () => {
  const text = [
    'IOMMU SUBSYSTEM',
    'M:\tJoerg Roedel <joro@8bytes.org>',
    'Z:\tsomething unknown',
    'N:\tiommu(',
    'F:',
    'F:\tdrivers/iommu/',
    '',
  ].join('\n');
  const m = Maintainers.parse(text, ROOT);
  assert.deepEqual(
    m.notifications.map((n) => `${n.file}:${n.line}: ${n.message.replace(/ \(.*\)/, '')}`),
    [
      "MAINTAINERS:3: unknown entry type 'Z:'",
      "MAINTAINERS:4: 'N: iommu(' is not a regular expression dmalint can read; entry ignored",
      "MAINTAINERS:5: empty 'F:' entry",
    ],
  );
  // Without S:, get_maintainer calls the role unknown.
  assert.deepEqual(routingLines(m.route('drivers/iommu/ipmmu-vmsa.c')), [
    'Joerg Roedel <joro@8bytes.org> (unknown:IOMMU SUBSYSTEM)',
  ]);
});

test("perl's inline case-insensitive groups, which JavaScript's regexes lack, are translated", () => {
  const m = Maintainers.parse(
    'CLANG\nM:\tA <a@x.org>\nS:\tSupported\nK:\t\\b(?i:clang|llvm)\\b\n\nPIDFD\nM:\tB ' +
      '<b@x.org>\nS:\tSupported\nK:\t(?i)pidfd\n',
    ROOT,
  );
  assert.deepEqual(m.notifications, []);
  assert.deepEqual(routingLines(m.route('a.c', 'built with LLVM')), ['A <a@x.org> (supporter:CLANG)']);
  assert.deepEqual(routingLines(m.route('a.c', 'PIDFD_OPEN')), ['B <b@x.org> (supporter:PIDFD)']);
  assert.deepEqual(routingLines(m.route('a.c', 'nothing')), []);
});

test('a tree without MAINTAINERS routes nothing', () => {
  assert.equal(Maintainers.read(path.join(ROOT, 'drivers'), []), undefined);
});
