// `dmalint lsp`: the Language Server Protocol over stdio (vscode-languageserver). A session per
// kernel tree (session.ts) analyzes the whole tree in the background and then again after each
// edit; this module maps the protocol onto sessions: documents, configuration, diagnostics,
// hover, the suppression quick fix, and the end of the process (shutdown/exit, stdin closed,
// or the client's process gone, which the library watches through initialize's processId).
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type CodeAction,
  CodeActionKind,
  type Connection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  type Hover,
  type InitializeParams,
  type InitializeResult,
  MarkupKind,
  MessageType,
  NotificationType,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ConfigError } from '../config/load.js';
import { findRoot } from '../discover.js';
import { RULES } from '../rules/index.js';
import { TOOL_VERSION } from '../version.js';
import { OverlayParser } from './overlay-parser.js';
import { type AnalysisSummary, TreeSession } from './session.js';
import { type Settings, readSettings } from './settings.js';
import { suppressionInsertion } from './suppression-edit.js';
import { readRegularText } from '../fs/read.js';
import { TREE_CONFIG, TREE_CONFIG_HEADER, treeConfigPath } from '../config/tree-config.js';
import { ProtocolState } from './protocol-state.js';

/** Sent after every analysis: what it took and which files it republished (for scripts and tests). */
export const AnalyzedNotification = new NotificationType<AnalysisSummary>('dmalint/analyzed');

/** How long typing must pause before an unsaved buffer is analyzed. */
const TYPING_PAUSE_MS = 300;
/** The command that writes a tree's first .dmalint.yaml, for clients whose edits cannot create files. */
const WRITE_TREE_CONFIG = 'dmalint.writeTreeConfig';

