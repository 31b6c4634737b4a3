// The tree's .mailmap, applied to MAINTAINERS addresses as get_maintainer.pl applies it: people
// who changed address are mailed where they read now.
import path from 'node:path';
import { unreadable } from '../errors.js';
import { readRegularText } from '../fs/read.js';
import type { Notification } from '../model.js';

export interface Email {
  name: string;
  address: string;
}

/** get_maintainer's parse_email: `Name <address>`, `"Name" <address>`, or a bare address. */
export function parseEmail(text: string): Email {
  const m = /^\s*(.*?)\s*<([^>]+)>/.exec(text);
  if (m) return { name: m[1]!.replace(/^"|"$/g, '').trim(), address: m[2]!.trim() };
  const bare = /\S+@\S+/.exec(text);
  return { name: '', address: bare ? bare[0] : text.trim() };
}

/** get_maintainer's format_email: a name with anything but word characters, spaces and dashes is quoted. */
export function formatEmail({ name, address }: Email): string {
  if (!name) return address;
  const shown = /[^\w -]/.test(name) ? `"${name.replace(/(?<!\\)"/g, '\\"')}"` : name;
  return `${shown} <${address}>`;
}

export class Mailmap {
  private names = new Map<string, string>();
  private addresses = new Map<string, string>();

  /** The tree's .mailmap; one that is there but cannot be read is an error line in `problems`. */
  static read(root: string, problems: Notification[]): Mailmap {
    const map = new Mailmap();
    let text: string;
    try {
      text = readRegularText(path.join(root, '.mailmap'), { inside: root });
    } catch (err) {
      // no .mailmap: addresses stay as written
      problems.push(...unreadable('.mailmap', err, 'addresses are as MAINTAINERS writes them'));
      return map;
    }
    for (const raw of text.split('\n')) {
      const line = raw.replace(/#.*$/, '').trim();
      if (!line) continue;
      let m: RegExpExecArray | null;
      if ((m = /^([^<]+)<([^>]+)>$/.exec(line))) {
        const e = parseEmail(`${m[1]!.trimEnd()} <${m[2]}>`);
        map.names.set(e.address, e.name);
      } else if ((m = /^<([^>]+)>\s*<([^>]+)>$/.exec(line))) {
        map.addresses.set(m[2]!, m[1]!);
      } else if ((m = /^(.+)<([^>]+)>\s*<([^>]+)>$/.exec(line))) {
        const e = parseEmail(`${m[1]!.trimEnd()} <${m[2]}>`);
        map.names.set(m[3]!, e.name);
        map.addresses.set(m[3]!, e.address);
      } else if ((m = /^(.+)<([^>]+)>\s*(.+)\s*<([^>]+)>$/.exec(line))) {
        const real = parseEmail(`${m[1]!.trimEnd()} <${m[2]}>`);
        const wrong = formatEmail(parseEmail(`${m[3]!.trimEnd()} <${m[4]}>`));
        map.names.set(wrong, real.name);
        map.addresses.set(wrong, real.address);
      }
    }
    return map;
  }

  /** get_maintainer's mailmap_email: by the whole `Name <address>` first, else by address. */
  apply(email: Email): Email {
    const key = formatEmail(email);
    const byWhole = this.names.has(key) || this.addresses.has(key);
    const k = byWhole ? key : email.address;
    return { name: this.names.get(k) ?? email.name, address: this.addresses.get(k) ?? email.address };
  }
}
