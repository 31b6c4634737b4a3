// Reads the expectations written inline in fixture trees, Semgrep style, with ESLint's message
// ids and data: each expected finding has its own comment on the line(s) before it,
//
//   /* ruleid: <rule>[@<level>] <messageId> <key>="<value>" … */
//
// naming the message and every value its template is filled with (`\"` and `\\` escape a quote
// and a backslash). A comment may go on over the next lines until its `*/`; a continuation line
// may start with the kernel's ` * `. A value stays on one line, or is written as adjacent quoted
// pieces (`"a, " "b"`), one value as adjacent C string literals are one string.
// `/* ok: <rule>[, <rule>…] */` marks a line that must stay silent. Annotation comments stack
// onto the next other line, so several findings on one line are several comments. A finding
// expected at another level than its rule's says so with `@`.
// Known gaps are written as Semgrep does: `/* todoruleid: … */` (the same body as ruleid) before
// a line the rule should report and does not yet, `/* todook: <rule>[, …] */` before a line it
// reports and should not. Neither fails while the gap stays; each fails once the gap closes, so
// that it is made a ruleid or an ok.
// A comment that starts like an annotation and is not a well-formed one is an error naming the
// file and line, never skipped.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Finding } from '../../src/model.js';
import { placeholderNames } from '../../src/rules/rule.js';

/** What the annotations of a rule are checked against: its level and its message templates. */
export interface RuleFacts {
  level: string;
  messages: Record<string, string>;
}

export interface Expectations {
  /** One line per expected finding in the form `expectationLine` gives, sorted. */
  findings: string[];
  /** `rule file:line` that must not be reported. */
  ok: string[];
  /** Findings the rule should give and does not yet (todoruleid), as `findings`. */
  todoFindings: string[];
  /** `rule file:line` reported and not meant to be (todook). */
  todoOk: string[];
}

export class BadAnnotation extends Error {}

const LEVELS = new Set(['error', 'warning', 'note']);
/** The start of anything meant as an annotation: `ruleid`, `ok` or their `todo` forms opening a comment. */
const START = /^\s*(\/\*|\/\/)\s*((?:todo)?(?:ruleid|ok))\b/;

const quote = (value: string) => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/**
 * A finding as one line, in the annotation's own syntax (data in the template's order), so that a
 * difference between what a tree gives and what it expects reads as the annotation to write.
 */
export function expectationLine(
  f: Pick<Finding, 'ruleId' | 'messageId' | 'messageData'> & { level: string; file: string; line: number },
  template = '',
): string {
  const names = [...new Set([...placeholderNames(template), ...Object.keys(f.messageData).sort()])];
  const data = names.filter((n) => n in f.messageData).map((n) => ` ${n}=${quote(f.messageData[n]!)}`);
  return `${f.file}:${f.line}: ruleid: ${f.ruleId}@${f.level} ${f.messageId}${data.join('')}`;
}

const shown = (root: string, file: string) => path.relative(process.cwd(), path.join(root, file));

function* sourceFiles(dir: string, root: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* sourceFiles(full, root);
    else if (/\.[ch]$/.test(name)) yield path.relative(root, full).split(path.sep).join('/');
  }
}

type Token = { word: string } | { key: string; value: string };

