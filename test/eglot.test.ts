// Emacs's eglot against `dmalint lsp`, end to end: where emacs and eglot are installed (.ci/run
// installs Debian's emacs-nox and elpa-eglot), batch Emacs loads the README's recipe as it
// stands, visits a file of a fixture tree, starts eglot, and Flymake must show the command
// line's findings for it. The test installs nothing itself.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fixtureCopy } from './helpers/cli.js';
import { cliFindingsIn, editorRun, installed, readmeRecipe, sorted } from './helpers/editors.js';

const HARNESS = fileURLToPath(new URL('../../test/emacs/eglot.el', import.meta.url));
const IPMMU = 'drivers/iommu/ipmmu-vmsa.c';

function eglotMissing(): string | false {
  if (!installed('emacs'))
    return 'emacs is not installed (apt-get install emacs-nox elpa-eglot): the eglot end-to-end test did not run';
  const r = spawnSync('emacs', ['--batch', '--eval', "(kill-emacs (if (require 'eglot nil t) 0 1))"], {
    stdio: 'ignore',
  });
  return r.status === 0
    ? false
    : 'eglot is not available to emacs (Emacs 29, or apt-get install elpa-eglot): the eglot end-to-end test did ' +
        'not run';
}

interface Shown {
  line: number;
  character: number;
  type: string;
  text: string;
}

test("Emacs eglot shows dmalint lsp diagnostics through the README's recipe", { skip: eglotMissing() }, () => {
  const root = fixtureCopy('sample');
  const elisp = readmeRecipe('Emacs', 'elisp');
  const arch = /:initializationOptions \(:arch "(\w+)"\)/.exec(elisp)?.[1];
  assert.ok(arch, "the recipe's initializationOptions name an arch");
  const run = editorRun(elisp, 'init.el');
  const r = spawnSync('emacs', ['--batch', '-l', HARNESS], {
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      ...run.env,
      HOME: run.dir,
      DMALINT_EMACS_RECIPE: run.recipe,
      DMALINT_EMACS_FILE: path.join(root, IPMMU),
      DMALINT_EMACS_OUT: run.out,
    },
  });
  assert.equal(r.status, 0, `emacs: ${r.stderr}${r.stdout}`);
  const result = JSON.parse(readFileSync(run.out, 'utf8')) as { diagnostics: Shown[]; server: string | null };
  assert.equal(result.server, 'dmalint', `eglot started dmalint lsp: ${r.stderr}`);
  const expected = cliFindingsIn(root, IPMMU, ['--arch', arch]).map((f) => ({
    line: f.line + 1,
    character: f.character,
    type: f.level === 'error' ? 'eglot-error' : 'eglot-warning',
    text: `dmalint [${f.rule}]: ${f.message}`,
  }));
  assert.deepEqual(sorted(result.diagnostics), sorted(expected));
});
