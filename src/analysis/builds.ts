// How many analyses of each kind this process has built. They are made once per call graph and
// configuration (analyses.ts); a test holds the rules and the scan to that.
const builds = { effects: 0, pairs: 0, errorPaths: 0, driverCore: 0 };

export type AnalysisKind = keyof typeof builds;

export function countBuild(kind: AnalysisKind): void {
  builds[kind]++;
}

export function analysisBuilds(): Readonly<Record<AnalysisKind, number>> {
  return { ...builds };
}
