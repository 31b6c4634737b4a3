/**
 * A mistake in what the user asked for (an option, a path, a patch, a baseline): reported as
 * one line naming what is wrong, with exit status 2, never as a stack trace.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
