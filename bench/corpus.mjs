// The Linux tree the benchmarks run on: fetched (once) by fetch-corpus.sh, which prints its path last.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export function corpusTree() {
  const fetched = spawnSync(path.join(here, 'fetch-corpus.sh'), [], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const tree = fetched.stdout.trim().split('\n').at(-1);
  if (fetched.status !== 0 || !tree) throw new Error('no corpus: bench/fetch-corpus.sh failed');
  return tree;
}
