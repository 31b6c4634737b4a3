// Adds to each finding who should hear about it. MAINTAINERS is read once per run, and only
// when there is a finding to route; each file is routed once, whatever its number of findings.
import path from 'node:path';
import type { Notification } from '../model.js';
import type { ReportedFinding } from '../output/reported.js';
import { Maintainers, type Routing } from './maintainers.js';
import { readRegularFile } from '../fs/read.js';

export interface Routed {
  results: ReportedFinding[];
  /** Malformed MAINTAINERS entries, each a warning at its line; a MAINTAINERS or .mailmap that cannot be read. */
  notifications: Notification[];
}

/**
 * `contentOf` gives a file's text for MAINTAINERS' K: content patterns (a patch check passes
 * the patched text); by default the file on disk is read.
 */
export function routeFindings(
  root: string,
  results: ReportedFinding[],
  contentOf: (file: string) => string | undefined = (file) => readOrUndefined(path.join(root, file)),
): Routed {
  if (results.length === 0) return { results, notifications: [] };
  const problems: Notification[] = [];
  const maintainers = Maintainers.read(root, problems);
  if (!maintainers) return { results, notifications: problems };
  const byFile = new Map<string, Routing>();
  const routeOf = (file: string) => {
    let routing = byFile.get(file);
    if (!routing) {
      routing = maintainers.route(file, contentOf(file));
      byFile.set(file, routing);
    }
    return routing;
  };
  return {
    results: results.map((f) => ({ ...f, routing: routeOf(f.location.file) })),
    notifications: maintainers.notifications,
  };
}

function readOrUndefined(file: string): string | undefined {
  try {
    return readRegularFile(file).toString('latin1');
  } catch {
    return undefined;
  }
}
