// How a finding's routing is printed, apart from the MAINTAINERS reader (and its RE2 engine),
// which a text report of findings made earlier (a Kbuild checker's later call) never loads.
import type { Routing } from './maintainers.js';

/** get_maintainer's lines: people first, then lists. */
export function routingLines(r: Routing): string[] {
  return [...r.people, ...r.lists].map((c) => `${c.address} (${c.role})`);
}
