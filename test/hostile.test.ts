// Whatever a tree holds, the scan finishes: each file is analyzed correctly or named in one
// notification with the reason, and the rest of the tree is analyzed as if it were not there.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../src/rules/load-config.js';
import type { Notification } from '../src/model.js';
import { parserSettings, summarizeSource } from '../src/parser/parse-file.js';
import { findRipgrep } from '../src/search/ripgrep.js';
import { type ScanOptions, scan } from '../src/scan.js';
import { CLI, type Run, tree, writeFiles } from './helpers/cli.js';
import { inProcess } from './helpers/in-process.js';
import { validateSarif } from './helpers/sarif-schema.js';
import { NOTIFIER } from './helpers/snippets.js';
import { MiB, notificationLines, writeDrivers, writeHostileFiles } from './helpers/trees.js';

const config = loadConfig();
const parseOptions = parserSettings(config.parser);

function scanOf(root: string, options: Partial<ScanOptions> = {}) {
  return scan({ root, config, workers: 0, cacheDir: false, ripgrep: false, ...options });
}

const line = (n: Notification) => `${n.file}: ${n.level}: ${n.message}`;
const where = (r: Awaited<ReturnType<typeof scan>>) =>
  r.findings.map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}:${f.location.col}`);

test(
  'a hostile tree scans to completion: one notification per file it ' + 'could not analyze, the rest analyzed',
  async () => {
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
  },
);

test('--max-file-size: a file over the limit is reported, not read; 0 lifts the limit', async () => {
  const root = tree({ 'drivers/x/big.c': `${'/* padding */\n'.repeat(80_000)}${NOTIFIER}` }); // 1.1 MiB
  const limited = await scanOf(root, { limits: { maxFileSize: MiB } });
  assert.deepEqual(limited.notifications.map(line), [
    'drivers/x/big.c: error: 1.1 MiB, larger than --max-file-size 1 MiB; not analyzed',
  ]);
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
  assert.deepEqual(
    next.functions.map((f) => f.name),
    ['only_me'],
  );

  // 8 MB take seconds to parse; the small file a fraction of a millisecond.
  const root = tree({ 'drivers/x/a-slow.c': `${slow.repeat(5)}${NOTIFIER}`, 'drivers/x/b.c': NOTIFIER });
  const r = await scanOf(root, { limits: { parseTimeoutMs: 200, maxFileSize: 0 } });
  assert.deepEqual(r.notifications.map(line), [
    'drivers/x/a-slow.c: error: parsing took longer than --parse-timeout 0.2 s; not analyzed',
  ]);
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

// ---- the command: exit status, notifications on every channel, usage errors, signals ----

const NOBODY = 65534;

/** File permissions do not bind root: the unreadable cases then run the command as nobody. */
function unprivileged(): { as: { uid?: number; gid?: number } } | { skip: string } {
  if (process.geteuid?.() !== 0) return { as: {} };
  const probe = spawnSync(process.execPath, ['-e', ''], { uid: NOBODY, gid: NOBODY });
  if (probe.status === 0) return { as: { uid: NOBODY, gid: NOBODY } };
  return { skip: 'tests run as root, for whom chmod 000 does not stop a read, and cannot run as nobody' };
}

function run(args: string[], as: { uid?: number; gid?: number } = {}): Run {
  const r = spawnSync(process.execPath, [CLI, '--no-cache', ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
    ...as,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test(
  'the hostile tree through the command: every notification, on stdout ' + 'or stderr and in SARIF, and exit 4 or 1',
  async (t) => {
    const root = tree({});
    try {
      // Smaller headers than the 50 MiB of the test above: the command reads them three times.
      const expected = writeHostileFiles(root, { size: 2 * MiB, limit: MiB });
      const user = unprivileged();
      const as = 'as' in user ? user.as : {};
      if ('as' in user) {
        // Unreadable: a file, a directory without the x bit (listed, but nothing in it can be
        // opened) and one that cannot be listed at all.
        writeFiles(root, {
          'drivers/hostile/secret.c': NOTIFIER,
          'drivers/locked/a.c': NOTIFIER,
          'drivers/sealed/b.c': NOTIFIER,
        });
        chmodSync(path.join(root, 'drivers/hostile/secret.c'), 0o000);
        chmodSync(path.join(root, 'drivers/locked'), 0o644);
        chmodSync(path.join(root, 'drivers/sealed'), 0o000);
        expected.set('drivers/hostile/secret.c', 'error: cannot read file (EACCES); not analyzed');
        expected.set('drivers/locked/a.c', 'error: cannot read file (EACCES); not analyzed');
        expected.set('drivers/sealed', 'error: cannot list directory (EACCES); its files are not analyzed');
      }
      await t.test('unreadable files and directories', { skip: 'skip' in user ? user.skip : false }, () => {});
      chmodSync(root, 0o755); // mkdtemp's 0700 would keep nobody out of the whole tree
      const out = path.join(root, 'out');
      mkdirSync(out, { mode: 0o777 });
      chmodSync(out, 0o777);
      const lines = notificationLines(expected);

      const withFinding = run(['--max-file-size', '1M', '--root', root], as);
      assert.equal(withFinding.code, 1, withFinding.stderr);
      assert.deepEqual(withFinding.stdout.trimEnd().split('\n').slice(0, lines.length), lines);
      assert.match(withFinding.stdout, /^drivers\/hostile\/zz-good\.c:7:2: warning: /m);

      rmSync(path.join(root, 'drivers/hostile/zz-good.c'));
      const text = run(['--max-file-size', '1M', '--root', root], as);
      assert.deepEqual(
        { code: text.code, stdout: text.stdout, stderr: text.stderr },
        { code: 4, stdout: `${lines.join('\n')}\n`, stderr: '' },
      );

      const sarifFile = path.join(out, 'hostile.sarif');
      const sarif = run(['--max-file-size', '1M', '--root', root, '--format', 'sarif', '--output', sarifFile], as);
      assert.equal(sarif.code, 4);
      assert.equal(
        sarif.stderr,
        `${lines.join('\n')}\n`,
        'CI logs say what was skipped when the report goes elsewhere',
      );
      const log = JSON.parse(readFileSync(sarifFile, 'utf8'));
      assert.deepEqual(validateSarif(log), []);
      const invocation = log.runs[0].invocations[0];
      assert.equal(invocation.executionSuccessful, false);
      assert.equal(invocation.exitCode, 4);
      assert.deepEqual(
        invocation.toolExecutionNotifications
          .map(
            (n: {
              level: string;
              message: { text: string };
              locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>;
            }) => `${n.locations[0]!.physicalLocation.artifactLocation.uri}: ${n.level}: ${n.message.text}`,
          )
          .sort(),
        lines,
      );
      assert.deepEqual(log.runs[0].results, []);
    } finally {
      spawnSync('chmod', ['-R', 'u+rwx', root]);
      rmSync(root, { recursive: true, force: true });
    }
  },
);

test(
  'usage errors exit 2 with one line and no stack trace: conflicting, ' + 'malformed and impossible options',
  async () => {
    const root = tree({ 'drivers/x/x.c': NOTIFIER });
    const config = path.join(root, 'rules.yaml');
    writeFileSync(config, 'paths:\n  include: ["drivers/[iommu/*.c"]\n  exclude: []\n');
    const cases: Array<[string[], RegExp]> = [
      [
        ['--diff', 'x.patch', '--since', 'HEAD'],
        /option '--diff <patches\.\.\.>' cannot be used with option '--since <rev>'/,
      ],
      [['--cache-dir', path.join(root, 'cache')], /option '--no-cache' cannot be used with option '--cache-dir <dir>'/],
      [['--jobs', 'two'], /argument 'two' is invalid\. expected a whole number \(0: the main thread only\)/],
      [['--jobs', ''], /argument '' is invalid/],
      [['--jobs', '1.5'], /argument '1\.5' is invalid/],
      [['--max-file-size', '4 parsecs'], /expected a size such as 4194304, 512K or 4M/],
      [['--parse-timeout', 'soon'], /expected a number of seconds/],
      [['--frobnicate'], /unknown option '--frobnicate'/],
      [['--root', path.join(root, 'drivers/x/x.c')], /^dmalint: --root .*x\.c: not a directory$/],
      [
        ['--kconfig', path.join(root, 'drivers')],
        /^dmalint: --kconfig .*drivers: the directory holds no configuration files$/,
      ],
      [['--kconfig', path.join(root, '.config')], /^dmalint: --kconfig .*\.config: no such file or directory$/],
      [
        ['--output', path.join(root, 'no/such/dir/out.txt')],
        /^dmalint: --output .*: no such directory .*no\/such\/dir$/,
      ],
      [['--output', path.join(root, 'drivers')], /^dmalint: --output .*drivers: is a directory$/],
      [
        ['--config', config],
        /^dmalint: .*rules\.yaml:2: paths\.include\.0: bad glob 'drivers\/\[iommu\/\*\.c': '\[' is never closed/,
      ],
      [[path.join(root, 'no/such/file.c')], /no such file or directory/],
    ];
    for (const [args, message] of cases) {
      // In this process, for speed: an internal error would throw instead of returning 2.
      const r = await inProcess(['--no-cache', ...(args.includes('--root') ? args : ['--root', root, ...args])]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr.trimEnd(), message, args.join(' '));
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line: ${r.stderr}`);
    }
  },
);

