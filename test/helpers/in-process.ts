// The command run inside the test process: fast, and its pid is the test's, so that a test can
// plant files at the names an earlier dmalint derived from its pid.
import { main } from '../../src/cli/run.js';
import type { Run } from './cli.js';

/** main() as the command runs it, with what it writes to stdout and stderr. */
export async function inProcess(args: string[]): Promise<Run> {
  const out = { stdout: '', stderr: '' };
  const writes = {
    stdout: process.stdout.write.bind(process.stdout),
    stderr: process.stderr.write.bind(process.stderr),
  };
  // dmalint writes text; the test runner's own events, written meanwhile, are bytes: let them through.
  const capture =
    (stream: 'stdout' | 'stderr') =>
    (s: string | Uint8Array, ...rest: unknown[]): boolean => {
      if (typeof s !== 'string') return (writes[stream] as (...a: unknown[]) => boolean)(s, ...rest);
      out[stream] += s;
      return true;
    };
  process.stdout.write = capture('stdout');
  process.stderr.write = capture('stderr');
  try {
    return { code: await main(['node', 'dmalint', ...args]), ...out };
  } finally {
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
  }
}
