// Drives `dmalint lsp` as an editor does: a child process speaking LSP over stdio, through the
// protocol library's own client side (vscode-languageserver-protocol), recording what the
// server publishes, logs and reports.
import { type ChildProcess, spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import {
  type Diagnostic,
  type ProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import type { AnalysisSummary } from '../../src/lsp/session.js';
import { CLI } from './cli.js';

export type Analyzed = AnalysisSummary;

export const uri = (file: string): string => pathToFileURL(file).href;

/** Waits for `ready()` to hold, checked after every message, failing after `ms`. */
type Waiter = { ready: () => boolean; resolve: () => void };

export class LspClient {
  readonly proc: ChildProcess;
  readonly conn: ProtocolConnection;
  /** Every publishDiagnostics, in order. */
  readonly published: { uri: string; diagnostics: Diagnostic[] }[] = [];
  readonly diagnostics = new Map<string, Diagnostic[]>();
  readonly logs: { type: number; message: string }[] = [];
  readonly analyses: Analyzed[] = [];
  readonly progress: { token: unknown; kind: string }[] = [];
  stderr = '';
  private waiters: Waiter[] = [];
  readonly exited: Promise<number | null>;

  constructor(args: string[] = ['lsp', '--stdio']) {
    this.proc = spawn(process.execPath, [CLI, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true' },
    });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
    this.proc.stderr!.on('data', (d) => (this.stderr += String(d)));
    this.conn = createProtocolConnection(
      new StreamMessageReader(this.proc.stdout!),
      new StreamMessageWriter(this.proc.stdin!),
    );
    this.conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diagnostic[] }) => {
      this.published.push(p);
      this.diagnostics.set(p.uri, p.diagnostics);
      this.check();
    });
    this.conn.onNotification('window/logMessage', (p: { type: number; message: string }) => {
      this.logs.push(p);
      this.check();
    });
    this.conn.onNotification('dmalint/analyzed', (p: Analyzed) => {
      this.analyses.push(p);
      this.check();
    });
    this.conn.onNotification('$/progress', (p: { token: unknown; value: { kind: string } }) => {
      this.progress.push({ token: p.token, kind: p.value.kind });
      this.check();
    });
    this.conn.onRequest('window/workDoneProgress/create', () => null);
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
    this.conn.listen();
  }

  private check(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.ready()) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves once `ready()` holds; rejects after `ms` with what the server said meanwhile. */
  until(what: string, ready: () => boolean, ms = 60_000): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`timed out waiting for ${what}; logs: ${JSON.stringify(this.logs)}; stderr: ${this.stderr}`));
      }, ms);
      this.waiters.push({ ready, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  /** The next analysis after this call. */
  nextAnalysis(ms?: number): Promise<Analyzed> {
    const count = this.analyses.length;
    return this.until('an analysis', () => this.analyses.length > count, ms).then(() => this.analyses[count]!);
  }

  async initialize(root: string, initializationOptions: unknown): Promise<void> {
    await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uri(root),
      workspaceFolders: [{ uri: uri(root), name: 'kernel' }],
      capabilities: { window: { workDoneProgress: true }, workspace: {} },
      initializationOptions,
    });
    void this.conn.sendNotification('initialized', {});
  }

  open(file: string, text: string, version = 1): void {
    void this.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri: uri(file), languageId: 'c', version, text },
    });
  }

  /** Replaces the whole buffer (a full-text change). */
  change(file: string, text: string, version: number): void {
    void this.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: uri(file), version },
      contentChanges: [{ text }],
    });
  }

  save(file: string): void {
    void this.conn.sendNotification('textDocument/didSave', { textDocument: { uri: uri(file) } });
  }

  async shutdown(): Promise<number | null> {
    await this.conn.sendRequest('shutdown');
    void this.conn.sendNotification('exit');
    return this.exited;
  }

  kill(): void {
    this.proc.kill('SIGKILL');
  }
}
