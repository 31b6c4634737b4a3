import { createHash } from 'node:crypto';
import type { Finding } from '../model.js';

/** Our own partialFingerprints key: GitHub's primaryLocationLineHash is line-based, this one is not. */
export const FINGERPRINT_KEY = 'dmalintFingerprint/v2';
/** The key of logs written before v2, read by --baseline (see fingerprintV1). */
export const FINGERPRINT_KEY_V1 = 'dmalintFingerprint/v1';

const sha256 = (parts: string[]) => createHash('sha256').update(parts.join('\0'), 'utf8').digest('hex');

/**
 * Identity of a finding that survives unrelated edits (Smatch's new_bugs.pl idea): what
 * identifies the problem (rule, file, function, kind of finding, the site's own text), no line
 * or column, and never the explanation, which names a caller chosen from the call graph.
 */
export function fingerprint(finding: Finding): string {
  return sha256([finding.ruleId, finding.location.file, finding.function, finding.kind, finding.site]);
}

/**
 * The identity v1 logs recorded: rule, file, function and the message with digits dropped. A
 * baseline written before v2 is compared by it, so that an old baseline still marks unchanged
 * findings as such (with v1's weakness: a finding whose explanation changed is new).
 */
export function fingerprintV1(finding: Finding): string {
  return sha256([finding.ruleId, finding.location.file, finding.function, finding.message.replace(/[0-9]/g, '')]);
}