test('--output is written whole or not at all: replaced atomically, kept when the run fails', () => {
  const root = tree({ 'drivers/x/x.c': NOTIFIER });
  const dir = path.join(root, 'reports');
  mkdirSync(dir);
  const out = path.join(dir, 'dmalint.txt');
  writeFileSync(out, 'the previous report\n');
  const failed = run(['--root', root, '--output', out, '--config', path.join(root, 'missing.yaml')]);
  assert.equal(failed.code, 2);
  assert.equal(readFileSync(out, 'utf8'), 'the previous report\n');
  const ok = run(['--root', root, '--output', out]);
  assert.equal(ok.code, 1, ok.stderr);
  assert.match(readFileSync(out, 'utf8'), /^drivers\/x\/x\.c:7:2: warning: /);
  assert.deepEqual(readdirSync(dir), ['dmalint.txt'], 'no temporary file is left');
});

/**
 * Starts the command on a tree that takes many seconds to parse, waits until it is parsing (a
 * summary appears in its cache) and sends it `signal`.
 */
async function interrupt(
  root: string,
  signal: NodeJS.Signals,
  jobs: string,
  out: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const cache = path.join(root, '.cache');
  const child = spawn(
    process.execPath,
    [CLI, '--cache-dir', cache, '--jobs', jobs, '--format', 'sarif', '--output', out, '--root', root],
    {
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, sig) => resolve({ code, signal: sig })),
  );
  let finished = false;
  void exited.then(() => (finished = true));
  const summaries = path.join(cache, 'summaries');
  while (!finished && !(existsSync(summaries) && readdirSync(summaries).length > 0))
    await new Promise((r) => setTimeout(r, 20));
  assert.ok(!finished, `the run ended before it could be interrupted: ${stderr}`);
  child.kill(signal);
  return { ...(await exited), stderr };
}

test('SIGINT and SIGTERM stop the parser threads, write no report and exit 130 and 143', async () => {
  const root = tree({});
  try {
    writeDrivers(root, 300, 220); // 9 MB: many seconds of parsing
    for (const [signal, code, jobs] of [
      ['SIGINT', 130, '2'],
      ['SIGTERM', 143, '0'],
    ] as const) {
      const dir = path.join(root, `reports-${signal}`);
      mkdirSync(dir);
      const out = path.join(dir, 'dmalint.sarif');
      writeFileSync(out, 'the previous report\n');
      const r = await interrupt(root, signal, jobs, out);
      // An exit by the signal itself, or an abort from a thread killed in a parse, would be a failure.
      assert.deepEqual({ code: r.code, signal: r.signal }, { code, signal: null }, r.stderr);
      assert.equal(r.stderr, `dmalint: interrupted by ${signal}; stopping without a report\n`);
      assert.equal(readFileSync(out, 'utf8'), 'the previous report\n');
      assert.deepEqual(readdirSync(dir), ['dmalint.sarif'], 'no temporary file is left');
      rmSync(path.join(root, '.cache'), { recursive: true });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
