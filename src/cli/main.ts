#!/usr/bin/env node
// The dmalint command. Exit status: 0 no findings, 1 findings, 2 usage or configuration
// error, 3 an internal error (a bug in dmalint: please report it with the stack trace),
// 4 no findings but some files could not be analyzed, 130/143 interrupted.
import { fsErrorText } from '../errors.js';
import { isKbuildCall } from './kbuild-args.js';

/**
 * A reader that stops early (`dmalint -f sarif | head`) closes the pipe: dmalint then stops
 * writing quietly, as cat and grep do. Any other failure to write stdout (`> /dev/full`) is one
 * line and exit 2: the report was not delivered, which must never pass for its findings' 1.
 */
const WRITE_FAILED = 2;
let stdoutFailed = false;
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (stdoutFailed) return;
  stdoutFailed = true;
  if (err.code === 'EPIPE') return;
  process.stderr.write(`dmalint: cannot write the report to stdout (${fsErrorText(err)})\n`);
  process.exitCode = WRITE_FAILED;
});
// Nowhere is left to say anything.
process.stderr.on('error', () => {});

const args = process.argv.slice(2);
// `dmalint lsp`: the language server (src/lsp/), which runs until its client ends it.
// A compiler's command line: Kbuild's checker call, `make C=1 CHECK=dmalint` (kbuild-check.ts).
const run =
  args[0] === 'lsp'
    ? import('../lsp/server.js').then((m) => m.serve(args.slice(1)))
    : isKbuildCall(args)
      ? import('./kbuild-check.js').then((m) => m.kbuildCheck(args))
      : import('./run.js').then((m) => m.main(process.argv));

run.then(
  (code) => {
    if (code !== undefined && process.exitCode !== WRITE_FAILED) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `dmalint: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 3;
  },
);
