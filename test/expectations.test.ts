// The fixture annotations' reader: what a well-formed annotation expects, and that anything
// meant as one and not well formed stops the fixture test with its file and line.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { type RuleFacts, readExpectations } from './helpers/expectations.js';
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
