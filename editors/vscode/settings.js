// @ts-check
// What the extension tells `dmalint lsp`, from the `dmalint` settings section: kept apart from
// extension.js (and from the vscode module) so that it can be tested outside VS Code.
'use strict';

/** The settings the server reads (src/lsp/settings.ts); `path` is the extension's own. */
const SERVER_KEYS = ['config', 'kconfig', 'arch', 'cacheDir', 'jobs'];

/**
 * The server's settings in a `dmalint` section: unset ones (null, '') left out, so that the
 * server's defaults apply, and the extension's `path` never sent (the server would warn of it).
 * @param {{ get(key: string): unknown } | Record<string, unknown> | null | undefined} section
 * @returns {Record<string, unknown>}
 */
function serverSettings(section) {
  /** @type {Record<string, unknown>} */
  const out = {};
  if (!section || typeof section !== 'object') return out;
  const get =
    typeof section.get === 'function'
      ? (/** @type {string} */ k) => /** @type {{ get(key: string): unknown }} */ (section).get(k)
      : (/** @type {string} */ k) => /** @type {Record<string, unknown>} */ (section)[k];
  for (const key of SERVER_KEYS) {
    const value = get(key);
    if (value !== undefined && value !== null && value !== '') out[key] = value;
  }
  return out;
}

/**
 * How the server is started: `<dmalint.path> lsp --stdio`.
 * @param {unknown} path the `dmalint.path` setting
 * @returns {{ command: string, args: string[] }}
 */
function serverCommand(path) {
  return {
    command: typeof path === 'string' && path.trim() !== '' ? path.trim() : 'dmalint',
    args: ['lsp', '--stdio'],
  };
}

module.exports = { SERVER_KEYS, serverSettings, serverCommand };