function fileOfUri(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

function treePathIn(root: string, file: string): string | undefined {
  const rel = path.relative(root, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? undefined : rel.split(path.sep).join('/');
}

class Server {
  private readonly documents = new TextDocuments(TextDocument);
  private readonly sessions = new Map<string, TreeSession>();
  private readonly parser = new OverlayParser();
  readonly protocol = new ProtocolState();
  private initOptions: unknown;
  private configurationSupported = false;
  /** Whether the client's workspace edits may create a file (the tree's first .dmalint.yaml). */
  private createSupported = false;
  private watchSupported = false;
  /** Files and directories already said to be outside any kernel tree. */
  private readonly outsideLogged = new Set<string>();
  private workspaceRoots: string[] = [];

  constructor(private readonly connection: Connection) {}

  private log(level: 'error' | 'warning' | 'info', message: string): void {
    const type = level === 'error' ? MessageType.Error : level === 'warning' ? MessageType.Warning : MessageType.Info;
    void this.connection.sendNotification('window/logMessage', { type, message: `dmalint: ${message}` });
  }

  private host = {
    log: (level: 'error' | 'warning' | 'info', message: string) => this.log(level, message),
    publish: (uri: string, diagnostics: import('vscode-languageserver/node').Diagnostic[]) =>
      void this.connection.sendDiagnostics({ uri, diagnostics }),
    progress: async (title: string) => {
      const reporter = await this.connection.window.createWorkDoneProgress().catch(() => undefined);
      reporter?.begin(title, 0, 'listing the tree');
      return {
        report: (p: number, m?: string) => (m === undefined ? reporter?.report(p) : reporter?.report(p, m)),
        done: () => reporter?.done(),
      };
    },
    analyzed: (summary: AnalysisSummary) => void this.connection.sendNotification(AnalyzedNotification, summary),
  };

  listen(): void {
    const c = this.connection;
    c.onInitialize((params) => {
      this.protocol.initialize();
      return this.initialize(params);
    });
    c.onInitialized(() => void this.initialized());
    this.documents.onDidChangeContent((e) => this.edited(e.document.uri, e.document.getText(), TYPING_PAUSE_MS));
    this.documents.onDidSave((e) => this.saved(e.document.uri, e.document.getText()));
    this.documents.onDidClose((e) => this.closedDoc(e.document.uri));
    c.onDidChangeWatchedFiles((p) => {
      for (const change of p.changes) this.changedOnDisk(change.uri, change.type === FileChangeType.Deleted);
    });
    c.onDidChangeConfiguration(() => void this.reconfigure());
    c.onHover(this.protocol.guard((p) => this.hover(p.textDocument.uri, p.position)));
    c.onCodeAction(this.protocol.guard((p) => this.codeActions(p.textDocument.uri, p.context.diagnostics)));
    c.onExecuteCommand(this.protocol.guard((p) => this.executeCommand(p.command, p.arguments ?? [])));
    c.onShutdown(async () => {
      this.protocol.shutdown();
      await Promise.all([...this.sessions.values()].map((s) => s.close()));
      await this.parser.close();
    });
    this.documents.listen(c);
    c.listen();
  }

  private initialize(params: InitializeParams): InitializeResult {
    this.initOptions = params.initializationOptions;
    this.configurationSupported = params.capabilities.workspace?.configuration === true;
    this.createSupported =
      params.capabilities.workspace?.workspaceEdit?.resourceOperations?.includes('create') === true;
    this.watchSupported = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    const folders =
      params.workspaceFolders?.map((f) => f.uri) ??
      (params.rootUri ? [params.rootUri] : params.rootPath ? [pathToFileURL(params.rootPath).href] : []);
    for (const uri of folders) {
      const dir = fileOfUri(uri);
      const root = dir === undefined ? undefined : findRoot(dir)?.root;
      if (root) this.workspaceRoots.push(root);
      else
        this.log(
          'info',
          `${dir ?? uri} is not inside a kernel tree (no MAINTAINERS or Kbuild above it): no diagnostics for it`,
        );
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        executeCommandProvider: { commands: [WRITE_TREE_CONFIG] },
      },
      serverInfo: { name: 'dmalint', version: TOOL_VERSION },
    };
  }

  private async initialized(): Promise<void> {
    if (this.configurationSupported)
      void this.connection.client.register(DidChangeConfigurationNotification.type, undefined).catch(() => {});
    if (this.watchSupported) {
      void this.connection.client
        .register(DidChangeWatchedFilesNotification.type, {
          watchers: [
            { globPattern: '**/*.{c,h}' },
            { globPattern: '**/*.{yaml,yml}' },
            { globPattern: `**/${TREE_CONFIG}` },
            { globPattern: '**/.config' },
          ],
        })
        .catch(() => {});
    }
    for (const root of this.workspaceRoots) await this.session(root);
  }

  /** initializationOptions, then workspace/configuration's `dmalint` section over it. */
  private async settingsFor(root: string): Promise<Settings> {
    const problems: string[] = [];
    const fromInit = readSettings(this.initOptions, root, problems);
    let fromClient: Settings = {};
    if (this.configurationSupported) {
      const [section] = (await this.connection.workspace
        .getConfiguration([{ scopeUri: pathToFileURL(root).href, section: 'dmalint' }])
        .catch(() => [undefined])) as unknown[];
      fromClient = readSettings(section, root, problems);
    }
    for (const p of problems) this.log('warning', p);
    return { ...fromInit, ...fromClient };
  }

  private async session(root: string): Promise<TreeSession | undefined> {
    const known = this.sessions.get(root);
    if (known) return known;
    try {
      const session = new TreeSession(root, await this.settingsFor(root), this.host, this.parser);
      if (this.sessions.has(root)) {
        await session.close();
        return this.sessions.get(root);
      }
      this.sessions.set(root, session);
      this.log('info', `analyzing the kernel tree at ${root}`);
      session.schedule();
      return session;
    } catch (err) {
      this.log(
        'error',
        err instanceof ConfigError
          ? err.problems.join('\n')
          : `cannot analyze ${root}: ${err instanceof Error ? err.message : String(err)}`,
      );
      return undefined;
    }
  }

  /** The session and tree path of a document, or undefined (said once) outside any kernel tree. */
  private async locate(uri: string): Promise<{ session: TreeSession; file: string } | undefined> {
    const file = fileOfUri(uri);
    if (file === undefined) return undefined;
    for (const [root, session] of this.sessions) {
      const rel = treePathIn(root, file);
      if (rel !== undefined) return { session, file: rel };
    }
    const root = findRoot(path.dirname(file))?.root;
    if (!root) {
      if (!this.outsideLogged.has(file)) {
        this.outsideLogged.add(file);
        this.log('info', `${file} is not inside a kernel tree (no MAINTAINERS or Kbuild above it): no diagnostics`);
      }
      return undefined;
    }
    const session = await this.session(root);
    const rel = treePathIn(root, file);
    return session && rel !== undefined ? { session, file: rel } : undefined;
  }

  private isConfigFile(file: string): TreeSession[] {
    return [...this.sessions.values()].filter((s) => s.configFiles().includes(file));
  }

  private edited(uri: string, text: string, delay: number): void {
    void this.locate(uri).then((at) => {
      if (at && at.session.setText(at.file, text)) at.session.schedule(delay);
    });
  }

  private saved(uri: string, text: string): void {
    const file = fileOfUri(uri);
    if (file && this.isConfigFile(file).length) {
      void this.reload(this.isConfigFile(file));
      return;
    }
    void this.locate(uri).then((at) => {
      if (!at) return;
      at.session.setText(at.file, text);
      at.session.schedule(0);
    });
  }

  private closedDoc(uri: string): void {
    void this.locate(uri).then((at) => {
      if (at?.session.fromDisk(at.file)) at.session.schedule(0);
    });
  }

  private changedOnDisk(uri: string, deleted: boolean): void {
    const file = fileOfUri(uri);
    if (!file) return;
    if (this.isConfigFile(file).length) {
      void this.reload(this.isConfigFile(file));
      return;
    }
    if (this.documents.get(uri)) return; // the buffer is what the developer sees
    for (const [root, session] of this.sessions) {
      const rel = treePathIn(root, file);
      if (rel === undefined) continue;
      if (deleted ? session.setText(rel, null) : session.fromDisk(rel)) session.schedule(0);
    }
  }

  private async reload(sessions: TreeSession[]): Promise<void> {
    for (const old of sessions) {
      try {
        const next = await old.replaceWith(await this.settingsFor(old.root));
        this.sessions.set(old.root, next);
        this.log('info', `configuration of ${old.root} read again`);
      } catch (err) {
        // The old session goes on with the configuration it has.
        this.log('error', err instanceof ConfigError ? err.problems.join('\n') : String(err));
      }
    }
  }

  private async reconfigure(): Promise<void> {
    const changed: TreeSession[] = [];
    for (const s of this.sessions.values()) {
      if (JSON.stringify(await this.settingsFor(s.root)) !== JSON.stringify(s.settings)) changed.push(s);
    }
    if (changed.length) await this.reload(changed);
  }

  private async hover(uri: string, position: { line: number; character: number }): Promise<Hover | null> {
    const at = await this.locate(uri);
    const finding = at?.session.findingAt(at.file, position);
    if (!finding) return null;
    const rule = RULES.find((r) => r.meta.id === finding.ruleId)!;
    return {
      contents: {
        kind: MarkupKind.Markdown,
        value: `**dmalint \`${rule.meta.id}\`**: ${rule.meta.shortDescription}\n\n${rule.meta.help.markdown}`,
      },
    };
  }

  /**
   * The quick fix's command for clients that cannot create files: writes a tree's first
   * .dmalint.yaml, and nothing else (only the configuration path of a tree a session has, and
   * only when the file is not there yet).
   */
  private executeCommand(command: string, args: unknown[]): null {
    const [file, text] = args;
    if (command !== WRITE_TREE_CONFIG || typeof file !== 'string' || typeof text !== 'string') return null;
    const ours = [...this.sessions.values()].some((s) => treeConfigPath(s.root) === file);
    if (!ours) {
      this.log('warning', `${file}: not written: not the configuration of a tree this server analyzes`);
      return null;
    }
    try {
      // Created, never replaced: `wx` fails on anything there, a dangling link included.
      writeFileSync(file, text, { flag: 'wx', mode: 0o666 });
      this.changedOnDisk(pathToFileURL(file).href, false);
    } catch (err) {
      this.log('warning', `${file}: cannot write it: ${err instanceof Error ? err.message : String(err)}`);
    }
    return null;
  }

  private async codeActions(
    uri: string,
    diagnostics: import('vscode-languageserver/node').Diagnostic[],
  ): Promise<CodeAction[]> {
    const at = await this.locate(uri);
    if (!at) return [];
    const actions: CodeAction[] = [];
    for (const d of diagnostics) {
      if (d.source !== 'dmalint' || typeof d.code !== 'string') continue;
      const finding = at.session.findingAt(at.file, d.range.start, d.code);
      if (!finding) continue;
      // The tree's own configuration (config/tree-config.ts), never the rules file of the
      // installed package, which the next upgrade replaces.
      const configFile = treeConfigPath(at.session.root);
      const href = pathToFileURL(configFile).href;
      const open = this.documents.get(href);
      const exists = open !== undefined || existsSync(configFile);
      try {
        const title = `dmalint: suppress ${finding.ruleId} in ${finding.function}() (${TREE_CONFIG})`;
        if (!exists) {
          const text = `${TREE_CONFIG_HEADER}${suppressionInsertion('', finding).text}`;
          actions.push({
            title,
            kind: CodeActionKind.QuickFix,
            diagnostics: [d],
            // A client that cannot create files is asked to run the command that writes it.
            ...(this.createSupported
              ? {
                  edit: {
                    documentChanges: [
                      { kind: 'create' as const, uri: href, options: { ignoreIfExists: true } },
                      {
                        textDocument: { uri: href, version: null },
                        edits: [
                          {
                            range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
                            newText: text,
                          },
                        ],
                      },
                    ],
                  },
                }
              : { command: { title, command: WRITE_TREE_CONFIG, arguments: [configFile, text] } }),
          });
          continue;
        }
        const text = open?.getText() ?? readRegularText(configFile);
        const ins = suppressionInsertion(text, finding);
        const before = TextDocument.create('file://x', 'yaml', 0, text);
        const range = { start: before.positionAt(ins.offset), end: before.positionAt(ins.end ?? ins.offset) };
        actions.push({
          title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          edit: { changes: { [href]: [{ range, newText: ins.text }] } },
        });
      } catch (err) {
        this.log(
          'warning',
          `${configFile}: cannot add a suppression: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
    return actions;
  }
}

/** Runs the server until the client ends it; `args` are what follows `dmalint lsp`. */
export function serve(args: readonly string[]): number | undefined {
  const unknown = args.filter((a) => a !== '--stdio');
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(
      'Usage: dmalint lsp [--stdio]\n\nThe Language Server Protocol on stdin/stdout: live diagnostics for the ' +
        'kernel tree of the workspace.\n',
    );
    return 0;
  }
  if (unknown.length) {
    process.stderr.write(`dmalint lsp: unknown argument ${unknown[0]}; the server speaks over stdio (--stdio)\n`);
    return 2;
  }
  const reader = new StreamMessageReader(process.stdin);
  // A malformed header leaves the stream out of step for good: say so and stop (the client restarts us).
  reader.onError((err) => {
    process.stderr.write(`dmalint lsp: the client sent a malformed message (${err.message.split('\n')[0]}); exiting\n`);
    process.exit(1);
  });
  const connection = createConnection(ProposedFeatures.all, reader, new StreamMessageWriter(process.stdout));
  const server = new Server(connection);
  server.listen();
  // The library ends the process when stdin closes only for a stream it reads itself.
  for (const event of ['end', 'close']) process.stdin.on(event, () => process.exit(server.protocol.shutDown ? 0 : 1));
  return undefined;
}
