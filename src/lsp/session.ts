// One kernel tree as the language server sees it: its configuration, the scans' shared work
// (listing, tree index, summaries of the files on disk), the edited buffers as an overlay, and
// the diagnostics last published for each file. Every analysis is a scan of the whole tree with
// the overlay, exactly as `dmalint --diff` analyzes a patched side, so the editor shows what
// the command line would report for the same contents; what makes it cheap is the ScanShare:
// after the first scan nothing is listed or searched again except new words, and only an
// edited buffer is parsed again. Most edits do not even need that scan: quick-analysis.ts
// answers them from the last analysis's summaries when the edit leaves growth nothing new.
import type { Diagnostic } from 'vscode-languageserver/node';
import { treeConfigPath, treeOptions } from '../config/tree-config.js';
import { DEFAULT_CONFIG_PATH } from '../config/load.js';
import { loadConfig } from '../rules/load-config.js';
import type { Config } from '../config/types.js';
import type { Finding, Notification } from '../model.js';
import type { FileSummary } from '../parser/summary.js';
import { ScanShare, scan } from '../scan.js';
import { applySuppressions } from '../suppress/apply.js';
import { collectWhenIdle } from './collect-garbage.js';
import { contains, diagnosticsByFile, rangeOf, uriOf } from './diagnostics.js';
import type { OverlayParser } from './overlay-parser.js';
import { type Baseline, baselineOf, overlayParseOptions, quickAnalysis } from './quick-analysis.js';
import type { Settings } from './settings.js';
import { readRegularText } from '../fs/read.js';

export interface ProgressReporter {
  report(percentage: number, message?: string): void;
  done(): void;
}

/** What a session needs from the server around it. */
export interface SessionHost {
  log(level: 'error' | 'warning' | 'info', message: string): void;
  publish(uri: string, diagnostics: Diagnostic[]): void;
  progress(title: string): Promise<ProgressReporter>;
  /** Told after every analysis (the `dmalint/analyzed` notification). */
  analyzed(summary: AnalysisSummary): void;
}

export interface AnalysisSummary {
  root: string;
  /** Wall time of the analysis, from its start to its diagnostics published. */
  ms: number;
  findings: number;
  /** Files whose diagnostics were published by this analysis. */
  republished: string[];
  overlaid: number;
  ok: boolean;
  /** Whether the tree was scanned (false: the edit was answered from the last analysis, see quick-analysis.ts). */
  scanned: boolean;
}

function diskText(file: string): string | null {
  try {
    return readRegularText(file, { limit: 0 });
  } catch {
    return null;
  }
}

export class TreeSession {
  readonly config: Config;
  private share: ScanShare;
  /** Tree path → the text the analysis uses instead of the disk's (null: deleted). */
  private readonly overlay = new Map<string, string | null>();
  /** Tree path → its diagnostics as last published (JSON), for files with findings. */
  private readonly published = new Map<string, string>();
  private diagnostics = new Map<string, Diagnostic[]>();
  private shown: Finding[] = [];
  /** Notifications already logged, so that each is said once per session. */
  private readonly logged = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  /** Whether a scan without overlay has run (it fills the share's index, see ScanShare). */
  private scannedDisk = false;
  /** What the last analysis ended with, for the next edit's quick analysis. */
  private baseline: Baseline | undefined;
  private closed = false;

  /** Throws ConfigError for a bad configuration. */
  constructor(
    readonly root: string,
    readonly settings: Settings,
    private readonly host: SessionHost,
    private readonly parser: OverlayParser,
  ) {
    this.config = loadConfig(
      settings.config,
      settings.arch ? { arch: settings.arch, archFrom: `settings: arch '${settings.arch}'` } : {},
      treeOptions(root),
    );
    this.share = this.newShare();
  }

  private newShare(): ScanShare {
    const share = new ScanShare();
    share.summarizeOverlay = (text, file, options) => this.parser.summarize(text, file, options);
    return share;
  }

  /**
   * The files a change to which means reading the configuration again: the tree's own first
   * (tree-config.ts, whether it exists yet or not: the quick fix writes there), then the rules
   * file the settings name (or the bundled one) and the .config.
   */
  configFiles(): string[] {
    return [
      treeConfigPath(this.root),
      this.settings.config ?? DEFAULT_CONFIG_PATH,
      ...(this.settings.kconfig ? [this.settings.kconfig] : []),
    ];
  }

  /** Sets a file's contents as the editor has them; false when the analysis already uses that text. */
  setText(treePath: string, text: string | null): boolean {
    if (this.overlay.has(treePath)) {
      if (this.overlay.get(treePath) === text) return false;
    } else if (diskText(`${this.root}/${treePath}`) === text) {
      return false; // as on disk, which the share already holds
    }
    this.overlay.set(treePath, text);
    return true;
  }

  /** The file as it is on disk now: a closed buffer, or a change made outside the editor. */
  fromDisk(treePath: string): boolean {
    if (!this.overlay.has(treePath) && !this.scannedDisk) return false;
    return this.setText(treePath, diskText(`${this.root}/${treePath}`));
  }

