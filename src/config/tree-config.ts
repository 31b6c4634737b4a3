// The configuration a tree keeps for itself: `.dmalint.yaml` at the tree root, found as
// clang-format finds `.clang-format` and checkpatch its `.checkpatch.conf`. It is merged over
// the bundled rules.yaml as `-c` is (and `-c` over it), so a tree's suppressions travel with the
// tree and survive upgrades of dmalint; the language server's "suppress" quick fix writes there.
import { lstatSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './load.js';

export const TREE_CONFIG = '.dmalint.yaml';

/** What a tree's configuration starts with when dmalint creates it. */
export const TREE_CONFIG_HEADER =
  "# dmalint's configuration for this tree, merged over the rules.yaml dmalint ships (README, rules.yaml).\n";

/** Where the tree's configuration is or would be. */
export function treeConfigPath(root: string): string {
  return path.join(root, TREE_CONFIG);
}

/** loadConfig's options for the tree's file, unless `read` is false (--no-tree-config). */
export function treeOptions(root: string, read = true): { treeFile?: string } {
  const treeFile = read ? treeConfigOf(root) : undefined;
  return treeFile ? { treeFile } : {};
}

/**
 * The tree's configuration file, when it has one. Only a regular file is read: a link could
 * point outside the tree, and a FIFO or a device would block or never end.
 */
export function treeConfigOf(root: string): string | undefined {
  const file = treeConfigPath(root);
  let stat;
  try {
    stat = lstatSync(file);
  } catch {
    return undefined;
  }
  if (!stat.isFile()) {
    const what = stat.isSymbolicLink() ? 'a symbolic link' : stat.isDirectory() ? 'a directory' : 'a special file';
    throw new ConfigError([
      `${file}: not a regular file (${what}); dmalint reads only a regular file as the tree configuration`,
    ]);
  }
  return file;
}
