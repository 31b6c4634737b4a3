// Every fixture tree is scanned and its findings compared, in full, with the expectations
// written inline in its C files: a missed or an extra finding fails, and so does a finding with
// another level, message id or message data than its annotation states.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/rules/load-config.js';
import { RULES, ruleIds } from '../src/rules/index.js';
import { compareFindings } from '../src/order.js';
import { renderSarif } from '../src/output/sarif.js';
import { renderText } from '../src/output/text.js';
import { scan } from '../src/scan.js';
import { type RuleFacts, expectationLine, mismatches, readExpectations } from './helpers/expectations.js';
import type { Result as SarifResult } from 'sarif';
import type { Finding } from '../src/model.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));

const trees = readdirSync(FIXTURES)
  .filter((d) => existsSync(path.join(FIXTURES, d, 'MAINTAINERS')))
  .sort();

/** Each tree's text report, as `dmalint --root fixtures/<tree>` prints it. */
const SNAPSHOT = 'expected-report.txt';
const UPDATE = 'check the difference, then DMALINT_UPDATE_SNAPSHOTS=1 npm run test:rules writes it';

const config = loadConfig();
const messagesOf = (rule: string) => RULES.find((r) => r.meta.id === rule)?.meta.messages;
const facts = (rule: string): RuleFacts | undefined => {
  const messages = messagesOf(rule);
  const level = config.rules[rule]?.level;
  return messages && level ? { level, messages } : undefined;
};
const seen = { ruleid: new Set<string>(), ok: new Set<string>() };

for (const tree of trees) {
  test(`fixture ${tree}: findings match the inline expectations`, async () => {
    const root = path.join(FIXTURES, tree);
    const expected = readExpectations(root, facts);
    const result = await scan({ root, config, workers: 0, cacheDir: false });
    const everything = await scan({ root, config, workers: 0, cacheDir: false, parseAll: true });
    assert.deepEqual(result.findings, everything.findings, 'the prefilter and call-graph growth lose no finding');
    // Each rule alone: its needs() suffice, without what the other rules make the scan parse.
    for (const id of ruleIds()) {
      const alone = {
        ...config,
        rules: Object.fromEntries(Object.entries(config.rules).map(([r, s]) => [r, { ...s, enabled: r === id }])),
      };
      const own = await scan({ root, config: alone, workers: 0, cacheDir: false });
      assert.deepEqual(
        own.findings,
        everything.findings.filter((f) => f.ruleId === id),
        `${id} alone finds what it finds among all`,
      );
    }
    const actual = result.findings.map((f) => ({
      line: expectationLine({ ...f, ...f.location }, messagesOf(f.ruleId)?.[f.messageId]),
      at: `${f.ruleId} ${f.location.file}:${f.location.line}`,
    }));
    const todoOk = new Set(expected.todoOk);
    assert.deepEqual(
      actual
        .filter((f) => !todoOk.has(f.at))
        .map((f) => f.line)
        .sort(),
      expected.findings,
      `findings of fixtures/${tree} differ from its annotations`,
    );
    // What the diff above cannot show: lines marked ok that were reported, known gaps that closed.
    assert.deepEqual(mismatches(actual, expected), [], `fixtures/${tree}`);
    // The text report, path notes and related locations included, is most of what a user reads:
    // pinned beside the annotations.
    const report = renderText(result.findings, result.notifications);
    const snapshot = path.join(root, SNAPSHOT);
    if (process.env.DMALINT_UPDATE_SNAPSHOTS === '1') writeFileSync(snapshot, report);
    assert.ok(existsSync(snapshot), `fixtures/${tree}/${SNAPSHOT} is missing: ${UPDATE}`);
    assert.equal(report, readFileSync(snapshot, 'utf8'), `the text report of fixtures/${tree} changed: ${UPDATE}`);
    // SARIF's id and arguments say what the text says (but the condition note, which is no template's).
    const log = renderSarif({
      findings: result.findings,
      notifications: [],
      rules: RULES.map((r) => r.meta),
      rootDir: root,
      toolVersion: '0',
    });
    const descriptors = log.runs[0]!.tool.driver.rules!;
    // One result per cause, the other rules' findings of it folded in (output/causes.ts).
    const results = log.runs[0]!.results!.flatMap((r) => [
      r,
      ...((r.properties?.alsoReportedBy as SarifResult[] | undefined) ?? []),
    ]);
    assert.equal(results.length, result.findings.length, 'every finding is a result or folded into one');
    const byFinding = (f: Finding) =>
      results.find(
        (r) =>
          r.ruleId === f.ruleId &&
          r.locations![0]!.physicalLocation!.region!.startLine === f.location.line &&
          r.locations![0]!.physicalLocation!.region!.startColumn === f.location.col &&
          r.message.text === f.message,
      )!;
    [...result.findings].sort(compareFindings).forEach((f) => {
      const { message, ruleIndex } = byFinding(f);
      const template = descriptors[ruleIndex!]!.messageStrings![message.id!]!.text;
      const rebuilt = template.replace(/\{(\d+)\}/g, (_, n: string) => message.arguments![Number(n)]!);
      const text = f.conditions.length ? f.message.slice(0, f.message.lastIndexOf(' (only with ')) : f.message;
      assert.equal(
        rebuilt.replace(/\.$/, ''),
        text.replace(/\.$/, ''),
        `SARIF message of ${f.ruleId} ${f.location.line}`,
      );
    });
    assert.deepEqual(result.notifications, [], 'fixture trees scan without notifications');
    for (const f of result.findings) seen.ruleid.add(f.ruleId);
    for (const f of expected.ok) seen.ok.add(f.split(' ')[0]!);
    // Every finding carries its path, and the primary location is a step of it (for a
    // teardown, the statement in the pair function; the path goes on to the effect itself).
    for (const f of result.findings) {
      assert.ok(f.path.length >= 1);
      const onPath = f.path.some(
        (s) => s.file === f.location.file && s.line === f.location.line && s.col === f.location.col,
      );
      assert.ok(onPath, `${f.ruleId} ${f.location.file}:${f.location.line}: primary location not on its path`);
    }
  });
}

test('fixtures cover every rule both ways', () => {
  assert.ok(trees.length >= 5, `expected the fixture trees, found ${trees.join(', ')}`);
  for (const id of ruleIds()) {
    assert.ok(seen.ruleid.has(id), `no fixture expects a ${id} finding`);
    assert.ok(seen.ok.has(id), `no fixture marks a line ok for ${id}`);
  }
});