  /** Analyzes after `delayMs` without a newer request (typing), or at once. */
  schedule(delayMs = 0): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), delayMs);
  }

  /** Resolves when no analysis is running or waiting (for tests and the benchmark). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run().finally(() => {
      this.running = undefined;
      if (this.again && !this.closed) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async run(): Promise<void> {
    const start = performance.now();
    const first = !this.scannedDisk;
    // The first scan is of the disk alone, so that its searches can serve every later scan.
    const overlay = first ? new Map<string, string | null>() : new Map(this.overlay);
    const progress = first ? await this.host.progress('dmalint') : undefined;
    let ok = false;
    let scanned = false;
    let republished: string[] = [];
    let scannedSummaries: FileSummary[] | undefined;
    try {
      const quick =
        first || !this.baseline
          ? undefined
          : await quickAnalysis(this.baseline, overlay, this.config, this.share, (text, file) =>
              this.parser.summarize(text, file, overlayParseOptions(this.config)),
            );
      let findings: Finding[];
      if (quick) {
        if (this.closed) return;
        this.baseline = quick.baseline;
        this.logNotifications(quick.notifications);
        findings = quick.findings;
      } else {
        scanned = true;
        this.baseline = undefined;
        const result = await scan({
          root: this.root,
          config: this.config,
          share: this.share,
          overlay,
          keepSummaries: true,
          ...(this.settings.cacheDir !== undefined ? { cacheDir: this.settings.cacheDir } : {}),
          ...(this.settings.kconfig ? { kconfig: this.settings.kconfig } : {}),
          ...(this.settings.jobs !== undefined ? { workers: this.settings.jobs } : {}),
          onProgress: progress
            ? (stage, done, total) =>
                progress.report(Math.round((100 * done) / Math.max(1, total)), `${stage} ${done}/${total}`)
            : undefined,
        });
        if (this.closed) return;
        this.scannedDisk = true;
        this.logNotifications(result.notifications);
        scannedSummaries = result.summaries;
        if (first && this.overlay.size) {
          // Edited buffers are waiting: publish their analysis, not the disk's for a moment.
          this.again = true;
          ok = true;
          return;
        }
        findings = result.findings;
      }
      const { results } = applySuppressions(findings, this.config.suppressions, (f) => f);
      this.shown = results.filter((f) => !f.suppression);
      republished = this.publish();
      ok = true;
    } catch (err) {
      // The diagnostics of the last good analysis stay; the next edit scans.
      this.baseline = undefined;
      this.host.log(
        'error',
        `analysis of ${this.root} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
    } finally {
      progress?.done();
    }
    this.host.analyzed({
      root: this.root,
      ms: performance.now() - start,
      findings: this.shown.length,
      republished,
      overlaid: overlay.size,
      ok,
      scanned,
    });
    // After the diagnostics are out: what the next edit starts from (one call graph built).
    if (scannedSummaries && !this.closed) {
      this.baseline = baselineOf(scannedSummaries, overlay, this.config);
      this.parser.prepare(overlayParseOptions(this.config));
    }
    collectWhenIdle();
  }

  private logNotifications(notifications: readonly Notification[]): void {
    for (const n of notifications) {
      const line = `${n.file ?? ''}${n.line ? `:${n.line}` : ''}${n.file ? ': ' : ''}${n.level}: ${n.message}`;
      if (this.logged.has(line)) continue;
      this.logged.add(line);
      this.host.log(n.level === 'error' ? 'error' : n.level === 'warning' ? 'warning' : 'info', line);
    }
  }

  /** Publishes the files whose diagnostics changed; returns their URIs. */
  private publish(): string[] {
    const now = diagnosticsByFile(this.shown, this.root);
    const changed: string[] = [];
    for (const file of new Set([...this.published.keys(), ...now.keys()])) {
      const list = now.get(file) ?? [];
      const json = JSON.stringify(list);
      if ((this.published.get(file) ?? '[]') === json) continue;
      const uri = uriOf(this.root, file);
      this.host.publish(uri, list);
      changed.push(uri);
      if (list.length) this.published.set(file, json);
      else this.published.delete(file);
    }
    this.diagnostics = now;
    return changed;
  }

  /** The shown finding whose range holds `pos` in `treePath`. */
  findingAt(treePath: string, pos: { line: number; character: number }, ruleId?: string): Finding | undefined {
    return this.shown.find(
      (f) =>
        f.location.file === treePath &&
        (ruleId === undefined || f.ruleId === ruleId) &&
        contains(rangeOf(f.location), pos),
    );
  }

  diagnosticsOf(treePath: string): Diagnostic[] {
    return this.diagnostics.get(treePath) ?? [];
  }

  /**
   * A session with another configuration (rules.yaml saved, settings changed) taking over this one's buffers and
   * diagnostics.
   */
  async replaceWith(settings: Settings): Promise<TreeSession> {
    const next = new TreeSession(this.root, settings, this.host, this.parser);
    for (const [f, t] of this.overlay) next.overlay.set(f, t);
    for (const [f, d] of this.published) next.published.set(f, d);
    await this.close();
    next.schedule();
    return next;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => {});
    await this.share.close();
  }
}
