// The README's recipes work as written: the make wrapper, vim's quickfix on the text output,
// the VS Code problem matchers, the GitHub Actions YAML, the pre-commit hook, and only options
// dmalint has. Recipes run the installed command: `dmalint` on the PATH is a link to the
// package's bin, as `npm install --global .` makes it, and each is read from the README itself.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { CLI, dmalint, fixtureCopy, tempDir, tree, writeFiles } from './helpers/cli.js';
import { IDENTITY, commitAll, git } from './helpers/git.js';
import { NOTIFIER } from './helpers/snippets.js';

const README = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
const MAKEFILE = fileURLToPath(new URL('../../scripts/dmalint.mk', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));

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
      if (
        [
          '--global',
          '--prefix',
          '--no-tags',
          '--depth',
          '--stdout',
          '--cached',
          '--yes',
          '--relative',
          '--amend',
          '--no-edit',
        ].includes(option)
      )
        continue;
      assert.ok(help.includes(option), `README: ${option} is not a dmalint option (${line.trim()})`);
    }
  }
});

test('the GitHub Actions job is valid YAML that uploads SARIF and gates pull requests with --since', () => {
  const [workflow] = blocks('yaml')
    .map((y) => parse(y) as { jobs: Record<string, { steps: Array<{ run?: string; uses?: string }> }> })
    .filter((y) => y?.jobs);
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

test(
  "vim's default errorformat makes a quickfix entry of every finding and note",
  { skip: !available('vim') && 'vim is not installed' },
  () => {
    const root = tree({ 'arch/arm/mach-hb/hb.c': NOTIFIER });
    const report = path.join(tempDir('vim'), 'report.txt');
    const listing = path.join(path.dirname(report), 'quickfix.txt');
    writeFileSync(
      report,
      `${dmalint(['--root', root]).stdout}dmalint: note: not shown: 1 suppressed finding (--format sarif lists them)\n`,
    );
    const vim = [
      '-u',
      'NONE',
      '-N',
      '-es',
      '-c',
      `cfile ${report}`,
      '-c',
      `redir! > ${listing}`,
      '-c',
      'silent clist!',
      '-c',
      'redir END',
      '-c',
      'qa!',
    ];
    spawnSync('vim', vim, { cwd: root, stdio: 'ignore' });
    // `clist!` shows a valid entry as `N file:line col C: text`, a line it could not read as `N: text`.
    const entries = readFileSync(listing, 'utf8').split('\n').filter(Boolean);
    assert.equal(entries.length, 3, entries.join('\n'));
    assert.match(entries[0]!, /^ 1 arch\/arm\/mach-hb\/hb\.c:7 col 2: warning: set_dma_ops\(\) /);
    assert.match(
      entries[1]!,
      /^ 2 arch\/arm\/mach-hb\/hb\.c:12 col 2: note: hb_notifier\(\) is the bus notifier callback/,
    );
    // The closing count has no location: vim shows it as text, not as a place to jump to.
    assert.equal(entries[2], ' 3: dmalint: note: not shown: 1 suppressed finding (--format sarif lists them)');
  },
);

test(
  'make -f scripts/dmalint.mk runs dmalint on the tree make is run in, with M= and SINCE=',
  { skip: !available('make') && 'make is not installed' },
  () => {
    const root = tree({ 'arch/arm/mach-hb/hb.c': NOTIFIER, 'drivers/x/x.c': 'int x;\n' });
    const make = (...vars: string[]) =>
      spawnSync('make', ['-s', '-f', MAKEFILE, `DMALINT=${process.execPath} ${CLI} --no-cache`, ...vars], {
        cwd: root,
        encoding: 'utf8',
      });
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
  },
);

/** A PATH whose `dmalint` is the package's bin, and a cache of the test's own. */
function installed(): NodeJS.ProcessEnv {
  const bin = tempDir('bin');
  symlinkSync(CLI, path.join(bin, 'dmalint'));
  return {
    ...process.env,
    PATH: `${bin}${path.delimiter}${process.env.PATH}`,
    XDG_CACHE_HOME: tempDir('cache'),
    CI: 'true',
    ...IDENTITY,
  };
}

function sh(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-c', command], { cwd, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The fenced block of `lang` that contains `marker`. */
function block(lang: string, marker: string): string {
  const found = blocks(lang).find((b) => b.includes(marker));
  assert.ok(found, `the README has a ${lang} block with ${marker}`);
  return found;
}

/** The sample tree as a kernel repository, with the fixed teardown's guard and a Kbuild under arch/arm. */
function kernelRepo(): string {
  const root = fixtureCopy('sample');
  writeFiles(root, {
    'arch/arm/Kbuild': 'obj-y += mm/ mach-highbank/\n',
    'arch/arm/mm/Kbuild': 'obj-y += dma-mapping.o\n',
  });
  commitAll(root, 'sample');
  return root;
}

/** Makes a change that introduces a finding: a notifier that sets the ops (at 7:2). */
function introduce(root: string): void {
  writeFiles(root, { 'drivers/bad/bad.c': NOTIFIER });
}

test('no recipe runs npx dmalint outside the quick start', () => {
  const uses = README.split('\n').filter((l) => l.includes('npx dmalint'));
  assert.deepEqual(
    uses.filter(
      (l) => !l.startsWith('npm ci && npx dmalint') && !/In the clone|Do not use|in a kernel tree npx/.test(l),
    ),
    [],
  );
});

test("the README's pre-commit hook passes an empty amend, blocks a staged finding and passes a clean commit", () => {
  const env = installed();
  const root = kernelRepo();
  const hook = path.join(root, '.git/hooks/pre-commit');
  mkdirSync(path.dirname(hook), { recursive: true });
  writeFileSync(hook, block('sh', '#!/bin/sh'));
  chmodSync(hook, 0o755);
  const commit = (...args: string[]) =>
    spawnSync('git', ['commit', '-q', ...args], { cwd: root, env, encoding: 'utf8' });
  const amend = commit('--amend', '--no-edit');
  assert.equal(amend.status, 0, `git commit --amend with nothing staged: ${amend.stderr}`);
  assert.match(amend.stderr, /nothing to check/);
  introduce(root);
  git(root, 'add', '-A');
  const blocked = commit('-m', 'bad notifier');
  assert.notEqual(blocked.status, 0, 'a staged finding blocks the commit');
  assert.match(
    blocked.stdout + blocked.stderr,
    /drivers\/bad\/bad\.c:7:2: warning: .*\[set-dma-ops-outside-setup-teardown\]/,
  );
  git(root, 'reset', '-q', '--hard');
  writeFiles(root, { 'drivers/ok/ok.c': 'int ok(void) { return 0; }\n' });
  git(root, 'add', '-A');
  assert.equal(commit('-m', 'ok').status, 0, 'a clean change commits');
});

test("vim's quickfix commands from the README fill the list with the findings", () => {
  const env = installed();
  const root = kernelRepo();
  introduce(root);
  git(root, 'add', '-N', '.'); // git diff shows the new file
  const compiler = /`:(compiler!? gcc)`/.exec(README)![1]!;
  for (const command of [...README.matchAll(/`:cexpr system\('([^']+)'\)`/g)].map((m) => m[1]!)) {
    const out = path.join(tempDir('vim'), 'qf.txt');
    const r = spawnSync(
      'vim',
      [
        '-Nu',
        'NONE',
        '-i',
        'NONE',
        '-es',
        '-c',
        compiler,
        '-c',
        `cexpr system('${command}')`,
        '-c',
        `call writefile(map(filter(getqflist(), 'v:val.valid'), ` +
          `'bufname(v:val.bufnr) . ":" . v:val.lnum . ":" . v:val.type'), '${out}')`,
        '-c',
        'qa!',
      ],
      { cwd: root, env, encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const entries = readFileSync(out, 'utf8');
    // `w`: the README's :compiler line makes the entry a warning, not an untyped line.
    assert.match(entries, /^drivers\/bad\/bad\.c:7:w$/m, `${command}: ${entries}`);
  }
});

test(
  "run from arch/arm/mm, paths start there as gcc's do, and vim's quickfix opens every file",
  { skip: !available('vim') && 'vim is not installed' },
  () => {
    const env = installed();
    const root = kernelRepo();
    introduce(root);
    const here = path.join(root, 'arch/arm/mm');
    const r = sh('dmalint', here, env);
    assert.equal(r.code, 1, r.stderr);
    const located = r.stdout.split('\n').filter((l) => /^[^:]+:\d+:\d+: /.test(l));
    const files = [...new Set(located.map((l) => l.split(':')[0]!))].sort();
    assert.ok(files.includes('dma-mapping.c') && files.includes('../../../drivers/bad/bad.c'), files.join(' '));
    assert.deepEqual(
      files.filter((f) => !existsSync(path.join(here, f))),
      [],
    );
    const out = path.join(tempDir('vim'), 'qf.txt');
    const compiler = /`:(compiler!? gcc)`/.exec(README)![1]!;
    const vim = spawnSync(
      'vim',
      [
        ...['-Nu', 'NONE', '-i', 'NONE', '-es', '-c', compiler, '-c', "cexpr system('dmalint')", '-c'],
        `call writefile(map(filter(getqflist(), 'v:val.valid'), ` +
          `'filereadable(bufname(v:val.bufnr)) . " " . bufname(v:val.bufnr)'), '${out}')`,
        ...['-c', 'qa!'],
      ],
      { cwd: here, env, encoding: 'utf8' },
    );
    assert.equal(vim.status, 0, vim.stderr);
    const entries = readFileSync(out, 'utf8').split('\n').filter(Boolean);
    assert.equal(entries.length, located.length, entries.join('\n'));
    assert.deepEqual(
      entries.filter((e) => !e.startsWith('1 ')),
      [],
      'files vim cannot open',
    );
  },
);

test("the VS Code task's command and problem matchers read the findings and their notes", () => {
  const env = installed();
  const root = kernelRepo();
  const task = JSON.parse(block('json', '"tasks"')).tasks[0];
  const r = sh(task.command, path.join(root, 'arch/arm'), env);
  assert.equal(r.code, 1, r.stderr);
  const [problem, note] = task.problemMatcher.map((m: { pattern: { regexp: string } }) => new RegExp(m.pattern.regexp));
  const lines = r.stdout.trim().split('\n');
  assert.ok(
    lines.every((l) => problem!.test(l) || note!.test(l)),
    'every line is a problem or a note',
  );
  assert.ok(lines.some((l) => problem!.test(l)) && lines.some((l) => note!.test(l)));
});

test("the make wrapper's recipes run, and make fails exactly when dmalint does", () => {
  const env = installed();
  const root = kernelRepo();
  const recipes = block('sh', 'dmalint.mk')
    .trim()
    .split('\n')
    .map((l) => l.replace('/path/to/dmalint', REPO.replace(/\/$/, '')));
  const [m, since, sarif] = recipes.map((c) => sh(c, root, env));
  assert.equal(m!.code, 2, 'drivers/iommu has a finding: make fails');
  assert.match(m!.stdout, /^drivers\/iommu\/ipmmu-vmsa\.c:\d+:\d+: error: /m);
  assert.match(m!.stderr, /Error 1/);
  assert.equal(since!.code, 2, `SINCE=origin/master names no revision here: ${since!.stderr}`);
  assert.match(since!.stderr, /dmalint: --since origin\/master: .*\n.*Error 2/);
  assert.equal(sarif!.code, 2);
  assert.equal(JSON.parse(readFileSync(path.join(root, 'dmalint.sarif'), 'utf8')).version, '2.1.0');
  git(root, 'branch', '-q', 'origin/master');
  assert.equal(sh(recipes[1]!, root, env).code, 0, 'nothing changed since origin/master: make passes');
});

test("the CI job's dmalint commands: the SARIF step accepts findings, the pull request step fails on one", () => {
  const env = installed();
  const root = kernelRepo();
  const job = block('yaml', 'upload-sarif');
  const scan = /run: (dmalint --format sarif .*)$/m.exec(job)![1]!;
  const gate = /^\s+(dmalint --since .*)$/m.exec(job)![1]!.replace('${{ github.event.pull_request.base.sha }}', 'HEAD');
  assert.equal(sh(scan, root, env).code, 0, 'exit 1 (findings) is accepted');
  assert.equal(sh(gate, root, env).code, 0, 'nothing introduced');
  introduce(root);
  const r = sh(gate, root, env);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^drivers\/bad\/bad\.c:7:2: /m);
});

test('--help lists every exit status the README names', () => {
  const help = dmalint(['--help']).stdout;
  const listed = /\nExit status:\n((?: {2}.*\n)+)/.exec(help)?.[1];
  assert.ok(listed, help);
  const statuses = listed
    .split('\n')
    .flatMap((l) => /^ {2}([\d/]+) /.exec(l)?.[1]?.split('/') ?? [])
    .sort();
  const paragraph = /^Exit status: ([\s\S]*?)\n\n/m.exec(README)![1]!;
  const named = [...paragraph.matchAll(/\*\*([\d/]+)\*\*/g)].flatMap((m) => m[1]!.split('/')).sort();
  assert.deepEqual(statuses, named);
});

test('the baseline recipe runs as written under set -e: writing exits 0, a new finding fails', () => {
  const env = installed();
  const root = kernelRepo();
  const [write, compare] = block('sh', 'baseline.sarif')
    .trim()
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, ''));
  const written = sh(`set -e\n${write}\necho written`, root, env);
  assert.equal(written.code, 0, written.stderr);
  assert.equal(written.stdout, 'written\n');
  assert.equal(JSON.parse(readFileSync(path.join(root, 'baseline.sarif'), 'utf8')).version, '2.1.0');
  assert.equal(sh(`set -e\n${compare}`, root, env).code, 0, 'nothing new against the baseline');
  introduce(root);
  assert.equal(sh(`set -e\n${compare}`, root, env).code, 1, 'a new finding fails the step');
});
