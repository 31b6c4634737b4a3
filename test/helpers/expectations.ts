// Reads the expectations written inline in fixture trees, Semgrep style: a comment
// `/* ruleid: <id>[, <id>…] */` on the line before each expected finding and `/* ok: <id> */`
// before a line that must stay silent. Annotation lines stack onto the next code line. A finding
// expected at another level than its rule's says so: `/* ruleid: <id>@note */`.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Expectations {
  /** `rule file:line level`, one entry per expected finding, sorted. */
  findings: string[];
  /** `rule file:line` that must not be reported. */
  ok: string[];
}

const ANNOTATION = /^\s*(?:\/\*|\/\/)\s*(ruleid|ok)\s*:\s*([a-z0-9@, -]+?)\s*(?:\*\/)?\s*$/;

function* sourceFiles(dir: string, root: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* sourceFiles(full, root);
    else if (/\.[ch]$/.test(name)) yield path.relative(root, full).split(path.sep).join('/');
  }
}

/** `defaultLevel(rule)`: the level a finding of the rule has unless its annotation says another. */
export function readExpectations(root: string, defaultLevel: (rule: string) => string): Expectations {
  const findings: string[] = [];
  const ok: string[] = [];
  for (const file of sourceFiles(root, root)) {
    const lines = readFileSync(path.join(root, file), 'latin1').split('\n');
    let pending: { kind: string; rules: string[] }[] = [];
    lines.forEach((text, i) => {
      const m = ANNOTATION.exec(text);
      if (m) {
        pending.push({
          kind: m[1]!,
          rules: m[2]!
            .split(',')
            .map((r) => r.trim())
            .filter(Boolean),
        });
        return;
      }
      for (const p of pending) {
        for (const spec of p.rules) {
          const [rule, level] = spec.split('@') as [string, string | undefined];
          if (p.kind === 'ruleid') findings.push(`${rule} ${file}:${i + 1} ${level ?? defaultLevel(rule)}`);
          else ok.push(`${rule} ${file}:${i + 1}`);
        }
      }
      pending = [];
    });
  }
  return { findings: findings.sort(), ok: ok.sort() };
}
