// Runs the dmalint command as users do, and builds the throwaway trees tests run it on.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../../../fixtures', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * No cache (tests must not share state through ~/.cache) unless `cacheDir` names one of the
 * test's own, and CI set (no progress).
 */
export function dmalint(args: string[], options: { cwd?: string; input?: string; cacheDir?: string } = {}): Run {
  const cache = options.cacheDir ? ['--cache-dir', options.cacheDir] : ['--no-cache'];
  const r = spawnSync(process.execPath, [CLI, ...cache, ...args], {
    cwd: options.cwd,
    input: options.input,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const madeDirs: string[] = [];

/** A directory that is removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `dmalint-${prefix}-`));
  madeDirs.push(dir);
  return dir;
}

/** Makes every directory under `dir` searchable and writable again (hostile trees take that away). */
function unlock(dir: string): void {
  try {
    chmodSync(dir, 0o700);
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) unlock(path.join(dir, e.name));
  } catch {
    // gone already, or not ours to change
  }
}

process.on('exit', () => {
  for (const dir of madeDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      unlock(dir);
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

/** A kernel-style tree in a temporary directory: MAINTAINERS marks its root. */
export function tree(files: Record<string, string>): string {
  const root = tempDir('tree');
  writeFileSync(path.join(root, 'MAINTAINERS'), '');
  writeFiles(root, files);
  return root;
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
}

/** A copy of a fixture tree that a test may change. */
export function fixtureCopy(name: string): string {
  const root = tempDir(name);
  cpSync(path.join(FIXTURES, name), root, { recursive: true });
  return root;
}

/** A new driver file whose notifier installs DMA ops: one set-dma-ops finding wherever it is added. */
export const NOTIFIER_SETTING_OPS =
  'static int nn_notify(struct notifier_block *nb, unsigned long event, void *data)\n{\n\tstruct device *dev ' +
  '= data;\n\n\tset_dma_ops(dev, &nn_ops);\n\treturn 0;\n}\n\nstatic struct notifier_block nn_nb = ' +
  '{\n\t.notifier_call = nn_notify,\n};\n';
