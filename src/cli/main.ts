#!/usr/bin/env node
// The dmalint command. Exit status: 0 no findings, 1 findings, 2 usage or configuration
// error, 3 an internal error (a bug in dmalint: please report it with the stack trace),
// 4 no findings but some files could not be analyzed, 130/143 interrupted.
import { main } from './run.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`dmalint: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 3;
  },
);
