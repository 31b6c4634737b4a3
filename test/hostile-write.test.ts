// What dmalint writes goes where it was told and nowhere else: its temporary files are its own
// (created exclusively, never through a link planted at a name it might use), a device node or
// FIFO named by --output is written where it is, and a report keeps its permissions.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CLI, tempDir, tree } from './helpers/cli.js';
import { inProcess } from './helpers/in-process.js';
import { NOTIFIER } from './helpers/snippets.js';

const FINDING = /^drivers\/x\/x\.c:7:2: warning: .*\[set-dma-ops-outside-setup-teardown\]$/m;

function mkfifo(file: string): void {
  assert.equal(spawnSync('mkfifo', [file]).status, 0, 'mkfifo');
}

test('--output never writes through a link planted at a temporary name; a 0600 report stays 0600', async () => {
  const root = tree({ 'drivers/x/x.c': NOTIFIER });
  const reports = tempDir('reports');
  const victim = path.join(tempDir('victim'), 'precious');
  writeFileSync(victim, 'keep me\n');
  const out = path.join(reports, 'out.txt');
  // The names dmalint used before: `.out.txt.<pid>.tmp`, with this process's pid in-process.
  symlinkSync(victim, path.join(reports, `.out.txt.${process.pid}.tmp`));
  writeFileSync(out, 'the previous report\n', { mode: 0o600 });
  chmodSync(out, 0o600);
  const r = await inProcess(['--no-cache', '--root', root, '--output', out]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(readFileSync(victim, 'utf8'), 'keep me\n');
  assert.match(readFileSync(out, 'utf8'), FINDING);
  assert.equal(statSync(out).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(reports).sort(), [`.out.txt.${process.pid}.tmp`, 'out.txt']);
});

test('the cache directory probe never truncates through a link planted at its name', async () => {
  const root = tree({ 'drivers/x/x.c': NOTIFIER });
  const cache = tempDir('cache');
  const victim = path.join(tempDir('victim'), 'precious');
  writeFileSync(victim, 'keep me\n');
  symlinkSync(victim, path.join(cache, `.probe.${process.pid}`));
  const r = await inProcess(['--cache-dir', cache, '--root', root]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr, '');
  assert.equal(readFileSync(victim, 'utf8'), 'keep me\n');
});

test('--output onto a FIFO writes into it; a link is followed and stays a link', async () => {
  const root = tree({ 'drivers/x/x.c': NOTIFIER });
  const dir = tempDir('out');
  const fifo = path.join(dir, 'fifo');
  mkfifo(fifo);
  // A reader that is there before dmalint opens the FIFO; the report fits in the pipe's buffer.
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const r = await inProcess(['--no-cache', '--root', root, '--output', fifo]);
  assert.equal(r.code, 1, r.stderr);
  const buffer = Buffer.alloc(65536);
  const read = buffer.toString('utf8', 0, readSync(reader, buffer));
  closeSync(reader);
  assert.match(read, FINDING);
  assert.ok(lstatSync(fifo).isFIFO(), 'still a FIFO');

  const real = path.join(dir, 'real.txt');
  writeFileSync(real, 'old\n');
  mkdirSync(path.join(dir, 'links'));
  const link = path.join(dir, 'links', 'report.txt');
  symlinkSync('../real.txt', link);
  assert.equal((await inProcess(['--no-cache', '--root', root, '--output', link])).code, 1);
  assert.ok(lstatSync(link).isSymbolicLink(), 'still a link');
  assert.match(readFileSync(real, 'utf8'), FINDING);
  assert.deepEqual(readdirSync(dir).sort(), ['fifo', 'links', 'real.txt']);
});

test('--output onto a FIFO nobody reads is one error line at once, and the FIFO stays', async () => {
  const root = tree({ 'drivers/x/x.c': NOTIFIER });
  const fifo = path.join(tempDir('out'), 'fifo');
  mkfifo(fifo);
  const r = await inProcess(['--no-cache', '--root', root, '--output', fifo]);
  assert.deepEqual(
    { code: r.code, stdout: r.stdout, stderr: r.stderr },
    {
      code: 2,
      stdout: '',
      stderr: `dmalint: --output ${fifo}: cannot write the report (no such device or address (a FIFO nobody reads))\n`,
    },
  );
  assert.ok(lstatSync(fifo).isFIFO());
});

test('a reader that closes stdout early ends the run quietly; a failed write is one line and exit 2', async () => {
  const root = tree({ 'drivers/x/x.c': NOTIFIER });
  // `dmalint -f sarif | head -c 100`: the pipe is closed before the report is written.
  const child = spawn(process.execPath, [CLI, '--no-cache', '--root', root, '-f', 'sarif'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: 'true' },
  });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.deepEqual({ code, stderr }, { code: 1, stderr: '' });

  // `dmalint > /dev/full`
  const full = openSync('/dev/full', 'w');
  try {
    for (const format of ['text', 'sarif']) {
      const r = spawnSync(process.execPath, [CLI, '--no-cache', '--root', root, '-f', format], {
        stdio: ['ignore', full, 'pipe'],
        encoding: 'utf8',
        env: { ...process.env, CI: 'true' },
      });
      assert.deepEqual(
        { code: r.status, stderr: r.stderr },
        { code: 2, stderr: 'dmalint: cannot write the report to stdout (no space left on device)\n' },
        format,
      );
    }
  } finally {
    closeSync(full);
  }
});
