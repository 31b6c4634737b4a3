// The same tree gives the same bytes, text and SARIF: whatever the number of parser threads
// (the tree is above the size parsed on the main thread, so the pool runs), the order its files
// were created in, the order paths are given in, and whether the cache answered.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { main } from '../src/cli/run.js';
import { dmalint, tempDir, tree } from './helpers/cli.js';
import { FOO_IOMMU, NOTIFIER } from './helpers/snippets.js';
import { generatedDriver } from './helpers/trees.js';

const DRIVERS = 60; // above the 48 files parsed on the main thread

/** The tree's files, created in the given order. */
function build(root: string, reverse: boolean): void {
  const files: Array<[string, string | Buffer]> = [
    ['arch/arm/mach-hb/hb.c', NOTIFIER],
    ['drivers/iommu/foo-iommu.c', FOO_IOMMU],
    ['drivers/hostile/binary.c', Buffer.from('set_dma_ops\0')],
    ...Array.from({ length: DRIVERS }, (_, i): [string, string] => [
      `drivers/gen/drv${i}.c`,
      generatedDriver(i, DRIVERS, 5),
    ]),
  ];
  for (const [file, content] of reverse ? files.reverse() : files) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  symlinkSync('nowhere.c', path.join(root, 'drivers/hostile/dangling.c'));
}

const silence = async <T>(work: () => Promise<T>): Promise<T> => {
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = () => true;
  try {
    return await work();
  } finally {
    process.stderr.write = write;
  }
};

/** The report of an in-process run (the stderr copy of the notifications is dropped). */
async function report(out: string, ...args: string[]): Promise<string> {
  const code = await silence(() => main(['node', 'dmalint', '--output', out, ...args]));
  assert.equal(code, 1);
  return readFileSync(out, 'utf8');
}

/** SARIF records the command line, which names --jobs: everything else must be equal. */
const withoutCommandLine = (sarif: string) => sarif.replace(/"commandLine": "[^"]*",\n\s*/, '');

test('byte-identical reports: threads, file creation order, path order, cache', async () => {
  const root = tree({});
  const out = tempDir('reports');
  const file = (name: string) => path.join(out, name);
  try {
    build(root, false);
    const text = await report(file('a.txt'), '--no-cache', '--jobs', '2', '--root', root);
    assert.equal(
      (text.match(/\[set-dma-ops-outside-setup-teardown\]$/gm) ?? []).length,
      DRIVERS + 1,
      'every generated driver has its finding',
    );
    assert.match(text, /^drivers\/hostile\/binary\.c: error: binary file/m);
    assert.match(text, /^drivers\/hostile\/dangling\.c: warning: symbolic link that leads nowhere/m);
    const sarif = await report(file('a.sarif'), '--no-cache', '--jobs', '2', '--format', 'sarif', '--root', root);
    assert.doesNotMatch(sarif, /Time(Utc)?"/, 'no timestamps');

    for (const jobs of ['0', '1']) {
      assert.equal(
        await report(file(`j${jobs}.txt`), '--no-cache', '--jobs', jobs, '--root', root),
        text,
        `--jobs ${jobs}`,
      );
      const other = await report(
        file(`j${jobs}.sarif`),
        '--no-cache',
        '--jobs',
        jobs,
        '--format',
        'sarif',
        '--root',
        root,
      );
      assert.equal(withoutCommandLine(other), withoutCommandLine(sarif), `--jobs ${jobs}`);
    }
    // Positional paths in either order (they limit the report; here to everything).
    const paths = ['drivers', 'arch'].map((p) => path.join(root, p));
    assert.equal(await report(file('p1.txt'), '--no-cache', '--jobs', '0', ...paths), text);
    assert.equal(await report(file('p2.txt'), '--no-cache', '--jobs', '0', ...paths.reverse()), text);
    // A cold cache, then a warm one.
    const cache = path.join(out, 'cache');
    assert.equal(await report(file('c1.txt'), '--cache-dir', cache, '--jobs', '0', '--root', root), text);
    assert.equal(await report(file('c2.txt'), '--cache-dir', cache, '--jobs', '0', '--root', root), text);

    // The same tree created in the opposite order (directory listings come back in another
    // order), scanned by a separate process each time.
    rmSync(root, { recursive: true });
    build(root, true);
    writeFileSync(path.join(root, 'MAINTAINERS'), '');
    const fresh = dmalint(['--jobs', '2', '--root', root]);
    assert.equal(fresh.stdout, text);
    const again = dmalint(['--jobs', '2', '--format', 'sarif', '--root', root]);
    assert.equal(again.code, 1);
    assert.equal(withoutCommandLine(again.stdout), withoutCommandLine(sarif));
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
});
