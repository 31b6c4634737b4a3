// The README's recipes work as written: the make wrapper, vim's quickfix on the text output,
// the VS Code problem matchers, the GitHub Actions YAML, and only options dmalint has.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { CLI, dmalint, tempDir, tree } from './helpers/cli.js';
import { commitAll } from './helpers/git.js';
import { NOTIFIER } from './helpers/snippets.js';

const README = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
const MAKEFILE = fileURLToPath(new URL('../../scripts/dmalint.mk', import.meta.url));

function blocks(language: string): string[] {
  return [...README.matchAll(new RegExp(`^( *)\`\`\`${language}\\n([\\s\\S]*?)^\\1\`\`\`$`, 'gm'))].map((m) =>
    m[2]!.replace(new RegExp(`^${m[1]}`, 'gm'), ''),
  );
}

function available(command: string): boolean {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
}

const FINDING = 'arch/arm/mach-hb/hb.c:7:2: warning: ';

test('every dmalint option the README uses exists', () => {
  const help = dmalint(['--help']).stdout;
  const commands = README.split('\n').filter((l) => /\bdmalint\b.* --?[a-z]/.test(l) && !l.includes('dmalint: '));
  assert.ok(commands.length >= 10);
  for (const line of commands) {
    for (const option of line.match(/(?<=\s)--[a-z][a-z-]+/g) ?? []) {
      if (['--global', '--prefix', '--no-tags', '--depth', '--stdout', '--cached', '--yes'].includes(option)) continue;
      assert.ok(help.includes(option), `README: ${option} is not a dmalint option (${line.trim()})`);
    }
  }
});

test('the GitHub Actions job is valid YAML that uploads SARIF and gates pull requests with --since', () => {
  const [workflow] = blocks('yaml').map((y) => parse(y) as { jobs: Record<string, { steps: Array<{ run?: string; uses?: string }> }> }).filter((y) => y?.jobs);
  assert.ok(workflow, 'the README has a workflow');
  const steps = Object.values(workflow.jobs)[0]!.steps;
  assert.ok(steps.some((s) => s.uses?.startsWith('github/codeql-action/upload-sarif')));
  assert.ok(steps.some((s) => s.run?.includes('--format sarif') && s.run.includes('--omit suppressed')));
  assert.ok(steps.some((s) => s.run?.includes('dmalint --since')));
});

test("the VS Code task's problem matchers read dmalint's lines", () => {
  const tasks = JSON.parse(blocks('json').find((b) => b.includes('problemMatcher'))!) as {
    tasks: Array<{ problemMatcher: Array<{ pattern: { regexp: string } }> }>;
  };
  const [findings, notes] = tasks.tasks[0]!.problemMatcher.map((m) => new RegExp(m.pattern.regexp));
  const out = dmalint(['--root', tree({ 'arch/arm/mach-hb/hb.c': NOTIFIER })]).stdout.split('\n');
  assert.deepEqual(findings!.exec(out[0]!)?.slice(1, 5), ['arch/arm/mach-hb/hb.c', '7', '2', 'warning']);
  assert.deepEqual(notes!.exec(out[1]!)?.slice(1, 4), ['arch/arm/mach-hb/hb.c', '12', '2']);
});

test("vim's default errorformat makes a quickfix entry of every finding and note", { skip: !available('vim') && 'vim is not installed' }, () => {
  const root = tree({ 'arch/arm/mach-hb/hb.c': NOTIFIER });
  const report = path.join(tempDir('vim'), 'report.txt');
  const listing = path.join(path.dirname(report), 'quickfix.txt');
  writeFileSync(report, `${dmalint(['--root', root]).stdout}dmalint: note: not shown: 1 suppressed finding (--format sarif lists them)\n`);
  const vim = ['-u', 'NONE', '-N', '-es', '-c', `cfile ${report}`, '-c', `redir! > ${listing}`, '-c', 'silent clist!', '-c', 'redir END', '-c', 'qa!'];
  spawnSync('vim', vim, { cwd: root, stdio: 'ignore' });
  // `clist!` shows a valid entry as `N file:line col C: text`, a line it could not read as `N: text`.
  const entries = readFileSync(listing, 'utf8').split('\n').filter(Boolean);
  assert.equal(entries.length, 3, entries.join('\n'));
  assert.match(entries[0]!, /^ 1 arch\/arm\/mach-hb\/hb\.c:7 col 2: warning: set_dma_ops\(\) /);
  assert.match(entries[1]!, /^ 2 arch\/arm\/mach-hb\/hb\.c:12 col 2: note: hb_notifier\(\) is the bus notifier callback/);
  // The closing count has no location: vim shows it as text, not as a place to jump to.
  assert.equal(entries[2], ' 3: dmalint: note: not shown: 1 suppressed finding (--format sarif lists them)');
});

test('make -f scripts/dmalint.mk runs dmalint on the tree make is run in, with M= and SINCE=', { skip: !available('make') && 'make is not installed' }, () => {
  const root = tree({ 'arch/arm/mach-hb/hb.c': NOTIFIER, 'drivers/x/x.c': 'int x;\n' });
  const make = (...vars: string[]) =>
    spawnSync('make', ['-s', '-f', MAKEFILE, `DMALINT=${process.execPath} ${CLI} --no-cache`, ...vars], { cwd: root, encoding: 'utf8' });
  const whole = make();
  assert.equal(whole.status, 2, 'make fails when dmalint reports findings');
  assert.ok(whole.stdout.startsWith(FINDING), whole.stdout + whole.stderr);
  assert.equal(make('M=drivers').status, 0);
  commitAll(root, 'tree');
  assert.equal(make('SINCE=HEAD').stdout, '');
  writeFileSync(path.join(root, 'drivers/x/x.c'), `int x;\n${NOTIFIER}`);
  const since = make('SINCE=HEAD');
  assert.equal(since.status, 2);
  assert.match(since.stdout, /^drivers\/x\/x\.c:8:2: warning: /);
});
