// The VS Code extension in editors/vscode stays buildable and says what the server reads: it
// type-checks strictly against VS Code's API and vscode-languageclient, its settings are the
// server's (plus the executable's path, which is never sent), and `vsce package` makes a .vsix
// holding the extension and its runtime dependencies. VS Code itself cannot run here; the
// protocol it speaks is test/lsp.test.ts's.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SETTING_KEYS } from '../src/lsp/settings.js';
import { tempDir } from './helpers/cli.js';
import { zipEntries } from './helpers/zip.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const EXTENSION = path.join(REPO, 'editors/vscode');
const BIN = path.join(REPO, 'node_modules/.bin');
const require = createRequire(import.meta.url);

interface Manifest {
  engines: { vscode: string };
  activationEvents: string[];
  main: string;
  contributes: { configuration: { properties: Record<string, { scope?: string; default?: unknown }> } };
  dependencies: Record<string, string>;
}
const manifest = JSON.parse(readFileSync(path.join(EXTENSION, 'package.json'), 'utf8')) as Manifest;
const settings = require(path.join(EXTENSION, 'settings.js')) as {
  SERVER_KEYS: string[];
  serverSettings(section: unknown): Record<string, unknown>;
  serverCommand(path: unknown): { command: string; args: string[] };
};

function run(command: string, args: string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `${path.basename(command)} ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

test('the extension type-checks strictly against the VS Code API and vscode-languageclient', () => {
  run(path.join(BIN, 'tsc'), ['-p', EXTENSION], REPO);
});

test("the extension's settings are the server's, and it starts `<path> lsp --stdio` on C files", () => {
  assert.deepEqual(settings.SERVER_KEYS, [...SETTING_KEYS]);
  const properties = manifest.contributes.configuration.properties;
  assert.deepEqual(Object.keys(properties).sort(), ['dmalint.path', ...SETTING_KEYS.map((k) => `dmalint.${k}`)].sort());
  // A workspace's settings must not choose what runs.
  assert.equal(properties['dmalint.path']!.scope, 'machine');
  assert.ok(manifest.activationEvents.includes('onLanguage:c'));
  const client = JSON.parse(
    readFileSync(path.join(REPO, 'node_modules/vscode-languageclient/package.json'), 'utf8'),
  ) as { version: string; engines: { vscode: string } };
  assert.equal(
    manifest.dependencies['vscode-languageclient'],
    client.version,
    'the extension ships the vscode-languageclient it is checked against',
  );
  assert.equal(manifest.engines.vscode, client.engines.vscode, "engines.vscode is vscode-languageclient's");

  // Unset settings (VS Code's null defaults, '') are left to the server; `path` is never sent.
  const section = {
    path: '/opt/dmalint/bin/dmalint',
    config: 'rules.yaml',
    kconfig: null,
    arch: 'arm',
    cacheDir: false,
    jobs: 0,
  };
  const expected = { config: 'rules.yaml', arch: 'arm', cacheDir: false, jobs: 0 };
  assert.deepEqual(settings.serverSettings(section), expected);
  assert.deepEqual(settings.serverSettings({ get: (k: string) => (section as Record<string, unknown>)[k] }), expected);
  assert.deepEqual(settings.serverSettings({ arch: '', kconfig: undefined }), {});
  assert.deepEqual(settings.serverSettings(null), {});
  assert.deepEqual(settings.serverCommand(' /opt/dmalint/bin/dmalint '), {
    command: '/opt/dmalint/bin/dmalint',
    args: ['lsp', '--stdio'],
  });
  assert.deepEqual(settings.serverCommand(''), { command: 'dmalint', args: ['lsp', '--stdio'] });
  assert.deepEqual(settings.serverCommand(undefined), { command: 'dmalint', args: ['lsp', '--stdio'] });
});

test('vsce package builds a .vsix with the extension and its runtime dependencies', () => {
  // A copy, as a user's checkout: its own lockfile, production dependencies only (npm's cache
  // holds them from the root install: vscode-languageclient is a root devDependency too).
  const dir = tempDir('vscode');
  cpSync(EXTENSION, dir, { recursive: true, filter: (src) => !/[/\\](node_modules|.*\.vsix)$/.test(src) });
  run(
    'npm',
    ['ci', '--omit=dev', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
    dir,
  );
  run(
    path.join(BIN, 'vsce'),
    ['package', '--skip-license', '--allow-missing-repository', '--out', 'dmalint.vsix'],
    dir,
  );
  const entries = zipEntries(path.join(dir, 'dmalint.vsix'));
  for (const file of [
    'extension.vsixmanifest',
    'extension/package.json',
    `extension/${manifest.main.replace(/^\.\//, '')}`,
    'extension/settings.js',
    'extension/readme.md',
  ]) {
    assert.ok(
      entries.includes(file),
      `${file} in the .vsix: ${entries.filter((e) => !e.includes('node_modules/')).join(', ')}`,
    );
  }
  for (const dep of [
    'vscode-languageclient/lib/node/main.js',
    'vscode-languageserver-protocol/package.json',
    'vscode-jsonrpc/package.json',
  ]) {
    assert.ok(entries.includes(`extension/node_modules/${dep}`), `${dep} in the .vsix`);
  }
  assert.ok(
    !entries.some((e) => e.endsWith('tsconfig.json') && !e.includes('node_modules/')),
    'no build configuration in the .vsix',
  );
});
