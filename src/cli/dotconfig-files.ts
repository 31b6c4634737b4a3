// The .config files a run checks: each --kconfig FILE as given, and for --kconfig DIR every
// regular file in the directory (sorted by name, dot-files too: a build directory's own
// `.config` is one), so that a bot can drop its defconfigs or randconfigs into one place.
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fsErrorText, UsageError } from '../errors.js';
import { readRegularText } from '../fs/read.js';

function readable(file: string, shown: string): void {
  try {
    accessSync(file, constants.R_OK);
  } catch (err) {
    throw new UsageError(`--kconfig ${shown}: cannot read it (${fsErrorText(err)})`);
  }
}

/**
 * A file that is not a configuration (a README, a stray script, a typo for another file) is
 * named, not guessed at, whether it was given itself or found in a directory: read as a
 * configuration it would set nothing, and the unfiltered findings would pass for its own.
 */
function checkLooksLikeConfig(file: string, inDirectory: boolean): void {
  if (!/^(?:CONFIG_\w+=|# CONFIG_\w+ is not set)/m.test(readRegularText(file, { limitName: 'the .config limit' }))) {
    const remedy = inDirectory ? 'keep only .config files in that directory' : 'give a .config or a defconfig';
    throw new UsageError(`--kconfig ${file}: not a kernel configuration (no CONFIG_ line); ${remedy}`);
  }
}

export function dotconfigFiles(given: readonly string[]): string[] {
  const files: string[] = [];
  for (const g of given) {
    const st = statSync(g, { throwIfNoEntry: false });
    if (!st) throw new UsageError(`--kconfig ${g}: no such file or directory`);
    if (st.isDirectory()) {
      const inside = readdirSync(g, { withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.join(g, e.name))
        .sort();
      if (inside.length === 0) throw new UsageError(`--kconfig ${g}: the directory holds no configuration files`);
      for (const f of inside) {
        readable(f, f);
        checkLooksLikeConfig(f, true);
      }
      files.push(...inside);
    } else if (st.isFile()) {
      readable(g, g);
      checkLooksLikeConfig(g, false);
      files.push(g);
    } else {
      throw new UsageError(`--kconfig ${g}: not a file or directory`);
    }
  }
  const twice = files.find((f, i) => files.findIndex((o) => path.resolve(o) === path.resolve(f)) !== i);
  if (twice) throw new UsageError(`--kconfig ${twice}: given twice`);
  return files;
}
