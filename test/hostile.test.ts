// Whatever a tree holds, the scan finishes: each file is analyzed correctly or named in one
// notification with the reason, and the rest of the tree is analyzed as if it were not there.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { loadConfig } from '../src/config/load.js';
import type { Notification } from '../src/model.js';
import { summarizeSource } from '../src/parser/parse-file.js';
import { findRipgrep } from '../src/parser/ripgrep.js';
import { type ScanOptions, scan } from '../src/scan.js';
import { tree } from './helpers/cli.js';
import { NOTIFIER } from './helpers/snippets.js';
import { MiB, notificationLines, writeHostileFiles } from './helpers/trees.js';

const config = loadConfig();
const parseOptions = { blank: config.parser.blank, blankWithArgs: config.parser.blankWithArgs, exportMacros: config.parser.exportMacros };

function scanOf(root: string, options: Partial<ScanOptions> = {}) {
  return scan({ root, config, workers: 0, cacheDir: false, ripgrep: false, ...options });
}

const line = (n: Notification) => `${n.file}: ${n.level}: ${n.message}`;
const where = (r: Awaited<ReturnType<typeof scan>>) => r.findings.map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}:${f.location.col}`);

test('a hostile tree scans to completion: one notification per file it could not analyze, the rest analyzed', async () => {
  const root = tree({});
  try {
    const expected = writeHostileFiles(root);
    for (const ripgrep of [false, ...(findRipgrep() ? [true] : [])]) {
      const r = await scanOf(root, { ripgrep });
      assert.deepEqual(r.notifications.map(line).sort(), notificationLines(expected), `ripgrep: ${ripgrep}`);
      assert.deepEqual(where(r), ['set-dma-ops-outside-setup-teardown drivers/hostile/zz-good.c:7:2']);
    }
  } finally {
    rmSync(root, { recursive: true, force: true }); // 100 MB of headers
  }
});

test('--max-file-size: a file over the limit is reported, not read; 0 lifts the limit', async () => {
  const root = tree({ 'drivers/x/big.c': `${'/* padding */\n'.repeat(80_000)}${NOTIFIER}` }); // 1.1 MiB
  const limited = await scanOf(root, { limits: { maxFileSize: MiB } });
  assert.deepEqual(limited.notifications.map(line), ['drivers/x/big.c: error: 1.1 MiB, larger than --max-file-size 1 MiB; not analyzed']);
  assert.deepEqual(limited.findings, []);
  const unlimited = await scanOf(root, { limits: { maxFileSize: 0 } });
  assert.deepEqual(unlimited.notifications, []);
  assert.deepEqual(where(unlimited), ['set-dma-ops-outside-setup-teardown drivers/x/big.c:80007:2']);
});

test('a parse that runs out of time is reported, and the next file gets a tree of its own', async () => {
  // tree-sitter resumes a parse stopped by its timeout unless it is reset: without the reset,
  // the next file would be summarized from the rest of this one.
  const slow = 'static int f(struct device *dev)\n{\n\treturn g(dev);\n}\n'.repeat(40_000); // 1.6 MB
  assert.throws(() => summarizeSource(slow, 'slow.c', { ...parseOptions, parseTimeoutMs: 1 }));
  const next = summarizeSource('int only_me(void)\n{\n\treturn 0;\n}\n', 'next.c', parseOptions);
  assert.deepEqual(next.functions.map((f) => f.name), ['only_me']);

  // 8 MB take seconds to parse; the small file a fraction of a millisecond.
  const root = tree({ 'drivers/x/a-slow.c': `${slow.repeat(5)}${NOTIFIER}`, 'drivers/x/b.c': NOTIFIER });
  const r = await scanOf(root, { limits: { parseTimeoutMs: 200, maxFileSize: 0 } });
  assert.deepEqual(r.notifications.map(line), ['drivers/x/a-slow.c: error: parsing took longer than --parse-timeout 0.2 s; not analyzed']);
  assert.deepEqual(where(r), ['set-dma-ops-outside-setup-teardown drivers/x/b.c:7:2']);
});

test('CRLF line endings, UTF-8 and Latin-1 text and a byte order mark keep lines and columns exact', async () => {
  // Columns count characters: é is one column whether the file is UTF-8 (2 bytes) or Latin-1 (1).
  const named = NOTIFIER.replace('\tset_dma_ops(', '\t/* Jérôme Glisse */ set_dma_ops(');
  const root = tree({
    'drivers/x/lf.c': NOTIFIER,
    'drivers/x/crlf.c': NOTIFIER.replace(/\n/g, '\r\n'),
    'drivers/x/utf8.c': named,
    'drivers/x/bom.c': `\ufeff${named}`,
  });
  const { writeFileSync } = await import('node:fs');
  writeFileSync(`${root}/drivers/x/latin1.c`, Buffer.from(named.replace(/\n/g, '\r\n'), 'latin1'));
  const r = await scanOf(root);
  assert.deepEqual(r.notifications, []);
  const col = 2 + '/* Jérôme Glisse */ '.length;
  assert.deepEqual(where(r), [
    `set-dma-ops-outside-setup-teardown drivers/x/bom.c:7:${col}`,
    'set-dma-ops-outside-setup-teardown drivers/x/crlf.c:7:2',
    `set-dma-ops-outside-setup-teardown drivers/x/latin1.c:7:${col}`,
    'set-dma-ops-outside-setup-teardown drivers/x/lf.c:7:2',
    `set-dma-ops-outside-setup-teardown drivers/x/utf8.c:7:${col}`,
  ]);
  // The path's notes too.
  assert.deepEqual(
    r.findings.map((f) => f.path.map((s) => `${s.line}:${s.col}`).join(' ')),
    ['12:2 7:22', '12:2 7:2', '12:2 7:22', '12:2 7:2', '12:2 7:22'],
  );
});

test('overlaid text is checked as a file on disk is: binary, too large, too deep', async () => {
  const root = tree({ 'drivers/x/b.c': NOTIFIER });
  const overlay = new Map<string, string | null>([
    ['drivers/x/bin.c', 'set_dma_ops\0'],
    ['drivers/x/deep.c', `int f(struct device *dev){${'('.repeat(20000)}set_dma_ops(dev, 0)${')'.repeat(20000)};}`],
    ['drivers/x/big.c', `set_dma_ops(dev, 0);${' '.repeat(2 * MiB)}`],
  ]);
  const r = await scanOf(root, { overlay, limits: { maxFileSize: MiB } });
  assert.deepEqual(r.notifications.map(line).sort(), [
    'drivers/x/big.c: error: 2.0 MiB, larger than --max-file-size 1 MiB; not analyzed',
    'drivers/x/bin.c: error: binary file (it contains NUL bytes); not analyzed',
    'drivers/x/deep.c: error: nested too deeply to analyze (the syntax tree exceeds the stack); not analyzed',
  ]);
  assert.deepEqual(where(r), ['set-dma-ops-outside-setup-teardown drivers/x/b.c:7:2']);
});
