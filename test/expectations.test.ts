// The fixture annotations' reader: what a well-formed annotation expects, and that anything
// meant as one and not well formed stops the fixture test with its file and line.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { type RuleFacts, mismatches, readExpectations } from './helpers/expectations.js';
import { tempDir, writeFiles } from './helpers/cli.js';

const RULES: Record<string, RuleFacts> = {
  'demo-rule': {
    level: 'warning',
    messages: { direct: '{{fn}}() writes {{what}}', bare: 'no data here' },
  },
};
const facts = (rule: string) => RULES[rule];

function read(c: string) {
  const root = tempDir('annotations');
  writeFiles(root, { 'drivers/x.c': c });
  return readExpectations(root, facts);
}

function rejects(c: string, line: number, why: RegExp) {
  assert.throws(
    () => read(c),
    (err: Error) => {
      const at = `${path.join('drivers', 'x.c')}:${line}: malformed `;
      assert.ok(err.message.includes(at), `${err.message} names ${at}`);
      assert.match(err.message, why);
      return true;
    },
  );
}

test('an annotation expects its finding with its level, message id and data, in the template order', () => {
  const e = read(
    [
      'void f(void)',
      '{',
      '\t/* ruleid: demo-rule direct what="a \\"quoted\\" \\\\ value" fn="f" */',
      '\t/* ruleid: demo-rule@note bare */',
      '\t/* ok: demo-rule */',
      '\tset_dma_ops(dev, NULL);',
      '\t/* ruleid: demo-rule direct fn="g"',
      '\t * what="the first piece, "',
      '\t *      "the second" */',
      '\tset_dma_ops(dev, NULL);',
      '}',
      '',
    ].join('\n'),
  );
  assert.deepEqual(e.findings, [
    'drivers/x.c:10: ruleid: demo-rule@warning direct fn="g" what="the first piece, the second"',
    'drivers/x.c:6: ruleid: demo-rule@note bare',
    'drivers/x.c:6: ruleid: demo-rule@warning direct fn="f" what="a \\"quoted\\" \\\\ value"',
  ]);
  assert.deepEqual(e.ok, ['demo-rule drivers/x.c:6']);
});

test('a malformed annotation names its file and line and what is wrong', () => {
  const before = (annotation: string) => `int x;\n${annotation}\nset_dma_ops(dev, NULL);\n`;
  rejects(before('/* ruleid: demo-rule */'), 2, /names the message id/);
  rejects(before('/* ruleid: demo-rule indirect fn="f" what="w" */'), 2, /has no message 'indirect'/);
  rejects(before('/* ruleid: demo-rule direct fn="f" */'), 2, /also needs what/);
  rejects(before('/* ruleid: demo-rule direct fn="f" what="w" how="h" */'), 2, /has no how/);
  rejects(before('/* ruleid: demo-rule direct fn="f" fn="g" what="w" */'), 2, /fn is given twice/);
  rejects(before('/* ruleid: demo-rule direct fn=f what="w" */'), 2, /expected a word or key="value"/);
  rejects(before('/* ruleid: demo-rule direct fn="f what="w" */'), 2, /expected a space after the value of fn/);
  rejects(before('/* ruleid: demo-rule direct fn="f" what="w */'), 2, /no closing quote/);
  rejects(before('/* ruleid: demo-rule direct fn="f\\n" what="w" */'), 2, /unknown escape \\n/);
  rejects(before('/* ruleid: demo-rul direct fn="f" what="w" */'), 2, /unknown rule 'demo-rul'/);
  rejects(before('/* ruleid: demo-rule@info bare */'), 2, /the level is error\|warning\|note/);
  rejects(before('/* ruleid demo-rule bare */'), 2, /expected ':' after ruleid/);
  rejects(before('/* ok: demo-rule, other-rule */'), 2, /unknown rule 'other-rule'/);
  rejects(before('/* ruleid: demo-rule bare */ x = 1;'), 2, /code follows the annotation/);
  rejects('int x;\n/* ruleid: demo-rule direct fn="f"\n * what="w"\n', 2, /never closed/);
  rejects('int x;\n/* ruleid: demo-rule bare */\n', 2, /no line follows it/);
});

test('a known gap (todoruleid, todook) passes while it stays and fails once it closes', () => {
  const e = read(
    [
      'void f(void)',
      '{',
      '\t/* todoruleid: demo-rule direct fn="f" what="ops" */',
      '\tset_dma_ops(dev, &ops);',
      '\t/* todook: demo-rule */',
      '\tset_dma_ops(dev, NULL);',
      '}',
      '',
    ].join('\n'),
  );
  const missed = 'drivers/x.c:4: ruleid: demo-rule@warning direct fn="f" what="ops"';
  assert.deepEqual(e, { findings: [], ok: [], todoFindings: [missed], todoOk: ['demo-rule drivers/x.c:6'] });
  const wrong = { line: 'drivers/x.c:6: ruleid: demo-rule@warning bare', at: 'demo-rule drivers/x.c:6' };
  // The gaps as they are: the false finding is not compared, the missed one is not expected.
  assert.deepEqual(mismatches([wrong], e), []);
  // Both closed: the rule finds the missed one and no longer gives the false one.
  assert.deepEqual(mismatches([{ line: missed, at: 'demo-rule drivers/x.c:4' }], e), [
    `reported, not expected: ${missed}`,
    `now reported, make the todoruleid a ruleid: ${missed}`,
    'no longer reported, make the todook an ok: demo-rule drivers/x.c:6',
  ]);
});

test('mismatches names a missed, an extra and a finding on a line marked ok', () => {
  const e = read(['/* ruleid: demo-rule bare */', 'a();', '/* ok: demo-rule */', 'b();', ''].join('\n'));
  const at2 = { line: 'drivers/x.c:2: ruleid: demo-rule@warning bare', at: 'demo-rule drivers/x.c:2' };
  const at4 = { line: 'drivers/x.c:4: ruleid: demo-rule@warning bare', at: 'demo-rule drivers/x.c:4' };
  assert.deepEqual(mismatches([at2], e), []);
  assert.deepEqual(mismatches([at4], e), [
    `expected, not reported: ${at2.line}`,
    `reported, not expected: ${at4.line}`,
    'demo-rule drivers/x.c:4 is marked ok but was reported',
  ]);
});
