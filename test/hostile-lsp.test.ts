// The language server against a client that breaks the protocol: requests out of order get the
// protocol's errors, and a malformed header ends the server at once instead of leaving the
// stream out of step until stdin closes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { CLI, tree } from './helpers/cli.js';
import { LspClient, uri } from './helpers/lsp-client.js';
import { NOTIFIER } from './helpers/snippets.js';

/** The error code a request is answered with ('none' when it succeeds). */
async function codeOf(request: Promise<unknown>): Promise<number | 'none'> {
  try {
    await request;
    return 'none';
  } catch (err) {
    return (err as { code: number }).code;
  }
}

test('requests before initialize, a second initialize, requests after shutdown: the protocol errors', async () => {
  const root = tree({ 'drivers/x/x.c': NOTIFIER });
  const client = new LspClient();
  try {
    const hover = () =>
      client.conn.sendRequest('textDocument/hover', {
        textDocument: { uri: uri(path.join(root, 'drivers/x/x.c')) },
        position: { line: 6, character: 2 },
      });
    assert.equal(await codeOf(hover()), -32002, 'ServerNotInitialized');
    await client.initialize(root, { cacheDir: false });
    assert.equal(
      await codeOf(client.conn.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} })),
      -32600,
    );
    assert.equal(await codeOf(hover()), 'none');
    assert.equal(await codeOf(client.conn.sendRequest('shutdown')), 'none');
    assert.equal(await codeOf(hover()), -32600, 'InvalidRequest');
    void client.conn.sendNotification('exit');
    assert.equal(await client.exited, 0);
  } finally {
    client.kill();
  }
});

test('a malformed header ends the server with one line, at once', async () => {
  const child = spawn(process.execPath, [CLI, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.stdin.write('Content-Length: many\r\n\r\n{}');
  const code = await Promise.race([
    exited,
    new Promise((resolve) => setTimeout(() => resolve('still running'), 10_000)),
  ]);
  child.kill('SIGKILL');
  assert.deepEqual(
    { code, stderr },
    {
      code: 1,
      stderr:
        'dmalint lsp: the client sent a malformed message (Content-Length value must be a number. Got many); exiting\n',
    },
  );
});
