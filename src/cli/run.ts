// dmalint [paths…]: scan a kernel tree and report unsafe handling of dev->dma_ops.
// Exit status: 0 nothing new, 1 new findings, 2 usage or configuration error, 3 internal error
// (main.ts), 4 no new findings but some files could not be analyzed, 130/143 interrupted.
import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_CONFIG_PATH } from '../config/load.js';
import { loadConfig } from '../rules/load-config.js';
import { treeOptions } from '../config/tree-config.js';
import { UsageError } from '../errors.js';
import { userErrorText } from './user-error.js';
import { findRoot, looksLikeKernelTree, toTreePath, workingDirInTree } from '../discover.js';
import { type ReportedFinding, counts } from '../output/reported.js';
import { routeFindings } from '../maintainers/route-findings.js';
import { renderText } from '../output/text.js';
import type { Notification } from '../model.js';
import type { Config } from '../config/types.js';
import { type Suppressions, applySuppressions } from '../suppress/apply.js';
import { type Collected, type Mode, collect } from './collect.js';
import { dotconfigFiles } from './dotconfig-files.js';
import { Interrupted, requestStop } from '../session/workers.js';
import { renderReport, writeOutput } from './report.js';
import { formatStats, progressReporter } from './progress.js';
import { TOOL_VERSION } from '../version.js';
import { defaultCacheDir } from '../cache/summary-cache.js';
import { usableCacheDir } from '../cache/usable-dir.js';
import { dotConfigArch } from '../kconfig/dotconfig.js';
import { RULE_OPTION_HELP, ruleSwitch } from './rule-option.js';
import { formatSize, readRegularFile } from '../fs/read.js';
import { MAX_ANALYZED_SIZE } from '../parser/parse-file.js';

export const SAMPLE_TREE = fileURLToPath(new URL('../../../fixtures/sample', import.meta.url));

/** Exit status of a run that has no new findings but left files it needed unanalyzed. */
export const EXIT_INCOMPLETE = 4;
const EXIT_ON_SIGNAL = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

function jobCount(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number (0: the main thread only)');
  return Number(value);
}

/**
 * Parsing is bound by the cores, and each thread loads its own parser and holds its trees (up
 * to 256 MiB): threads beyond twice the cores only cost memory (-j 1000 took 10.8 GB).
 */
function saneJobs(jobs: number | undefined): number | undefined {
  const bound = 2 * Math.max(1, os.availableParallelism());
  if (jobs === undefined || jobs <= bound) return jobs;
  say(`warning: --jobs ${jobs} is more than twice the ${bound / 2} cores; using ${bound} threads`);
  return bound;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 2 ** 10,
  kib: 2 ** 10,
  m: 2 ** 20,
  mib: 2 ** 20,
  g: 2 ** 30,
  gib: 2 ** 30,
};

/** 4194304, 4M, 4MiB, 512k: bytes (units are powers of 1024). */
function byteSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined)
    throw new InvalidArgumentError('expected a size such as 4194304, 512K or 4M (0: the most, 16M)');
  const bytes = Math.round(Number(m[1]) * unit);
  if (bytes > MAX_ANALYZED_SIZE)
    throw new InvalidArgumentError(`at most ${formatSize(MAX_ANALYZED_SIZE)}: larger files' summaries outgrow memory`);
  return bytes;
}

function seconds(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value.trim())) throw new InvalidArgumentError('expected a number of seconds (0: no limit)');
  return Number(value) * 1000;
}

const OMITTABLE = ['unchanged', 'absent', 'suppressed'] as const;
type Omittable = (typeof OMITTABLE)[number];

function omittable(value: string): Omittable[] {
  const kinds = value
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const wrong = kinds.filter((k) => !(OMITTABLE as readonly string[]).includes(k));
  if (wrong.length || !kinds.length)
    throw new InvalidArgumentError(`expected a comma-separated list of ${OMITTABLE.join(', ')}`);
  return kinds as Omittable[];
}

