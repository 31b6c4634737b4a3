// Signals end every kind of run: one waiting for a patch on stdin that never comes, and a warm
// re-scan replayed from the findings cache, which runs without a pause. (A file of its own: the
// in-process run leaves the 15 s stop timer of an interrupted run behind, unref'd.)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { main } from '../src/cli/run.js';
import { CLI, dmalint, tempDir, tree } from './helpers/cli.js';
import { NOTIFIER } from './helpers/snippets.js';

test('SIGTERM while --diff - waits on a pipe that never writes: exit 143 at once', async () => {
  const root = tree({ 'drivers/x/x.c': NOTIFIER });
  const child = spawn(process.execPath, [CLI, '--no-cache', '--root', root, '--diff', '-'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, CI: 'true' },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<[number | null, number]>((resolve) =>
    child.on('exit', (code) => resolve([code, Date.now()])),
  );
  // The command is reading stdin by then, even on a loaded machine (its handler is installed at start).
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const sent = Date.now();
  child.kill('SIGTERM');
  const [code, at] = await exited;
  assert.deepEqual(
    { code, stderr },
    { code: 143, stderr: 'dmalint: interrupted by SIGTERM; stopping without a report\n' },
  );
  assert.ok(at - sent < 5000, `${at - sent} ms`);
});

test('a signal during a warm re-scan replayed from the cache writes no report', async () => {
  const root = tree({ 'drivers/x/x.c': NOTIFIER });
  const cache = tempDir('cache');
  const out = path.join(tempDir('out'), 'report.txt');
  assert.equal(dmalint(['--root', root, '--output', out], { cacheDir: cache }).code, 1);
  writeFileSync(out, 'the previous report\n');
  const writes = process.stderr.write.bind(process.stderr);
  process.stderr.write = () => true;
  try {
    const run = main(['node', 'dmalint', '--cache-dir', cache, '--root', root, '--output', out]);
    // Its handlers are in place once main() has returned its promise; the replay runs next.
    process.kill(process.pid, 'SIGINT');
    assert.equal(await run, 130);
  } finally {
    process.stderr.write = writes;
  }
  assert.equal(readFileSync(out, 'utf8'), 'the previous report\n');
});
