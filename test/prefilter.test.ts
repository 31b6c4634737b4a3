// Both text prefilters, ripgrep's (used above 500 files) and the Node one, honour
// paths.include/exclude and choose the same files: the findings are the same either way.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../src/config/load.js';
import { findRipgrep } from '../src/parser/ripgrep.js';
import { scan } from '../src/scan.js';
import { NOTIFIER } from './helpers/snippets.js';
import { tree } from './helpers/cli.js';

const FILLER = 700; // above the 500 files from which ripgrep is used

function bigTree(): string {
  const files: Record<string, string> = {
    // Included only through paths.include: a file whose ending ripgrep was never asked for.
    'drivers/inc/hb-notifier.inc': NOTIFIER,
    // Excluded: must stay out on both paths.
    'drivers/skip/skipped.c': NOTIFIER,
    'drivers/keep/kept.c': NOTIFIER,
  };
  for (let i = 0; i < FILLER; i++)
    files[`drivers/gen/filler${i}.c`] = `int filler${i}(int x)\n{\n\treturn x + ${i};\n}\n`;
  return tree(files);
}

const rg = findRipgrep();
const why = 'ripgrep (rg) is not installed: .ci/run installs it; apt-get install ripgrep';

test(
  'the ripgrep and the Node prefilter honour paths.include/exclude and agree',
  { skip: rg || process.env.CI ? false : why },
  async () => {
    assert.ok(rg, `CI must run the ripgrep prefilter: ${why}`);
    const root = bigTree();
    const base = loadConfig();
    const config = {
      ...base,
      paths: { include: [...base.paths.include, '**/*.inc'], exclude: [...base.paths.exclude, 'drivers/skip/**'] },
    };
    const withRg = await scan({ root, config, workers: 0, cacheDir: false, ripgrep: true });
    const withNode = await scan({ root, config, workers: 0, cacheDir: false, ripgrep: false });
    assert.equal(withRg.searchedWith, 'ripgrep');
    assert.equal(withNode.searchedWith, 'node');
    const where = (r: typeof withRg) => r.findings.map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}`);
    assert.deepEqual(where(withRg), [
      'set-dma-ops-outside-setup-teardown drivers/inc/hb-notifier.inc:7',
      'set-dma-ops-outside-setup-teardown drivers/keep/kept.c:7',
    ]);
    assert.deepEqual(withRg.findings, withNode.findings);
    assert.equal(withRg.filesParsed, withNode.filesParsed);
  },
);
