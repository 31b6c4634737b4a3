// `--maintainers` and the SARIF properties, as a reporting bot meets them: the sample tree with a
// MAINTAINERS and a .mailmap. Expected lines are what Linux 6.1's get_maintainer.pl printed for
// the same tree (`--no-git --no-git-fallback -f FILE`).
import assert from 'node:assert/strict';
import { appendFileSync, cpSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FIXTURES, dmalint, tempDir } from './helpers/cli.js';

const ROUTES: Record<string, string> = {
  'arch/arm/mach-highbank/highbank.c':
    'Russell King <linux@armlinux.org.uk> (odd fixer:ARM PORT), ' +
    'linux-arm-kernel@lists.infradead.org (moderated list:ARM PORT), linux-kernel@vger.kernel.org (open list)',
  'arch/arm/mm/dma-mapping.c':
    'Christoph Hellwig <hch@lst.de> (supporter:DMA MAPPING HELPERS), Russell King <linux@armlinux.org.uk> (odd ' +
    'fixer:ARM PORT), ' +
    'iommu@lists.linux.dev (open list:DMA MAPPING HELPERS), linux-arm-kernel@lists.infradead.org (moderated ' +
    'list:ARM PORT), ' +
    'linux-kernel@vger.kernel.org (open list)',
  'drivers/iommu/ipmmu-vmsa.c':
    'Joerg Roedel <joro@8bytes.org> (maintainer:IOMMU SUBSYSTEM), Robin Murphy <robin.murphy@arm.com> ' +
    '(reviewer:IOMMU SUBSYSTEM), ' +
    'iommu@lists.linux.dev (open list:IOMMU SUBSYSTEM), linux-kernel@vger.kernel.org (open list)',
};

function tree(): string {
  const root = tempDir('routed');
  cpSync(path.join(FIXTURES, 'sample'), root, { recursive: true });
  for (const f of ['MAINTAINERS', '.mailmap']) cpSync(path.join(FIXTURES, 'maintainers', f), path.join(root, f));
  return root;
}

test('--maintainers adds one note per finding naming its maintainers, reviewers and lists', () => {
  const root = tree();
  const r = dmalint(['--maintainers', '--root', root, root]);
  assert.equal(r.code, 1, r.stderr);
  const findings = r.stdout.split('\n').filter((l) => / (error|warning|note): .* \[[a-z-]+\]$/.test(l));
  const notes = r.stdout.split('\n').filter((l) => l.includes(': note: to: '));
  assert.ok(findings.length > 0);
  assert.equal(notes.length, findings.length, r.stdout);
  for (const finding of findings) {
    const at = finding.split(': ')[0]!;
    const file = at.split(':')[0]!;
    assert.ok(notes.includes(`${at}: note: to: ${ROUTES[file]}`), `${at}\n${r.stdout}`);
  }
  // Without the option the text format stays as compilers print it.
  assert.ok(!dmalint(['--root', root, root]).stdout.includes('note: to:'));
});

test('SARIF results carry maintainers, reviewers, lists and sections in their properties', () => {
  const root = tree();
  const r = dmalint(['--format', 'sarif', '--root', root, root]);
  const log = JSON.parse(r.stdout) as {
    runs: {
      results: {
        locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
        properties?: Record<string, string[]>;
      }[];
    }[];
  };
  const results = log.runs[0]!.results;
  assert.ok(results.length > 0);
  for (const res of results) {
    const file = res.locations[0]!.physicalLocation.artifactLocation.uri;
    const p = res.properties!;
    assert.equal([...p.maintainers!, ...p.reviewers!, ...p.lists!].join(', ').length > 0, true);
    if (file === 'drivers/iommu/ipmmu-vmsa.c') {
      assert.deepEqual(p.maintainers, ['Joerg Roedel <joro@8bytes.org> (maintainer:IOMMU SUBSYSTEM)']);
      assert.deepEqual(p.reviewers, ['Robin Murphy <robin.murphy@arm.com> (reviewer:IOMMU SUBSYSTEM)']);
      assert.deepEqual(p.lists, [
        'iommu@lists.linux.dev (open list:IOMMU SUBSYSTEM)',
        'linux-kernel@vger.kernel.org (open list)',
      ]);
      assert.deepEqual(p.maintainerSections, ['IOMMU SUBSYSTEM', 'THE REST']);
    }
  }
});

test('a malformed MAINTAINERS entry is a warning naming its line; the findings are still routed', () => {
  const root = tree();
  cpSync(path.join(FIXTURES, 'maintainers', 'MAINTAINERS'), path.join(root, 'MAINTAINERS'));
  appendFileSync(path.join(root, 'MAINTAINERS'), '\nBROKEN\nM:\tSomeone <s@x.org>\nN:\tiommu(\n');
  const r = dmalint(['--maintainers', '--root', root, root]);
  assert.match(r.stdout + r.stderr, /MAINTAINERS:\d+: warning: 'N: iommu\(' is not a regular expression/);
  assert.ok(r.stdout.includes('note: to: Joerg Roedel'));
});

test('--maintainers on a tree without MAINTAINERS entries says once that no one is named', () => {
  // The bundled sample's MAINTAINERS is empty: it only marks the tree's root.
  const r = dmalint(['--maintainers', path.join(FIXTURES, 'sample')]);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(
    lines[0],
    'dmalint: note: --maintainers: the tree has no MAINTAINERS entries to route findings by; no one is named',
  );
  assert.equal(lines.filter((l) => l.includes('MAINTAINERS')).length, 1);
  assert.doesNotMatch(r.stdout, /note: to:/);
  assert.match(r.stdout, /: (error|warning): /);
});

test('a text report without --maintainers neither routes nor reads MAINTAINERS', () => {
  const root = tree();
  cpSync(path.join(FIXTURES, 'maintainers', 'MAINTAINERS'), path.join(root, 'MAINTAINERS'));
  appendFileSync(path.join(root, 'MAINTAINERS'), '\nBROKEN\nM:\tSomeone <s@x.org>\nN:\tiommu(\n');
  const r = dmalint(['--root', root, root]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /warning: /);
  assert.doesNotMatch(r.stdout + r.stderr, /MAINTAINERS|note: to:/);
});
