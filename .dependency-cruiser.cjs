// The floors of src/ (ARCHITECTURE.md), lowest first. A module may import from its own floor
// and the floors below it, never from one above; and no chain of imports comes back to where
// it started. `npm run lint` runs this over src/ (tests may import any floor).
const FLOORS = [
  ['base', ['^src/(model|order|errors|version)\\.ts$', '^src/logic/', '^src/fs/']],
  ['config', ['^src/config/', '^src/(arch-dirs|path-filter)\\.ts$']],
  ['files', ['^src/parser/', '^src/search/']],
  ['stores', ['^src/cache/', '^src/kconfig/']],
  ['callgraph', ['^src/callgraph/']],
  ['analysis', ['^src/analysis/']],
  ['rules', ['^src/rules/']],
  ['scan', ['^src/scan\\.ts$', '^src/scan/', '^src/session/', '^src/discover\\.ts$']],
  ['reports', ['^src/output/', '^src/maintainers/', '^src/baseline/', '^src/suppress/']],
  ['workflows', ['^src/scan-configurations\\.ts$', '^src/patch/', '^src/lsp/', '^src/cli/']],
];

const either = (patterns) => `(${patterns.join('|')})`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...FLOORS.slice(0, -1).map(([name, patterns], i) => ({
      name: `up-from-${name}`,
      comment: `the ${name} floor imports only from itself and the floors below it (ARCHITECTURE.md)`,
      severity: 'error',
      from: { path: either(patterns) },
      to: { path: either(FLOORS.slice(i + 1).flatMap(([, p]) => p)) },
    })),
    {
      name: 'no-floor',
      comment: 'every module of src/ belongs to a floor: add a new folder to FLOORS and ARCHITECTURE.md',
      severity: 'error',
      from: { path: '^src/', pathNot: either(FLOORS.flatMap(([, p]) => p)) },
      to: {},
    },
    {
      name: 'to-no-floor',
      comment: 'every module of src/ belongs to a floor, also one that imports nothing of ours',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/', pathNot: either(FLOORS.flatMap(([, p]) => p)) },
    },
    {
      name: 'no-circular',
      comment: 'a circle of imports has no floor order: cut it with an interface the lower side defines',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
