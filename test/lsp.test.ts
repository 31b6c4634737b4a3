// `dmalint lsp` driven over stdio by a protocol client, as an editor drives it: the first
// diagnostics are the command line's findings, an edit in a buffer republishes exactly the
// files whose findings changed (in other files too), the quick fix and hover work, and the
// process ends when the client ends it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { CodeAction, Diagnostic, Hover, TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CLI, dmalint, fixtureCopy, tempDir, writeFiles } from './helpers/cli.js';
import { LspClient, uri } from './helpers/lsp-client.js';

const RULES_YAML = fileURLToPath(new URL('../../rules.yaml', import.meta.url));

/** A second IOMMU driver whose add_device calls the Exynos helper: attach-before-setup in exynos_drm_iommu.c. */
const FOO = `#include <linux/device.h>

static struct drm_device *foo_drm;

static int foo_add_device(struct device *dev)
{
	return drm_iommu_attach_device(foo_drm, dev);
}

static const struct iommu_ops foo_ops = {
	.add_device = foo_add_device,
};
`;
const FOO_FIXED = FOO.replace('return drm_iommu_attach_device(foo_drm, dev);', 'return 0;');
const IPMMU = 'drivers/iommu/ipmmu-vmsa.c';
const EXYNOS = 'drivers/gpu/drm/exynos/exynos_drm_iommu.c';

/** `file:line:col rule` of every finding, from the diagnostics as published. */
function published(client: LspClient, root: string): string[] {
  const out: string[] = [];
  for (const [u, list] of client.diagnostics) {
    const file = path.relative(root, fileURLToPath(u));
    for (const d of list)
      out.push(`${file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${String(d.code)}`);
  }
  return out.sort();
}

