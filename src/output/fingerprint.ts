import { createHash } from 'node:crypto';
import type { Finding } from '../model.js';

/** Our own partialFingerprints key: GitHub's primaryLocationLineHash is line-based, this one is not. */
export const FINGERPRINT_KEY = 'dmalintFingerprint/v1';

/**
 * Identity of a finding that survives unrelated edits (Smatch's new_bugs.pl idea):
 * no line or column, and digits dropped from the message because messages quote
 * line numbers of other places that move with every patch.
 */
export function fingerprint(finding: Finding): string {
  const message = finding.message.replace(/[0-9]/g, '');
  const key = [finding.ruleId, finding.location.file, finding.function, message].join('\0');
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
