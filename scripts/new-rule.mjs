// npm run new-rule -- NAME: the files of a new rule, ready to be filled in: its module (from
// the shape of a rule that reports the calls to functions its `calls` option names), its line
// in the registry, its block in rules.yaml and a fixture tree. Nothing else needs to change
// for a rule (CONTRIBUTING.md "Adding a rule"); the suite fails until the fixture holds a
// finding and a silent line of the rule.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const id = process.argv[2] ?? '';
if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)+$/.test(id)) {
  console.error(`usage: npm run new-rule -- NAME (kebab-case, two words at least: ${id || 'no name given'})`);
  process.exit(2);
}
const words = id.split('-');
const pascal = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
const camel = pascal[0].toLowerCase() + pascal.slice(1);
const at = (...p) => path.join(repo, ...p);
const module = at('src', 'rules', `${id}.ts`);
const fixture = at('fixtures', id);
for (const p of [module, fixture]) {
  if (existsSync(p)) {
    console.error(`${path.relative(repo, p)} exists already`);
    process.exit(2);
  }
}

writeFileSync(
  module,
  `// What ${id} checks, and why it matters to the kernel.
import { siteText } from '../analysis/ops-writes.js';
import { identifiers } from '../config/schema-parts.js';
import { type RuleContext, type RuleMeta, defineRule } from './rule.js';
import { siteLocation } from './support.js';

interface Options {
  /** Functions whose calls the rule reports. */
  calls: string[];
}

const meta: RuleMeta<Options> = {
  id: '${id}',
  name: '${pascal}',
  shortDescription: 'What is wrong, in one line.',
  fullDescription: 'What the rule reports, and what it leaves alone.',
  help: {
    text: 'Why it matters to the kernel, and how to fix it.',
    markdown: 'Why it matters to the kernel, and how to fix it.',
  },
  defaultLevel: 'warning',
  tags: ['correctness'],
  precision: 'high',
  messages: {
    called: '{{call}}() is called in {{fn}}()',
  },
  options: {
    schema: { calls: identifiers },
    defaults: { calls: [] },
  },
};

function check({ graph, options, report }: RuleContext<Options>): void {
  const calls = new Set(options.calls);
  for (const fn of graph.functions) {
    for (const site of fn.summary.calls) {
      if (site.viaMember || !calls.has(site.callee)) continue;
      const location = siteLocation(fn, site);
      report({
        messageId: 'called',
        data: { call: site.callee, fn: fn.name },
        location,
        function: fn.name,
        kind: 'called',
        site: siteText(site),
        path: [{ ...location, function: fn.name, message: \`\${fn.name}() calls \${site.callee}() here\` }],
        conditions: site.cond,
      });
    }
  }
}

export const ${camel} = defineRule<Options>({
  meta,
  // Files that name a reported function are the ones that can hold a finding.
  needs: (_config, options) => ({ seeds: options.calls }),
  check,
});
`,
);

const index = at('src', 'rules', 'index.ts');
let registry = readFileSync(index, 'utf8');
const imports = [...registry.matchAll(/^import \{ \w+ \} from '\.\/[\w-]+\.js';\n/gm)];
const last = imports[imports.length - 1];
registry =
  registry.slice(0, last.index + last[0].length) +
  `import { ${camel} } from './${id}.js';\n` +
  registry.slice(last.index + last[0].length);
registry = registry.replace(
  /(export const RULES: readonly RuleModule\[\] = \[\n(?: {2}\w+,\n)*)\];/,
  `$1  ${camel},\n];`,
);
writeFileSync(index, registry);

const rulesFile = at('rules.yaml');
const yaml = readFileSync(rulesFile, 'utf8');
const block = yaml.indexOf('\nrules:\n');
const end = yaml.indexOf('\n\n', block + 1);
writeFileSync(
  rulesFile,
  yaml.slice(0, end) +
    `\n  ${id}:\n    enabled: true\n    level: warning\n    # Functions whose calls the rule reports.\n    calls: []` +
    yaml.slice(end),
);

mkdirSync(path.join(fixture, 'drivers', 'misc'), { recursive: true });
// A fixture tree is a directory with a MAINTAINERS file (test/fixtures.test.ts).
writeFileSync(path.join(fixture, 'MAINTAINERS'), '');
writeFileSync(
  path.join(fixture, 'drivers', 'misc', `${words.join('_')}.c`),
  `// A fixture of ${id}: kernel-style C written for dmalint (never kernel source). Each finding
// expected is annotated on the lines before it, and a line that must stay silent too:
//	/* ruleid: ${id} called call="…" fn="…" */
//	/* ok: ${id} */
#include <linux/device.h>
`,
);

for (const p of [module, index, rulesFile, fixture]) console.log(`wrote ${path.relative(repo, p)}`);
console.log(`next: fill in src/rules/${id}.ts and the fixture, then npm run test:rules`);
console.log("(DMALINT_UPDATE_SNAPSHOTS=1 pins the fixture's text report, once it is the one meant);");
console.log("npm run docs regenerates the README's rules section");
