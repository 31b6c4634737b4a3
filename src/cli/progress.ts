// Progress on stderr for people at a terminal; silent under CI, with --quiet or when piped.
import type { ScanResult } from '../scan.js';

export interface Progress {
  update: (stage: string, done: number, total: number) => void;
  done: (result: ScanResult) => void;
}

export function progressReporter(enabled: boolean): Progress {
  if (!enabled) return { update: () => {}, done: () => {} };
  let last = 0;
  return {
    update(stage, done, total) {
      const now = Date.now();
      if (done !== total && now - last < 100) return;
      last = now;
      process.stderr.write(`\rdmalint: ${stage} ${done}/${total} files\x1b[K`);
    },
    done(result) {
      process.stderr.write(
        `\rdmalint: ${result.filesListed} files listed, ${result.filesParsed} parsed, ${result.findings.length} ` +
          `findings\x1b[K\n`,
      );
    },
  };
}

/** What a scan did, on three lines; `label` says which scan when a run made several. */
export function formatStats(r: ScanResult, label?: string): string {
  const lines = statLines(r);
  return label === undefined ? lines : lines.replace(/^dmalint: /gm, `dmalint: ${label}: `);
}

function statLines(r: ScanResult): string {
  const t = r.timings;
  const analyzed = r.reused
    ? `tree unchanged: the findings of the last scan (${r.filesParsed} files parsed) replayed, `
    : `${r.filesParsed} parsed (${r.filesCached} from the cache), `;
  return (
    `dmalint: ${r.filesListed} files listed, ${analyzed}` +
    `${r.growthRounds} growth rounds, ${r.errorNodes} syntax error nodes, ${r.findings.length} findings\n` +
    `dmalint: configuration: ${r.filesNotBuilt} candidate files not built, ${r.deadSites} sites in dead branches\n` +
    `dmalint: time: list ${t.list.toFixed(0)} ms` +
    (r.reused
      ? '\n'
      : `, search ${t.search.toFixed(0)} ms (${r.searchedWith}), parse ${t.parse.toFixed(0)} ms, ` +
        `analyze ${t.analyze.toFixed(0)} ms\n`)
  );
}
