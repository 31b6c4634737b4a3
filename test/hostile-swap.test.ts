// A file swapped for a FIFO while a scan runs, deterministically: the test replaces it right
// after dmalint's own check saw a regular file, by wrapping node:fs's statSync in this process
// (the command runs in-process, parsing on the main thread with --jobs 0). Before reads were
// opened without blocking and checked on the open file, the FIFO blocked the run forever (3
// runs in 10 of a real swap during a scan); ripgrep, given a top-level file by name, did too.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { tree, writeFiles } from './helpers/cli.js';
import { inProcess } from './helpers/in-process.js';
import { NOTIFIER } from './helpers/snippets.js';

/**
 * Replaces `file` by a FIFO just after a statSync made from the module `caller` (a file of
 * dist/src) found it a regular file; undoes the wrapping when called back.
 */
function swapAfterStat(file: string, caller: string): () => void {
  const real = fs.statSync;
  let swapped = false;
  const wrapped = (...args: Parameters<typeof real>) => {
    const st = real(...args);
    if (!swapped && path.resolve(String(args[0])) === file && new Error().stack!.includes(caller)) {
      swapped = true;
      fs.rmSync(file);
      execFileSync('mkfifo', [file]);
    }
    return st;
  };
  const writable = fs as { statSync: typeof real };
  writable.statSync = wrapped as typeof real;
  syncBuiltinESMExports();
  return () => {
    writable.statSync = real;
    syncBuiltinESMExports();
  };
}

/**
 * The run, and whether it waited on the FIFO: a read that blocks may block this whole process,
 * timers included, so another process opens the FIFO for writing after 10 s and closes it,
 * which ends the read that waits (and is stopped once the run is over).
 */
async function bounded(args: string[], fifo: string) {
  const writer = spawn('sh', ['-c', 'sleep 10; : > "$1"; echo hung', 'sh', fifo], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  writer.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  try {
    const r = await inProcess(args);
    return { ...r, hung: out.includes('hung') };
  } finally {
    writer.kill('SIGKILL');
  }
}

const FINDING = /^drivers\/x\/x\.c:7:2: warning: .* \[set-dma-ops-outside-setup-teardown\]$/;

/** What a run of `root` says when `fifo` is swapped after `caller`'s check: the first line, then the finding. */
async function swappedRun(root: string, fifo: string, caller: string, first: string): Promise<void> {
  const restore = swapAfterStat(fifo, caller);
  try {
    const r = await bounded(['--no-cache', '--jobs', '0', '--root', root], fifo);
    assert.equal(r.hung, false, 'the run waited on the FIFO');
    const lines = r.stdout.split('\n').filter((l) => l !== '' && !/^\S+:\d+:\d+: note: /.test(l));
    assert.equal(lines[0], first);
    assert.match(lines[1] ?? '', FINDING);
    assert.deepEqual({ code: r.code, lines: lines.length, stderr: r.stderr }, { code: 1, lines: 2, stderr: '' });
  } finally {
    restore();
  }
}

test('a C file swapped for a FIFO between the check and the read is an error line, never a hang', async () => {
  const root = tree({ 'drivers/x/x.c': NOTIFIER, 'drivers/x/swap.c': NOTIFIER.replace(/hb_/g, 'sw_') });
  const fifo = path.join(root, 'drivers/x/swap.c');
  await swappedRun(
    root,
    fifo,
    'parser/parse-file.js',
    'drivers/x/swap.c: error: a FIFO, not a regular file; not analyzed',
  );
});

test('a top-level C file swapped for a FIFO after the listing stops neither ripgrep nor the run', async () => {
  // Enough files for the prefilter to run ripgrep, which took a top-level file by name and waited on it.
  const root = tree({ 'drivers/x/x.c': NOTIFIER, 'swap.c': NOTIFIER.replace(/hb_/g, 'sw_') });
  writeFiles(root, Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`lib/f${i}.c`, `int f${i};\n`])));
  const fifo = path.join(root, 'swap.c');
  await swappedRun(root, fifo, 'src/discover.js', 'swap.c: error: a FIFO, not a regular file; not analyzed');
});