/** The words of a `ruleid` annotation's body: bare words, and `key="value"` with its value unescaped. */
function tokens(body: string, fail: (why: string) => never): Token[] {
  const out: Token[] = [];
  let i = 0;
  const near = () => `'${body.slice(i, i + 24).split('\n')[0]}'`;
  while (i < body.length) {
    if (/\s/.test(body[i]!)) {
      i++;
      continue;
    }
    const pair = /^(\w+)="/.exec(body.slice(i));
    if (!pair) {
      const word = /^[^\s"=]+(?=\s|$)/.exec(body.slice(i));
      if (!word) fail(`expected a word or key="value" at ${near()}`);
      out.push({ word: word[0] });
      i += word[0].length;
      continue;
    }
    let value = '';
    let j = i + pair[0].length;
    for (;;) {
      const c = body[j];
      if (c === undefined || c === '\n') fail(`the value of ${pair[1]} has no closing quote on its line`);
      if (c === '"') {
        // Adjacent quoted pieces are one value, as adjacent C string literals are one string.
        const more = /^\s*"/.exec(body.slice(j + 1));
        if (!more) break;
        j += 1 + more[0].length;
        continue;
      }
      if (c === '\\') {
        const next = body[j + 1];
        if (next !== '"' && next !== '\\') fail(`unknown escape \\${next ?? ''} in the value of ${pair[1]}`);
        value += next;
        j += 2;
        continue;
      }
      value += c;
      j++;
    }
    i = j + 1;
    if (i < body.length && !/\s/.test(body[i]!)) fail(`expected a space after the value of ${pair[1]} at ${near()}`);
    out.push({ key: pair[1]!, value });
  }
  return out;
}

interface Expected {
  rule: string;
  level: string;
  messageId: string;
  data: Record<string, string>;
  template: string;
}

/** One `ruleid` annotation's body: the expected finding, checked against the rule's messages. */
function expectation(body: string, facts: (rule: string) => RuleFacts | undefined, fail: (why: string) => never) {
  const [head, id, ...rest] = tokens(body, fail);
  if (!head || !('word' in head)) fail('expected <rule>[@<level>] <messageId> key="value"…');
  const [rule, level, ...more] = head.word.split('@') as [string, string | undefined];
  const known = facts(rule);
  if (!known) fail(`unknown rule '${rule}'`);
  if (more.length || (level !== undefined && !LEVELS.has(level)))
    fail(`'${head.word}': the level is error|warning|note`);
  const ids = Object.keys(known.messages).join(', ');
  if (!id || !('word' in id)) fail(`a ruleid annotation names the message id after the rule (${ids})`);
  const template = known.messages[id.word];
  if (template === undefined) fail(`${rule} has no message '${id.word}' (it has ${ids})`);
  const data: Record<string, string> = {};
  for (const t of rest) {
    if ('word' in t) fail(`'${t.word}' is not key="value"`);
    if (t.key in data) fail(`${t.key} is given twice`);
    data[t.key] = t.value;
  }
  const names = placeholderNames(template);
  const missing = names.filter((n) => !(n in data));
  const extra = Object.keys(data).filter((k) => !names.includes(k));
  if (missing.length) fail(`message ${id.word} of ${rule} also needs ${missing.join(', ')}`);
  if (extra.length) fail(`message ${id.word} of ${rule} has no ${extra.join(', ')}`);
  return { rule, level: level ?? known.level, messageId: id.word, data, template } satisfies Expected;
}

/** Reads every annotation of the tree at `root`; throws BadAnnotation naming `file:line` for a malformed one. */
export function readExpectations(root: string, facts: (rule: string) => RuleFacts | undefined): Expectations {
  const out: Expectations = { findings: [], ok: [], todoFindings: [], todoOk: [] };
  for (const file of sourceFiles(root, root)) {
    const lines = readFileSync(path.join(root, file), 'latin1').replace(/\n$/, '').split('\n');
    let pending: { at: number; todo: boolean; ruleid?: Expected; ok?: string[] }[] = [];
    for (let i = 0; i < lines.length; i++) {
      const start = START.exec(lines[i]!);
      if (!start) {
        for (const p of pending) {
          const e = p.ruleid;
          if (e) {
            const f = { ruleId: e.rule, level: e.level, messageId: e.messageId, messageData: e.data };
            (p.todo ? out.todoFindings : out.findings).push(expectationLine({ ...f, file, line: i + 1 }, e.template));
          }
          for (const rule of p.ok ?? []) (p.todo ? out.todoOk : out.ok).push(`${rule} ${file}:${i + 1}`);
        }
        pending = [];
        continue;
      }
      const at = i;
      const fail: (why: string) => never = (why) => {
        throw new BadAnnotation(`${shown(root, file)}:${at + 1}: malformed ${start[2]} annotation: ${why}`);
      };
      // The comment's text after `ruleid`/`ok`, up to its end: this line for `//`, `*/` for `/*`.
      let text = lines[i]!.slice(start[0].length);
      if (start[1] === '/*') {
        while (!text.includes('*/')) {
          if (++i >= lines.length) fail('the comment is never closed');
          text += `\n${lines[i]!.replace(/^\s*\*(?!\/)/, '')}`;
        }
        const end = text.indexOf('*/');
        if (text.slice(end + 2).trim() !== '') fail('code follows the annotation on its line');
        text = text.slice(0, end);
      }
      const colon = /^\s*:/.exec(text);
      if (!colon) fail(`expected ':' after ${start[2]}`);
      const body = text.slice(colon[0].length);
      const todo = start[2]!.startsWith('todo');
      if (start[2]!.endsWith('ok')) {
        const rules = body.split(',').map((r) => r.trim());
        for (const rule of rules) if (!facts(rule)) fail(`unknown rule '${rule}'`);
        pending.push({ at, todo, ok: rules });
      } else {
        pending.push({ at, todo, ruleid: expectation(body, facts, fail) });
      }
    }
    if (pending.length) {
      const last = pending[pending.length - 1]!;
      throw new BadAnnotation(`${shown(root, file)}:${last.at + 1}: malformed annotation: no line follows it`);
    }
  }
  for (const list of Object.values(out)) list.sort();
  return out;
}

/**
 * What is wrong with a tree's findings (as `expectationLine` gives them, with `rule file:line`
 * of each) against its annotations; [] when they match. A todook line's findings are left out
 * of the comparison, since the annotation does not say what the wrong finding says.
 */
export function mismatches(actual: { line: string; at: string }[], expected: Expectations): string[] {
  const todoOk = new Set(expected.todoOk);
  const reported = new Set(actual.map((f) => f.at));
  const lines = actual.filter((f) => !todoOk.has(f.at)).map((f) => f.line);
  const problems: string[] = [];
  const missing = expected.findings.filter((l) => !lines.includes(l));
  const extra = lines.filter((l) => !expected.findings.includes(l));
  for (const l of missing) problems.push(`expected, not reported: ${l}`);
  for (const l of extra) problems.push(`reported, not expected: ${l}`);
  for (const ok of expected.ok) if (reported.has(ok)) problems.push(`${ok} is marked ok but was reported`);
  for (const t of expected.todoFindings)
    if (lines.includes(t)) problems.push(`now reported, make the todoruleid a ruleid: ${t}`);
  for (const t of expected.todoOk)
    if (!reported.has(t)) problems.push(`no longer reported, make the todook an ok: ${t}`);
  return problems;
}
