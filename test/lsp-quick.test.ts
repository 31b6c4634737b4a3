// The language server's quick analysis of an edit (src/lsp/quick-analysis.ts) gives exactly
// what a full scan of the same contents gives, edit after edit as a session makes them, and
// leaves to a full scan what it cannot tell (a name growth has not followed, a new file).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../src/rules/load-config.js';
import { type Baseline, baselineOf, overlayParseOptions, quickAnalysis } from '../src/lsp/quick-analysis.js';
import { type ParseOptions, summarizeText } from '../src/parser/parse-file.js';
import { ScanShare, scan } from '../src/scan.js';
import { fixtureCopy, writeFiles } from './helpers/cli.js';

const IPMMU = 'drivers/iommu/ipmmu-vmsa.c';
const FOO = 'drivers/iommu/foo-iommu.c';
const UNRELATED = 'drivers/misc/unrelated.c';

/** An add_device callback that reaches the Exynos helper through a chain of two files. */
const files = {
  [FOO]:
    '#include <linux/device.h>\n\nstatic int foo_add_device(struct device *dev)\n{\n\treturn ' +
    'foo_step1(dev);\n}\n\nstatic const struct iommu_ops foo_ops = {\n\t.add_device = foo_add_device,\n};\n',
  'drivers/foo/step1.c': 'int foo_step1(struct device *dev)\n{\n\treturn foo_step2(dev);\n}\n',
  'drivers/foo/step2.c': 'int foo_step2(struct device *dev)\n{\n\treturn drm_iommu_attach_device(foo_drm, dev);\n}\n',
  [UNRELATED]: 'static int unrelated(int x)\n{\n\treturn x + 1;\n}\n',
};

interface Edit {
  what: string;
  file: string;
  /** The new text, from the file's text before this edit. */
  change: (text: string) => string;
  quick: boolean;
}

function replaced(from: string, to: string): (text: string) => string {
  return (text) => {
    assert.ok(text.includes(from), `the text holds ${JSON.stringify(from)}`);
    return text.replace(from, to);
  };
}

const EDITS: Edit[] = [
  {
    what: 'a comment moves the findings below it',
    file: IPMMU,
    change: replaced('static void ipmmu_remove_device', '/* moved */\n/* again */\nstatic void ipmmu_remove_device'),
    quick: true,
  },
  {
    what: 'a new set_dma_ops() in a static callback',
    file: IPMMU,
    change: replaced(
      '\tiommu_group_remove_device(dev);\n}\n\nstatic const',
      '\tiommu_group_remove_device(dev);\n\tset_dma_ops(dev, NULL);\n}\n\nstatic const',
    ),
    quick: true,
  },
  {
    what: 'an ops-table line removed',
    file: IPMMU,
    change: replaced('\t.remove_device\t= ipmmu_remove_device,\n', ''),
    quick: true,
  },
  {
    what: 'the chain cut in the middle',
    file: 'drivers/foo/step1.c',
    change: replaced('return foo_step2(dev);', 'return 0;'),
    quick: true,
  },
  {
    what: 'the chain joined again',
    file: 'drivers/foo/step1.c',
    change: replaced('return 0;', 'return foo_step2(dev);'),
    quick: true,
  },
  { what: 'an edit in a file the rules never read', file: UNRELATED, change: replaced('x + 1', 'x + 2'), quick: true },
  {
    what: 'that file now calls a followed name from a static function',
    file: UNRELATED,
    change: replaced('return x + 2;', 'return foo_step1((struct device *)0) + x;'),
    quick: true,
  },
  {
    what: 'the function made non-static: its callers elsewhere were never searched',
    file: UNRELATED,
    change: replaced('static int unrelated', 'int unrelated'),
    quick: false,
  },
  {
    what: 'an exported function that attaches: its callers were never searched',
    file: 'drivers/foo/step2.c',
    change: (t) => `${t}\nint foo_new(struct device *dev)\n{\n\treturn arm_iommu_attach_device(dev, foo_mapping);\n}\n`,
    quick: false,
  },
  {
    what: 'the attach fixed',
    file: 'drivers/foo/step2.c',
    change: replaced('return drm_iommu_attach_device(foo_drm, dev);', 'return 0;'),
    quick: true,
  },
  {
    what: 'a file that is not in the listing',
    file: 'drivers/foo/step3.c',
    change: () => 'int foo_step3(void)\n{\n\treturn 0;\n}\n',
    quick: false,
  },
];

test('an edit answered from the last analysis equals a full scan of the same contents', async () => {
  const root = fixtureCopy('sample');
  writeFiles(root, files);
  const config = loadConfig();
  const share = new ScanShare();
  const options = { root, config, workers: 0, cacheDir: false as const };
  const full = async (overlay: Map<string, string | null>) => {
    const result = await scan({ ...options, share, overlay, keepSummaries: true });
    return { findings: result.findings, baseline: baselineOf(result.summaries!, overlay, config) };
  };
  const overlay = new Map<string, string | null>();
  let { baseline } = (await full(overlay)) as { baseline: Baseline };
  const parse = (text: string, file: string) => Promise.resolve(summarizeText(text, file, overlayParseOptions(config)));
  const seen = new Set<string>();
  for (const edit of EDITS) {
    const before =
      overlay.get(edit.file) ??
      (() => {
        try {
          return readFileSync(path.join(root, edit.file), 'utf8');
        } catch {
          return '';
        }
      })();
    overlay.set(edit.file, edit.change(before));
    const quick = await quickAnalysis(baseline, overlay, config, share, parse);
    const expected = await scan({ ...options, overlay });
    assert.equal(
      quick !== undefined,
      edit.quick,
      `${edit.what}: ${edit.quick ? 'answered quickly' : 'left to a full scan'}`,
    );
    if (quick) {
      assert.deepEqual(quick.findings, expected.findings, edit.what);
      baseline = quick.baseline;
    } else {
      const scanned = await full(overlay);
      assert.deepEqual(scanned.findings, expected.findings, edit.what);
      baseline = scanned.baseline;
    }
    for (const f of expected.findings) seen.add(`${f.ruleId} ${f.location.file}:${f.location.line}`);
  }
  await share.close();
  // The edits changed what is found: each rule, and findings that came and went.
  assert.ok(seen.size >= 5, [...seen].join('\n'));
});

test("the quick analysis parses a buffer with the scan's options", async () => {
  const root = fixtureCopy('sample');
  const config = loadConfig();
  const share = new ScanShare();
  const used: ParseOptions[] = [];
  share.summarizeOverlay = (text, file, options) => {
    used.push(options);
    return Promise.resolve(summarizeText(text, file, options));
  };
  const text = readFileSync(path.join(root, IPMMU), 'utf8');
  await scan({ root, config, workers: 0, cacheDir: false, share, overlay: new Map([[IPMMU, `${text}\n`]]) });
  await share.close();
  assert.equal(used.length, 1);
  assert.deepEqual(used[0], overlayParseOptions(config));
});
