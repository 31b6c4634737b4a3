// rules.yaml `apis.setters`: the device argument decides whether a setter call writes a
// device's ops, and the ops argument whether it installs or clears them (run as a user does,
// with a rules file of their own).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { dmalint, tempDir, tree } from './helpers/cli.js';

const BUS = `// SPDX-License-Identifier: GPL-2.0
#include <linux/device.h>

struct mc_bus {
	struct device *parent;
	int nr;
};

static void mc_bus_adopt(struct mc_bus *bus, struct device *dev)
{
	mc_set_dma_ops(bus, dev, &mc_bus_dma_ops);
}

static void mc_bus_forget(struct mc_bus *bus, struct device *dev)
{
	mc_set_dma_ops(bus, dev, NULL);
}

static void mc_bus_reset(struct mc_bus *bus)
{
	mc_set_dma_ops(bus);
}
`;

/** A rules file whose only setter is `mc_set_dma_ops` with these argument positions. */
function rules(deviceArg: number, opsArg: number): string {
  const file = path.join(tempDir('setters'), 'rules.yaml');
  writeFileSync(
    file,
    `apis:\n  setters:\n    - {name: mc_set_dma_ops, deviceArg: ${deviceArg}, opsArg: ${opsArg}}\n  effects: []\n`,
  );
  return file;
}

const findingLines = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => / \[[a-z-]+\]$/.test(l))
    .map((l) => l.replace(/: (warning|error|note): .* \[/, ' ['));

test('the device argument decides which setter calls write a device’s ops', () => {
  const root = tree({ 'drivers/bus/mc-bus.c': BUS });
  const right = dmalint(['--config', rules(1, 2), root]);
  // The install and the clear write the device's ops; the call with no device argument does not.
  assert.deepEqual(findingLines(right.stdout), [
    'drivers/bus/mc-bus.c:11:2 [set-dma-ops-outside-setup-teardown]',
    'drivers/bus/mc-bus.c:16:2 [set-dma-ops-outside-setup-teardown]',
  ]);
  assert.match(right.stdout, /mc-bus\.c:11:2: warning: mc_set_dma_ops\(\) writes the device's dma_ops/);
  // Argument 0 is declared struct mc_bus: no call writes a device's ops.
  const wrong = dmalint(['--config', rules(0, 2), root]);
  assert.equal(wrong.code, 0, wrong.stdout + wrong.stderr);
  assert.deepEqual(findingLines(wrong.stdout), []);
});
