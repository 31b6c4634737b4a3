import { ConfigError } from '../config/load.js';
import { UsageError } from '../errors.js';
import { UnreadableFile } from '../fs/read.js';
import { printable } from '../output/printable.js';

/**
 * The lines to print for a mistake of the user's (a rules file, an option), or undefined for
 * anything else, which is a bug and keeps its stack trace.
 */
export function userErrorText(err: unknown): string | undefined {
  if (err instanceof ConfigError) return err.problems.map((p) => `dmalint: ${printable(p)}\n`).join('');
  if (err instanceof UsageError) return `dmalint: ${printable(err.message)}\n`;
  // A file named on the command line (a .config) that is over its limit or not a regular file.
  if (err instanceof UnreadableFile) return `dmalint: ${printable(`${err.path}: cannot read it (${err.message})`)}\n`;
  return undefined;
}
