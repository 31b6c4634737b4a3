// Another architecture's directory that the configured one builds from (arm64 compiles
// arch/arm/xen) is analyzed with it: a callback registered there has its user there, and the
// rest of that architecture's tree stays out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dmalint, tree } from './helpers/cli.js';

const GRANT = `// SPDX-License-Identifier: GPL-2.0
#include <linux/device.h>

void xen_grant_setup(struct device *dev)
{
	dev->dma_ops = &xen_grant_dma_ops;
}

bool xen_restricted_acc(struct virtio_device *vdev)
{
	xen_grant_setup(vdev->dev.parent);
	return true;
}
`;

const ENLIGHTEN = `// SPDX-License-Identifier: GPL-2.0
static int __init xen_guest_init(void)
{
	virtio_set_mem_acc_cb(xen_restricted_acc);
	return 0;
}
early_initcall(xen_guest_init);
`;

const ARM_ONLY = `// SPDX-License-Identifier: GPL-2.0
void arm_only_quirk(struct device *dev)
{
	set_dma_ops(dev, &arm_quirk_ops);
}
`;

function kernel() {
  return tree({
    'drivers/xen/grant.c': GRANT,
    'arch/arm/xen/enlighten.c': ENLIGHTEN,
    'arch/arm/xen/Makefile': 'obj-y := enlighten.o\n',
    'arch/arm/mach-quirk/quirk.c': ARM_ONLY,
    'arch/arm64/xen/Makefile': 'xen-arm-y += $(addprefix ../../arm/xen/, enlighten.o)\nobj-y := xen-arm.o\n',
  });
}

const headLines = (stdout: string) => stdout.split('\n').filter((l) => / \[[a-z-]+\]$/.test(l));

test('arm64 analyzes arch/arm/xen, which its Makefile builds: the callback registered there has a user', () => {
  const root = kernel();
  const r = dmalint(['--arch', 'arm64', root]);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(headLines(r.stdout), [
    "drivers/xen/grant.c:6:2: warning: the assignment to dma_ops of dev writes the device's dma_ops outside " +
      'arch_setup_dma_ops()/arch_teardown_dma_ops(): xen_grant_setup() is reached from xen_restricted_acc(), ' +
      'called through a function pointer; leave the ops to arch_setup_dma_ops()/arch_teardown_dma_ops(), or ' +
      'write them from a driver probe or bind whose remove or unbind undoes them [set-dma-ops-outside-setup-teardown]',
  ]);
  assert.match(r.stdout, /grant\.c:9:1: note: xen_restricted_acc\(\) is used as a callback/);
});

test('arm analyzes its own tree: the quirk is reported there, the arm64 Makefile changes nothing', () => {
  const r = dmalint([kernel()]);
  assert.deepEqual(
    headLines(r.stdout).map((l) => l.slice(0, l.indexOf(':', l.indexOf(':') + 1))),
    ['arch/arm/mach-quirk/quirk.c:4', 'drivers/xen/grant.c:6'],
  );
});