/** The same from the command line, on a tree with these contents. */
function cliFindings(root: string): string[] {
  const r = dmalint(['--root', root, root]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return [...r.stdout.matchAll(/^(\S+):(\d+):(\d+): (?:error|warning|note): .* \[([\w-]+)\]$/gm)]
    .map((m) => `${m[1]}:${m[2]}:${m[3]} ${m[4]}`)
    .sort();
}

/** A copy of `root` with some files replaced, for the command line's answer on edited contents. */
function edited(root: string, files: Record<string, string>): string {
  const copy = tempDir('lsp-edited');
  cpSync(root, copy, { recursive: true });
  writeFiles(copy, files);
  return copy;
}

function setup(): { root: string; config: string; cacheDir: string } {
  const root = fixtureCopy('sample');
  writeFiles(root, { 'drivers/iommu/foo-iommu.c': FOO });
  const config = path.join(tempDir('lsp-config'), 'rules.yaml');
  cpSync(RULES_YAML, config);
  return { root, config, cacheDir: tempDir('lsp-cache') };
}

test('dmalint lsp: diagnostics, edits in buffers, cross-file changes, hover, quick fix, shutdown', async () => {
  const { root, config, cacheDir } = setup();
  const client = new LspClient();
  try {
    await client.initialize(root, { config, cacheDir });
    const first = await client.nextAnalysis();
    assert.ok(first.ok);
    // The whole tree, open files or not, exactly as the command line reports it.
    assert.deepEqual(published(client, root), cliFindings(root));
    assert.ok(
      client.progress.some((p) => p.kind === 'begin') && client.progress.some((p) => p.kind === 'end'),
      'work-done progress',
    );
    const ipmmu = client.diagnostics.get(uri(path.join(root, IPMMU)))!.find((d) => d.code === 'attach-before-setup')!;
    assert.deepEqual(ipmmu.range, { start: { line: 36, character: 7 }, end: { line: 36, character: 49 } });
    assert.equal(ipmmu.source, 'dmalint');
    assert.equal(ipmmu.severity, 1);
    assert.match(ipmmu.codeDescription!.href, /README\.md#attach-before-setup$/);
    assert.deepEqual(
      ipmmu.relatedInformation!.map((r) => [
        path.relative(root, fileURLToPath(r.location.uri)),
        r.location.range.start.line + 1,
        r.message,
      ]),
      [
        [
          IPMMU,
          78,
          'ipmmu_add_device() is the iommu_ops.add_device callback (ipmmu_ops): called from the bus notifier ' +
            'when the device is added, before arch_setup_dma_ops()',
        ],
        [IPMMU, 59, 'ipmmu_add_device() calls ipmmu_init_arm_mapping()'],
      ],
    );
    const exynos = uri(path.join(root, EXYNOS));
    assert.ok(
      client.diagnostics.get(exynos)?.some((d) => d.code === 'attach-before-setup'),
      'the new caller in foo-iommu.c makes a finding in exynos_drm_iommu.c',
    );

    // Hover on the finding shows the rule's help.
    const hover = await client.conn.sendRequest<Hover>('textDocument/hover', {
      textDocument: { uri: uri(path.join(root, IPMMU)) },
      position: { line: 36, character: 12 },
    });
    assert.match(JSON.stringify(hover.contents), /attach-before-setup.*EPROBE_DEFER/);

    // A fix in an open buffer (not saved) clears its finding; only that file is republished.
    const ipmmuText = readFileSync(path.join(root, IPMMU), 'utf8');
    const ipmmuFixed = ipmmuText.replace('ret = ipmmu_init_arm_mapping(mmu, dev);', 'ret = 0;');
    client.open(path.join(root, IPMMU), ipmmuText);
    client.change(path.join(root, IPMMU), ipmmuFixed, 2);
    const fix = await client.nextAnalysis();
    assert.ok(fix.ok);
    assert.ok(!client.diagnostics.get(uri(path.join(root, IPMMU)))!.some((d) => d.code === 'attach-before-setup'));
    assert.deepEqual(published(client, root), cliFindings(edited(root, { [IPMMU]: ipmmuFixed })));
    assert.deepEqual(fix.republished, [uri(path.join(root, IPMMU))]);

    // An edit in one file clears a finding in another, and republishes nothing else.
    const foo = path.join(root, 'drivers/iommu/foo-iommu.c');
    client.open(foo, FOO);
    client.change(foo, FOO_FIXED, 2);
    client.save(foo);
    const cross = await client.nextAnalysis();
    assert.deepEqual(client.diagnostics.get(exynos), []);
    assert.ok(cross.republished.includes(exynos));
    assert.ok(!cross.republished.includes(uri(path.join(root, IPMMU))));
    assert.deepEqual(
      published(client, root),
      cliFindings(edited(root, { [IPMMU]: ipmmuFixed, 'drivers/iommu/foo-iommu.c': FOO_FIXED })),
    );

    // And a new caller creates it again.
    client.change(foo, FOO, 3);
    await client.nextAnalysis();
    assert.ok(client.diagnostics.get(exynos)?.some((d) => d.code === 'attach-before-setup'));

    // The quick fix writes into the tree's own .dmalint.yaml, never the rules file dmalint ships
    // (nor the settings' one). A tree without one: this client cannot create files through an
    // edit, so the action is the command that writes it.
    const treeConfig = path.join(root, '.dmalint.yaml');
    const target = client.diagnostics.get(exynos)!.find((d) => d.code === 'attach-before-setup')!;
    const actions = await client.conn.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: exynos },
      range: target.range,
      context: { diagnostics: [target] },
    });
    assert.equal(actions.length, 1);
    assert.equal(
      actions[0]!.title,
      'dmalint: suppress attach-before-setup in drm_iommu_attach_device() (.dmalint.yaml)',
    );
    const command = actions[0]!.command!;
    assert.equal(command.arguments![0], treeConfig);
    const shipped = readFileSync(config, 'utf8');
    await client.conn.sendRequest('workspace/executeCommand', {
      command: command.command,
      arguments: command.arguments,
    });
    assert.match(
      readFileSync(treeConfig, 'utf8'),
      /^# dmalint's configuration for this tree.*\nsuppressions:\n {2}- rule: attach-before-setup\n {4}path: drivers\/gpu\/drm\/exynos\/exynos_drm_iommu.c\n {4}function: drm_iommu_attach_device\n {4}reason: "?TODO/,
    );
    assert.equal(readFileSync(config, 'utf8'), shipped, 'the settings rules file is left alone');
    await client.until(
      'the suppressed finding to go',
      () => !client.diagnostics.get(exynos)?.some((d) => d.code === 'attach-before-setup'),
    );
    // The command line honours it: found in the tree, merged over the bundled rules.
    const cli = dmalint(['--root', root, path.join(root, 'drivers/gpu/drm/exynos')]);
    assert.ok(!/\[attach-before-setup\]$/m.test(cli.stdout), cli.stdout);
    assert.match(cli.stdout, /not shown: 1 suppressed finding/);
    // With the file there, the next quick fix is an edit of it, comments kept.
    const [otherUri, other] = [...client.diagnostics]
      .flatMap(([u, ds]) => ds.map((d) => [u, d] as const))
      .find(([u, d]) => u !== exynos && d.severity !== 3)!;
    const second = await client.conn.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: otherUri },
      range: other.range,
      context: { diagnostics: [other] },
    });
    const edits = second[0]!.edit!.changes![uri(treeConfig)] as TextEdit[];
    const before = readFileSync(treeConfig, 'utf8');
    const after = TextDocument.applyEdits(TextDocument.create(uri(treeConfig), 'yaml', 1, before), edits);
    assert.ok(after.startsWith(before.split('\n')[0]!), 'the header comment is kept');
    assert.equal((after.match(/- rule: /g) ?? []).length, 2, after);
    writeFileSync(treeConfig, after);
    void client.conn.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: uri(treeConfig), type: 2 }],
    });
    await client.until(
      'the second suppressed finding to go',
      () =>
        !client.diagnostics
          .get(otherUri)
          ?.some((d) => d.code === other.code && d.range.start.line === other.range.start.line),
    );

    // A file outside any kernel tree: no diagnostics, one log line however often it is touched.
    const outside = path.join(mkdtempSync(path.join(os.tmpdir(), 'dmalint-outside-')), 'x.c');
    writeFileSync(outside, 'int x;\n');
    client.open(outside, 'int x;\n');
    client.change(outside, 'int y;\n', 2);
    await client.until('the outside log line', () => client.logs.some((l) => l.message.includes(outside)));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(client.logs.filter((l) => l.message.includes(outside)).length, 1);
    assert.ok(!client.diagnostics.has(uri(outside)));

    assert.equal(await client.shutdown(), 0);
  } finally {
    client.kill();
  }
});

test('dmalint lsp ends when its input closes', async () => {
  const client = new LspClient(['lsp']);
  try {
    const { root, config, cacheDir } = setup();
    await client.initialize(root, { config, cacheDir });
    await client.nextAnalysis();
    client.conn.dispose();
    client.proc.stdin!.end();
    const code = await Promise.race([
      client.exited,
      new Promise((r) => setTimeout(() => r('still running'), 20_000).unref()),
    ]);
    assert.notEqual(code, 'still running');
  } finally {
    client.kill();
  }
});

test('dmalint lsp: a bad argument is one line and exit status 2', () => {
  const r = spawnSync(process.execPath, [CLI, 'lsp', '--tcp'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.equal(r.stderr, 'dmalint lsp: unknown argument --tcp; the server speaks over stdio (--stdio)\n');
});

test('dmalint --help names the lsp command, and dmalint lsp --help says what it is', () => {
  assert.match(dmalint(['--help']).stdout, /^ {2}dmalint lsp \[--stdio\] {2}\S/m);
  const r = spawnSync(process.execPath, [CLI, 'lsp', '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^Usage: dmalint lsp \[--stdio\]\n/);
});

void ({} as Diagnostic);
