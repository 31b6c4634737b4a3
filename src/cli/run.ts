// dmalint [paths…]: scan a kernel tree and report unsafe handling of dev->dma_ops.
// Exit status: 0 no findings, 1 findings, 2 usage or configuration error.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadConfig } from '../config/load.js';
import { UsageError, findRoot, toTreePath } from '../discover.js';
import { scan } from '../scan.js';
import { renderReport, writeOutput } from './report.js';
import { formatStats, progressReporter } from './progress.js';
import { TOOL_VERSION } from '../version.js';

export const SAMPLE_TREE = fileURLToPath(new URL('../../../fixtures/sample', import.meta.url));

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

function program(): Command {
  return new Command()
    .name('dmalint')
    .description(
      "Find unsafe handling of a device's DMA ops (dev->dma_ops) in a Linux kernel tree.\n" +
        'With no path, scans the bundled sample tree.',
    )
    .version(TOOL_VERSION)
    .argument('[paths...]', 'files or directories to report on (the whole tree is analyzed)')
    .option('--root <dir>', 'kernel tree root (default: the nearest directory upwards with MAINTAINERS or Kbuild)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'sarif']).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('-c, --config <file>', 'rules configuration; its top-level keys replace those of the bundled rules.yaml')
    .option('--arch <name>', 'architecture whose setup/teardown pair is sanctioned (default from rules.yaml)')
    .option('-j, --jobs <n>', 'worker threads for parsing (0: main thread only; default: one per core)', positiveInt)
    .option('--cache-dir <dir>', 'where parsed summaries are cached by content (default: $XDG_CACHE_HOME/dmalint)')
    .option('--no-cache', 'parse every file again, and store nothing')
    .option('-q, --quiet', 'no progress on stderr')
    .option('--stats', 'print what the scan did (files, parse errors, time per stage) on stderr')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

interface Options {
  root?: string;
  format: 'text' | 'sarif';
  output?: string;
  config?: string;
  arch?: string;
  jobs?: number;
  quiet?: boolean;
  cache: boolean;
  cacheDir?: string;
  stats?: boolean;
}

export async function main(argv: string[]): Promise<number> {
  const cmd = program();
  try {
    cmd.parse(argv);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }
  const opts = cmd.opts<Options>();
  const paths = cmd.args;
  try {
    const config = loadConfig(opts.config, opts.arch ? { arch: opts.arch } : {});
    for (const p of paths) if (!existsSync(p)) throw new UsageError(`${p}: no such file or directory`);
    const root = path.resolve(
      opts.root ?? (paths.length ? (findRoot(paths[0]!) ?? fail(`cannot find the kernel tree root above ${paths[0]} (no MAINTAINERS or Kbuild); give it with --root`)) : SAMPLE_TREE),
    );
    if (!existsSync(root)) throw new UsageError(`--root ${root}: no such directory`);
    const reportPaths = paths.map((p) => toTreePath(root, p));
    const progress = progressReporter(!opts.quiet && process.stderr.isTTY === true && !process.env.CI);
    const cacheDir = opts.cache ? opts.cacheDir : false;
    const result = await scan({ root, config, reportPaths, workers: opts.jobs, cacheDir, onProgress: progress.update });
    progress.done(result);
    if (opts.stats) process.stderr.write(formatStats(result));
    const exitCode = result.findings.length > 0 ? 1 : 0;
    const report = renderReport(opts.format, result, root, ['dmalint', ...argv.slice(2)].join(' '), exitCode);
    writeOutput(report, opts.output);
    return exitCode;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError) {
      process.stderr.write(`${err instanceof ConfigError ? err.problems.map((p) => `dmalint: ${p}`).join('\n') : `dmalint: ${err.message}`}\n`);
      return 2;
    }
    throw err;
  }
}

function fail(message: string): never {
  throw new UsageError(message);
}