function program(): Command {
  return (
    new Command()
      .name('dmalint')
      .description(
        "Find unsafe handling of a device's DMA ops (dev->dma_ops) in a Linux kernel tree.\n" +
          'With no path, scans the kernel tree you are in; outside any, the bundled sample tree.',
      )
      .version(TOOL_VERSION)
      .argument('[paths...]', 'files or directories to report on (the whole tree is analyzed)')
      .option('--root <dir>', 'kernel tree root (default: the nearest directory upwards with MAINTAINERS)')
      .option(
        '--force-root',
        'take --root as the tree even if it has no MAINTAINERS, and no Kbuild or Makefile beside arch/',
      )
      .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'sarif']).default('text'))
      .option('-o, --output <file>', 'write the report to a file instead of stdout')
      .option(
        '-c, --config <file>',
        "rules configuration, over the bundled rules.yaml and the tree's .dmalint.yaml: its top-level keys " +
          'replace theirs (rules: merged per rule; suppressions: added)',
      )
      .option('--no-tree-config', "do not read the tree's .dmalint.yaml (a CI job gating changes to it)")
      .option('--arch <name>', 'architecture whose setup/teardown pair is sanctioned (default from rules.yaml)')
      .option('--rule <id=setting>', RULE_OPTION_HELP, ruleSwitch)
      .option(
        '--kconfig <file>',
        'a kernel .config: analyze only the files and branches it compiles (repeatable, or a directory of them: ' +
          'each finding names its configurations)',
        (v: string, all: string[]) => [...all, v],
        [] as string[],
      )
      .option('-j, --jobs <n>', 'worker threads for parsing (0: main thread only; default: one per core)', jobCount)
      .option(
        '--cache-dir <dir>',
        'where parsed summaries are cached by content (default: $XDG_CACHE_HOME/dmalint, else ~/.cache/dmalint)',
      )
      .addOption(new Option('--no-cache', 'parse every file again, and store nothing').conflicts('cacheDir'))
      .option(
        '--max-file-size <size>',
        'report larger files instead of parsing them (default: 4M; at most 16M, also for 0)',
        byteSize,
      )
      .option(
        '--parse-timeout <seconds>',
        'report a file whose parse takes longer, and go on (default: 10; 0: no limit)',
        seconds,
      )
      .addOption(
        new Option(
          '--diff <patches...>',
          'report only what these patches introduce or fix, applied in order: unified diffs or git format-patch ' +
            'mails (- reads stdin)',
        ).conflicts(['since', 'baseline']),
      )
      .addOption(
        new Option(
          '--since <rev>',
          'report only what the changes since REV introduce or fix (git diff REV, in a git checkout)',
        ).conflicts('baseline'),
      )
      .option(
        '--baseline <sarif>',
        'compare with an earlier SARIF log: results are new, unchanged or absent, and only new ones fail',
      )
      .option(
        '--omit <kinds>',
        `leave these results out of the report: ${OMITTABLE.join(', ')} (comma-separated)`,
        omittable,
      )
      .option('-q, --quiet', 'no progress on stderr')
      .option(
        '--maintainers',
        'a note per finding naming its maintainers, reviewers and lists (MAINTAINERS, as get_maintainer.pl)',
      )
      .option('--stats', 'print what the scan did (files, parse errors, time per stage) on stderr')
      .option('--parse-all', 'parse every file instead of those the prefilter picks (slow: checks the prefilter)')
      // `lsp` is dispatched before this parser (main.ts): told here so that --help shows it.
      .addHelpText(
        'after',
        '\nCommands:\n  dmalint lsp [--stdio]  the Language Server Protocol on stdio: live diagnostics in an editor\n' +
          EXIT_STATUS_HELP,
      )
      .exitOverride()
      .configureOutput({ writeErr: (s) => process.stderr.write(s) })
  );
}

interface Options {
  root?: string;
  forceRoot?: boolean;
  format: 'text' | 'sarif';
  output?: string;
  config?: string;
  /** false with --no-tree-config: the tree's .dmalint.yaml is not read. */
  treeConfig: boolean;
  arch?: string;
  rule?: ReturnType<typeof ruleSwitch>;
  kconfig: string[];
  jobs?: number;
  maxFileSize?: number;
  parseTimeout?: number;
  quiet?: boolean;
  cache: boolean;
  cacheDir?: string;
  stats?: boolean;
  parseAll?: boolean;
  maintainers?: boolean;
  diff?: string[];
  since?: string;
  baseline?: string;
  omit?: Omittable[];
}

