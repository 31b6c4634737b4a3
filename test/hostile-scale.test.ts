// A call chain as long as a hostile or generated tree may make it: 10,000 helpers, each calling
// the next under a test of the same member, from a bus notifier and from a driver's probe. Each
// function's path and effects once were copies of the next one's (quadratic: 20,000 functions
// took 20 s and 2.9 GB), and the flags a setup sets were found by recursion, which overflowed
// the stack (exit 3). Run with a 256 MiB heap, so memory that grows with the square fails it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { CLI, tree } from './helpers/cli.js';

const N = 10_000;

function chainSource(n: number): string {
  let text = `#include <linux/device.h>\n\nint f${n - 1}(struct device *dev)\n{\n`;
  text += '\tset_dma_ops(dev, &x_ops);\n\treturn 0;\n}\n';
  for (let i = n - 2; i >= 0; i--)
    text += `\nint f${i}(struct device *dev)\n{\n\tif (dev->owned)\n\t\treturn f${i + 1}(dev);\n\treturn 0;\n}\n`;
  return (
    text +
    '\nstatic int x_probe(struct platform_device *pdev)\n{\n\treturn f0(&pdev->dev);\n}\n\n' +
    'static struct platform_driver x_driver = {\n\t.probe = x_probe,\n};\n\n' +
    'static int hb_notifier(struct notifier_block *nb, unsigned long event, void *data)\n{\n' +
    '\tif (event != BUS_NOTIFY_ADD_DEVICE)\n\t\treturn NOTIFY_DONE;\n\tf0(data);\n\treturn NOTIFY_OK;\n}\n\n' +
    'static struct notifier_block hb_nb = {\n\t.notifier_call = hb_notifier,\n};\n'
  );
}

test(`a call chain of ${N} functions is analyzed in linear time and memory`, () => {
  const root = tree({ 'drivers/x/chain.c': chainSource(N) });
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--max-old-space-size=256', CLI, '--no-cache', '--root', root], {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  const elapsed = Date.now() - started;
  assert.deepEqual(
    { code: r.status, signal: r.signal, stderr: r.stderr.slice(0, 500) },
    { code: 1, signal: null, stderr: '' },
  );
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  const notes = lines.filter((l) => / note: /.test(l));
  assert.deepEqual(
    lines.filter((l) => !/ note: /.test(l)),
    [
      `drivers/x/chain.c:5:2: warning: set_dma_ops() writes the device's dma_ops outside ` +
        `arch_setup_dma_ops()/arch_teardown_dma_ops(): f${N - 1}() is reached from the bus notifier callback ` +
        'hb_notifier(), for BUS_NOTIFY_ADD_DEVICE, before arch_setup_dma_ops(); leave the ops to ' +
        'arch_setup_dma_ops()/arch_teardown_dma_ops(), or write them from a driver probe or bind whose remove or ' +
        'unbind undoes them [set-dma-ops-outside-setup-teardown]',
      `drivers/x/chain.c:${8 + 7 * (N - 1) + 3}:9: warning: x_probe() installs the DMA ops here, but x_driver has no ` +
        '.remove/.remove_new callback to undo it: add one that does [asymmetric-teardown]',
    ],
  );
  // Each finding's path goes down the whole chain, one note a call.
  assert.ok(notes.length > 2 * N, `${notes.length} notes`);
  assert.match(notes.join('\n'), new RegExp(`f${N - 2}\\(\\) calls f${N - 1}\\(\\)`));
  assert.ok(elapsed < 60_000, `${elapsed} ms`);
});
