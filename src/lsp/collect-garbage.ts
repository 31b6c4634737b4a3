// A language server works in bursts (an analysis per edit) and then waits. V8 lets the heap
// grow to a few hundred MB of garbage before it collects on its own, which an editor's user
// sees as a server whose memory climbs and falls by 150 MB. Collecting once the burst is over
// keeps the resident set at what the analysis needs.
import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | undefined;
try {
  v8.setFlagsFromString('--expose-gc');
  gc = vm.runInNewContext('gc') as () => void;
} catch {
  gc = undefined; // a runtime without it: V8 collects on its own schedule
}

const IDLE_MS = 1000;
let timer: NodeJS.Timeout | undefined;

/** Collects garbage once nothing has asked again for IDLE_MS. */
export function collectWhenIdle(): void {
  if (!gc) return;
  clearTimeout(timer);
  timer = setTimeout(() => gc?.(), IDLE_MS);
  timer.unref();
}