function modeOf(opts: Options): Mode {
  if (opts.diff !== undefined) return { kind: 'diff', files: opts.diff };
  if (opts.since !== undefined) return { kind: 'since', rev: opts.since };
  if (opts.baseline !== undefined) return { kind: 'baseline', file: opts.baseline };
  return { kind: 'tree' };
}

/** What a script or CI step reads from the status, as the README's exit-status paragraph says it. */
const EXIT_STATUS_HELP = `
Exit status:
  0            nothing to report (notes and suppressed findings never count)
  1            findings at warning or error level (comparing: new ones only)
  2            a usage or configuration error, a patch that does not apply, an unreadable baseline
  3            an internal error in dmalint (please report it)
  4            no findings, but some files the analysis needed could not be analyzed
  129/130/143  interrupted by SIGHUP/SIGINT/SIGTERM (no report is written)
  Called by Kbuild as its checker: 0 whatever it finds, unless given --dmalint-fail
`;

const say = (line: string) => process.stderr.write(`dmalint: ${line}\n`);

/**
 * --root, else the tree holding the first path, else the tree holding the current directory;
 * outside any kernel tree, a plain scan takes the bundled sample (and says so first), while a
 * comparison needs a tree.
 */
function rootOf(opts: Options, paths: string[], mode: Mode): string {
  if (opts.root) {
    const root = path.resolve(opts.root);
    // A mistyped --root (/tmp, a home directory) would otherwise be scanned whole, and its
    // findings, or its silence, pass for a kernel's.
    if (isDirectory(root) && !looksLikeKernelTree(root)) {
      const why = `${root} does not look like a kernel tree (no MAINTAINERS, and no Kbuild or Makefile beside arch/)`;
      if (!opts.forceRoot) return fail(`--root ${opts.root}: ${why}; give --force-root to scan it anyway`);
      say(`warning: ${why}`);
    }
    return root;
  }
  const found = findRoot(paths[0] ?? '.');
  if (!found && paths.length === 0 && mode.kind === 'tree') {
    say(
      `not inside a kernel tree: scanning the bundled sample tree ${SAMPLE_TREE} (give a kernel tree's path, or ` +
        `run from inside one)`,
    );
    return SAMPLE_TREE;
  }
  const from = path.resolve(paths[0] ?? '.');
  if (!found)
    return fail(`cannot find the kernel tree root above ${from} (no MAINTAINERS or Kbuild); give it with --root`);
  if (found.guess) say(`note: ${found.guess}`);
  return found.root;
}

function isDirectory(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isDirectory() === true;
}

function omitted(results: ReportedFinding[], omit: readonly Omittable[] = []): ReportedFinding[] {
  return results.filter(
    (f) =>
      !(omit.includes('suppressed') && f.suppression) &&
      !(omit.includes('unchanged') && f.baselineState === 'unchanged') &&
      !(omit.includes('absent') && f.baselineState === 'absent'),
  );
}

/** rules.yaml is named as the report names files: tree-relative inside the tree, else absolute. */
function reportPath(root: string, file: string): string {
  const inTree = path.relative(root, path.resolve(file));
  return inTree.startsWith('..') || path.isAbsolute(inTree) ? path.resolve(file) : inTree.split(path.sep).join('/');
}

function suppress(collected: Collected, config: Config, root: string, partial: boolean): Suppressions {
  for (const file of new Set(config.suppressions.map((s) => s.at.file))) {
    collected.artifactRoles.set(reportPath(root, file), [
      file === DEFAULT_CONFIG_PATH ? 'toolSpecifiedConfiguration' : 'userSpecifiedConfiguration',
    ]);
  }
  // A report on part of the tree cannot tell a stale suppression from one for another part.
  const everything = partial ? undefined : collected.everything;
  return applySuppressions(collected.results, config.suppressions, (file) => reportPath(root, file), everything);
}

