// A cache directory that cannot be used (another user's ~/.cache, a path through a file, a
// directory under /proc) is one warning line: the run goes on without a cache, gives the same
// report, and still ends on a signal.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CLI, dmalint, tempDir, tree } from './helpers/cli.js';
import { NOTIFIER } from './helpers/snippets.js';
import { writeDrivers } from './helpers/trees.js';

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

/** Cache settings that cannot work, each with what the warning says about it. */
function brokenCaches(): Array<{ name: string; args: string[]; env: NodeJS.ProcessEnv; uid?: number; reason: RegExp }> {
  const dir = tempDir('caches');
  chmodSync(dir, 0o755);
  const file = path.join(dir, 'a-file');
  writeFileSync(file, '');
  // Another user's home: its .cache exists and is not ours to write (root runs the test as nobody).
  const home = path.join(dir, 'home');
  mkdirSync(path.join(home, '.cache'), { recursive: true });
  chmodSync(path.join(home, '.cache'), 0o555);
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true' };
  delete env.XDG_CACHE_HOME;
  return [
    {
      name: "another user's ~/.cache",
      args: [],
      env: { ...env, HOME: home },
      uid: asRoot ? NOBODY : undefined,
      reason: /^EACCES /,
    },
    {
      name: 'a path through a file',
      args: ['--cache-dir', path.join(file, 'dmalint')],
      env,
      reason: /not a directory|ENOTDIR/,
    },
    { name: 'a directory under /proc', args: ['--cache-dir', '/proc/nope'], env, reason: /^ENOENT / },
  ];
}

function readableTree(files: Record<string, string>): string {
  const root = tree(files);
  chmodSync(root, 0o755);
  return root;
}

test('a cache directory that cannot be used is one warning line, and the report is the one without a cache', () => {
  const root = readableTree({ 'arch/arm/mach-hb/hb.c': NOTIFIER });
  const expected = dmalint(['--root', root]);
  assert.equal(expected.code, 1);
  for (const broken of brokenCaches()) {
    const r = spawnSync(process.execPath, [CLI, ...broken.args, '--root', root], {
      env: broken.env,
      uid: broken.uid,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 1, `${broken.name}: ${r.stderr}`);
    assert.equal(r.stdout, expected.stdout, broken.name);
    const lines = r.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, `${broken.name}: ${r.stderr}`);
    const m = /^dmalint: warning: cache directory (.+) cannot be used \((.+)\); running without a cache$/.exec(
      lines[0]!,
    );
    assert.ok(m, `${broken.name}: ${lines[0]}`);
    assert.match(m[2]!, broken.reason, broken.name);
  }
});

test('with a cache directory that cannot be used, a signal mid-run still ends the run', async () => {
  const root = readableTree({});
  writeDrivers(root, 200, 220); // seconds of parsing
  for (const broken of brokenCaches()) {
    const child = spawn(process.execPath, [CLI, ...broken.args, '--jobs', '1', '--root', root], {
      env: broken.env,
      uid: broken.uid,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    while (!stderr.includes('running without a cache')) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    const started = Date.now();
    const code = await exited;
    assert.equal(code, 143, `${broken.name}: ${stderr}`);
    assert.ok(Date.now() - started < 20_000, `${broken.name}: stopped within the grace period`);
    assert.match(stderr, /dmalint: interrupted by SIGTERM; stopping without a report\n$/, broken.name);
  }
});
