// What the editor end-to-end tests share: the README's recipe for an editor as it stands, a
// `dmalint` on PATH as the recipes expect it, a working directory whose cache is the test's own,
// and the command line's findings for one file to compare with what the editor shows.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, dmalint, tempDir } from './cli.js';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));

export function installed(command: string): boolean {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** The `language` block of the README's bullet for `editor` (`- **Neovim**`), unindented. */
export function readmeRecipe(editor: string, language: string): string {
  const text = readFileSync(README, 'utf8');
  const at = text.indexOf(`- **${editor}**`);
  assert.ok(at >= 0, `the README has a ${editor} recipe`);
  const m = new RegExp(`^( *)\`\`\`${language}\\n([\\s\\S]*?)^\\1\`\`\`$`, 'm').exec(text.slice(at));
  assert.ok(m, `the README's ${editor} recipe has a ${language} block`);
  return m[2]!.replace(new RegExp(`^${m[1]}`, 'gm'), '');
}

/**
 * A directory for an editor run: `recipe` written to `file` in it, `dmalint` on the PATH of
 * `env`, and XDG_CACHE_HOME inside it (the recipes use the default cache: not the user's).
 */
export function editorRun(
  recipe: string,
  file: string,
): { dir: string; recipe: string; out: string; env: NodeJS.ProcessEnv } {
  const dir = tempDir('editor');
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'dmalint'), `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`);
  chmodSync(path.join(bin, 'dmalint'), 0o755);
  mkdirSync(path.join(dir, 'cache'));
  writeFileSync(path.join(dir, file), recipe);
  return {
    dir,
    recipe: path.join(dir, file),
    out: path.join(dir, 'diagnostics.json'),
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, XDG_CACHE_HOME: path.join(dir, 'cache') },
  };
}

export interface CliFinding {
  /** 0-based, as LSP has them. */
  line: number;
  character: number;
  level: 'error' | 'warning';
  rule: string;
  message: string;
}

/** The command line's findings in `file` of `root` (columns: the first character is 0). */
export function cliFindingsIn(root: string, file: string, args: string[] = []): CliFinding[] {
  const r = dmalint([...args, '--root', root, path.join(root, file)]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const found = [...r.stdout.matchAll(/^(\S+):(\d+):(\d+): (error|warning): (.*) \[([\w-]+)\]$/gm)].map((m) => ({
    line: Number(m[2]) - 1,
    character: Number(m[3]) - 1,
    level: m[4] as 'error' | 'warning',
    rule: m[6]!,
    message: m[5]!,
  }));
  assert.ok(found.length > 0, `the command line finds something in ${file}`);
  return found;
}

/** `list` in a stable order, for comparing sets. */
export function sorted<T>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}