/** Where the report goes must exist before a long scan, not be found missing after it. */
function checkOutput(file: string): void {
  const target = path.resolve(file);
  const dir = statSync(path.dirname(target), { throwIfNoEntry: false });
  if (!dir?.isDirectory()) throw new UsageError(`--output ${file}: no such directory ${path.dirname(target)}`);
  if (statSync(target, { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(`--output ${file}: is a directory`);
}

/** The cache directory to use, or false: one that cannot be used is a warning, and the run goes on without. */
function cacheDirOf(opts: Options): string | false {
  return opts.cache ? usableCacheDir(opts.cacheDir ?? defaultCacheDir(), say) : false;
}

/** --arch, else the architecture the .config headers name; they must all agree. */
function archOf(opts: Options, kconfigs: readonly string[]): { arch: string; archFrom: string } | undefined {
  let arch = opts.arch;
  let from: string | undefined;
  for (const file of kconfigs) {
    const written = dotConfigArch(readRegularFile(file, { limitName: 'the .config limit' }).toString('latin1'));
    if (written === undefined || written === arch) continue;
    if (arch !== undefined) {
      throw new UsageError(
        `--kconfig ${file} was written for ${written} (its header says so), not for ` +
          `${from === undefined ? `--arch ${arch}` : `${arch} as ${from} was`}`,
      );
    }
    arch = written;
    from = file;
  }
  if (arch === undefined) return undefined;
  return { arch, archFrom: from === undefined ? `--arch ${arch}` : `--kconfig ${from} (written for ${arch})` };
}

type Signal = keyof typeof EXIT_ON_SIGNAL;
const SIGNALS = Object.keys(EXIT_ON_SIGNAL) as Signal[];
/**
 * How long an interrupted run may take to stop before it is ended regardless (and perhaps
 * aborted by a thread still in a parse): longer than the default parse timeout.
 */
const STOP_GRACE_MS = 15_000;

/**
 * On SIGHUP, SIGINT or SIGTERM the scan stops at its next batch (a parser thread cannot be stopped in
 * the middle of a parse: session/workers.ts), no report is written and the exit status is 130 or
 * 143 (129 for SIGHUP). A second signal ends the process at once. The report is only ever written whole and
 * synchronously (report.ts), so a signal is handled before it starts or after it is done.
 */
function stopOnSignals(): { received: () => Signal | undefined; restore: () => void } {
  let received: Signal | undefined;
  const handler = (signal: Signal) => {
    received ??= signal;
    process.stderr.write(`dmalint: interrupted by ${signal}; stopping without a report\n`);
    requestStop();
    // A patch read from stdin (`--diff -`) may never come: stop waiting for it.
    process.stdin.destroy();
    setTimeout(() => process.exit(EXIT_ON_SIGNAL[signal]), STOP_GRACE_MS).unref();
  };
  for (const signal of SIGNALS) process.once(signal, handler);
  return {
    received: () => received,
    restore: () => {
      for (const signal of SIGNALS) process.off(signal, handler);
      requestStop(false);
    },
  };
}

/** Files the analysis needed but could not read or parse: the run is incomplete. */
function incomplete(notifications: readonly Notification[]): boolean {
  return notifications.some((n) => n.level === 'error');
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
  const signals = stopOnSignals();
  try {
    const kconfigs = dotconfigFiles(opts.kconfig);
    const arch = archOf(opts, kconfigs);
    for (const p of paths) if (!existsSync(p)) throw new UsageError(`${p}: no such file or directory`);
    const mode = modeOf(opts);
    const root = rootOf(opts, paths, mode);
    if (!existsSync(root)) throw new UsageError(`--root ${root}: no such directory`);
    if (!statSync(root).isDirectory()) throw new UsageError(`--root ${root}: not a directory`);
    const rules = opts.rule ? { rules: opts.rule } : {};
    const config = loadConfig(opts.config, { ...arch, ...rules }, treeOptions(root, opts.treeConfig));
    if (opts.output !== undefined) checkOutput(opts.output);
    const reportPaths = paths.map((p) => toTreePath(root, p));
    const progress = progressReporter(!opts.quiet && process.stderr.isTTY === true && !process.env.CI);
    const collected = await collect(mode, {
      root,
      config,
      reportPaths,
      workers: saneJobs(opts.jobs),
      cacheDir: cacheDirOf(opts),
      kconfigs,
      limits: { maxFileSize: opts.maxFileSize, parseTimeoutMs: opts.parseTimeout },
      onProgress: progress.update,
      reuse: true,
      ...(opts.parseAll ? { parseAll: true } : {}),
    });
    // A replay from the findings cache runs without a pause: let a signal sent meanwhile arrive.
    await new Promise((resolve) => setImmediate(resolve));
    const signal = signals.received();
    if (signal) return EXIT_ON_SIGNAL[signal];
    if (collected.nothingToCheck !== undefined) {
      say(`note: ${collected.nothingToCheck}`);
      writeOutput(
        renderReport(
          opts.format,
          { results: [], notifications: [], artifactRoles: new Map() },
          root,
          ['dmalint', ...argv.slice(2)].join(' '),
          0,
        ),
        opts.output,
      );
      return 0;
    }
    for (const { label, result } of collected.scans) {
      progress.done(result);
      if (opts.stats) process.stderr.write(formatStats(result, label));
    }

    // The tree root itself given as a path ('.') is the whole tree.
    const suppressed = suppress(
      collected,
      config,
      root,
      reportPaths.some((p) => p !== ''),
    );
    // Who should hear about each finding, from the tree's MAINTAINERS (read only when there is one),
    // when the report names them: SARIF always, text with --maintainers. A text report without
    // it neither names them nor warns about MAINTAINERS entries it did not read.
    const reported = omitted(suppressed.results, opts.omit);
    const routed =
      opts.format === 'sarif' || opts.maintainers === true
        ? routeFindings(root, reported)
        : { results: reported, notifications: [] };
    const results = routed.results;
    // Without it a --maintainers report that names no one would not say why.
    // An unreadable MAINTAINERS says so in its own error line.
    if (
      opts.maintainers === true &&
      !routed.notifications.some((n) => n.level === 'error' && n.file === 'MAINTAINERS') &&
      results.length > 0 &&
      results.every((f) => f.routing === undefined)
    ) {
      routed.notifications.push({
        level: 'note',
        message: '--maintainers: the tree has no MAINTAINERS entries to route findings by; no one is named',
      });
    }
    const exitCode = suppressed.results.some(counts) ? 1 : incomplete(collected.notifications) ? EXIT_INCOMPLETE : 0;
    const notifications = [...collected.notifications, ...suppressed.stale, ...routed.notifications];
    // A text report on stdout carries them; otherwise CI logs must still say what was skipped.
    // Paths from where the command runs, inside the tree, as gcc's: an editor started there finds them.
    const fromDir = workingDirInTree(root);
    const shownFrom = fromDir === undefined ? {} : { fromDir };
    if (opts.format !== 'text' || opts.output !== undefined)
      process.stderr.write(renderText([], notifications, shownFrom));
    const report = renderReport(
      opts.format,
      { results, notifications, artifactRoles: collected.artifactRoles },
      root,
      ['dmalint', ...argv.slice(2)].join(' '),
      exitCode,
      {
        ...shownFrom,
        maintainers: opts.maintainers === true,
        ...(kconfigs.length > 1 ? { configurations: kconfigs.length } : {}),
        ...(mode.kind === 'diff' || mode.kind === 'since' ? { comparedWith: 'change' as const } : {}),
      },
    );
    await new Promise((resolve) => setImmediate(resolve));
    const late = signals.received();
    if (late) return EXIT_ON_SIGNAL[late];
    writeOutput(report, opts.output);
    return exitCode;
  } catch (err) {
    const signal = signals.received();
    // An interrupted read (stdin closed by the handler) fails as a user error would: it is the signal's.
    if (signal && (err instanceof Interrupted || err instanceof UsageError)) return EXIT_ON_SIGNAL[signal];
    const text = userErrorText(err);
    if (text !== undefined) {
      process.stderr.write(text);
      return 2;
    }
    throw err;
  } finally {
    signals.restore();
  }
}

function fail(message: string): never {
  throw new UsageError(message);
}
