// @ts-check
// The dmalint extension: starts the installed `dmalint lsp` for C files (vscode-languageclient)
// with the workspace's `dmalint` settings as initializationOptions. Everything else (which
// tree, diagnostics, hover, the suppression quick fix) is the server's.
'use strict';
const vscode = require('vscode');
const { LanguageClient, State } = require('vscode-languageclient/node');
const { serverCommand, serverSettings } = require('./settings.js');

/** @type {LanguageClient | undefined} */
let client;

/** @returns {Promise<void>} */
async function start() {
  const section = vscode.workspace.getConfiguration('dmalint');
  const { command, args } = serverCommand(section.get('path'));
  client = new LanguageClient(
    'dmalint',
    'dmalint',
    { command, args },
    {
      documentSelector: [{ scheme: 'file', language: 'c' }],
      initializationOptions: serverSettings(section),
      middleware: {
        workspace: {
          // The server pulls the `dmalint` section again when settings change; `path` is not its.
          configuration: async (params, token, next) => {
            const result = await next(params, token);
            return Array.isArray(result)
              ? result.map((r, i) => (params.items[i]?.section === 'dmalint' ? serverSettings(r) : r))
              : result;
          },
        },
      },
    },
  );
  try {
    await client.start();
  } catch (err) {
    void vscode.window.showErrorMessage(
      `dmalint: cannot start \`${command} lsp\` (${err instanceof Error ? err.message : String(err)}). Install ` +
        `dmalint (npm install -g dmalint) or set dmalint.path in your user settings.`,
    );
  }
}

async function stop() {
  const running = client;
  client = undefined;
  if (running && running.state !== State.Stopped) await running.stop();
}

/** @param {import('vscode').ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      // Other settings reach the running server (it pulls them); another executable needs a new one.
      if (e.affectsConfiguration('dmalint.path')) {
        await stop();
        await start();
      }
    }),
    { dispose: () => void stop() },
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
