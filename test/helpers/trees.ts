// Generated kernel-style trees for the reliability tests: hostile files, and trees large enough
// to keep the parser threads busy.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { NOTIFIER } from './snippets.js';

export const MiB = 1024 * 1024;
import { writeFiles } from './cli.js';
import { formatSize } from '../../src/fs/read.js';

/**
 * Driver number `i` of `n`: a bus notifier that sets the ops through a helper defined in the
 * next driver (so that paths cross files), and `filler` more functions of ordinary C.
 */
export function generatedDriver(i: number, n: number, filler = 0): string {
  const next = (i + 1) % n;
  let text = `// SPDX-License-Identifier: GPL-2.0\n#include <linux/device.h>\n\n`;
  text += `void drv${i}_install(struct device *dev)\n{\n\tset_dma_ops(dev, &drv${i}_ops);\n}\n\n`;
  text += `static int drv${i}_notifier(struct notifier_block *nb, unsigned long event, void *data)\n{\n`;
  text +=
    `\tstruct device *dev = data;\n\n\tif (event == ` +
    `BUS_NOTIFY_ADD_DEVICE)\n\t\tdrv${next}_install(dev);\n\treturn NOTIFY_OK;\n}\n\n`;
  text += `static struct notifier_block drv${i}_nb = {\n\t.notifier_call = drv${i}_notifier,\n};\n`;
  for (let f = 0; f < filler; f++) {
    text +=
      `\nstatic int drv${i}_fill${f}(struct device *dev, int v)\n{\n\tif (dev->id > v) {\n\t\treturn ` +
      `drv${i}_helper(dev, v + ${f});\n\t}\n\treturn 0;\n}\n`;
  }
  return text;
}

/** `n` generated drivers under drivers/gen/ in `root`. */
export function writeDrivers(root: string, n: number, filler = 0): void {
  mkdirSync(path.join(root, 'drivers/gen'), { recursive: true });
  for (let i = 0; i < n; i++) writeFileSync(path.join(root, `drivers/gen/drv${i}.c`), generatedDriver(i, n, filler));
}

/**
 * Files no tree should hold but real ones do, with what dmalint must say about each (tree path →
 * expected notification, '' when the file is rightly passed over in silence). The generated
 * headers are 50 MiB, as a real one, over the default 4 MiB limit; or, where the test says so,
 * `headers.size` over `headers.limit`.
 */
export function writeHostileFiles(root: string, headers = { size: 50 * MiB, limit: 4 * MiB }): Map<string, string> {
  const expect = new Map<string, string>();
  const put = (file: string, content: string | Buffer, notification = '') => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
    expect.set(file, notification);
  };
  // The one file with a finding, after everything else in its directory has gone wrong.
  writeFiles(root, { 'drivers/hostile/zz-good.c': NOTIFIER });
  put('drivers/hostile/empty.c', '');
  put(
    'drivers/hostile/broken.c',
    'static int x(struct device *dev\n{\n\tif (dev->dma_ops {\n\t\tset_dma_ops(dev, ;\n#if\n}}}\n#endif\n#endif\n',
  );
  put(
    'drivers/hostile/binary.c',
    Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01\0set_dma_ops\0'), Buffer.alloc(64, 0xff)]),
    'error: binary file (it contains NUL bytes); not analyzed',
  );
  // Mentions nothing dmalint looks for: never read by the parser, and nothing to say.
  put('drivers/hostile/binary-quiet.c', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0xff, 0xfe]));
  put(
    'drivers/hostile/deep.c',
    `int deep(struct device *dev)\n{${'{'.repeat(20000)}set_dma_ops(dev, 0);${'}'.repeat(20000)}}\n`,
    'error: nested too deeply to analyze (the syntax tree exceeds the stack); not analyzed',
  );
  // A generated register header, one that mentions the ops and one that does not.
  const line = '#define DCN_REG_0000_MASK 0x00000001L\n';
  const body = line.repeat(Math.ceil(headers.size / line.length));
  put(
    'include/gen/regs.h',
    `#define DCN_OPS dma_ops\n${body}`.slice(0, headers.size),
    `error: ${formatSize(headers.size)}, larger than --max-file-size ${formatSize(headers.limit)}; not analyzed`,
  );
  put('include/gen/regs-quiet.h', body.slice(0, headers.size));
  const link = (file: string, target: string, notification = '') => {
    symlinkSync(target, path.join(root, file));
    expect.set(file, notification);
  };
  link('drivers/hostile/loop.c', 'loop.c', 'warning: symbolic link that leads nowhere (ELOOP); not analyzed');
  link('drivers/hostile/dangling.h', 'no-such.h', 'warning: symbolic link that leads nowhere (ENOENT); not analyzed');
  link('drivers/hostile/dirloop', '..');
  link('drivers/hostile/outside.h', '/dev/null', 'warning: symbolic link to /dev/null, outside the tree; not analyzed');
  // A FIFO with a C file's name: opening it would block the scan for ever.
  execFileSync('mkfifo', [path.join(root, 'drivers/hostile/fifo.c')]);
  expect.set('drivers/hostile/fifo.c', '');
  return expect;
}

/** Expected notification lines, as the text report prints them. */
export function notificationLines(expect: Map<string, string>): string[] {
  return [...expect]
    .filter(([, n]) => n)
    .map(([file, n]) => `${file}: ${n}`)
    .sort();
}
