// Parses edited buffers on a thread of their own. The native tree-sitter parser never gives back
// the memory of its trees (about 20 times the source parsed), so a server that parsed every
// edit on its main thread would grow without bound over a long session; the thread is
// replaced once it has parsed PARSE_BUDGET bytes, and a fresh one is started at once so that
// the next edit does not wait for tree-sitter to load.
import { Worker } from 'node:worker_threads';
import type { FileOutcome, ParseOptions } from '../parser/parse-file.js';
import type { OverlayReply, OverlayRequest } from './overlay-worker.js';

/** Source bytes a thread parses before it is replaced (≈ 20 MiB of native memory at most). */
const PARSE_BUDGET = 1024 * 1024;

interface Pending {
  resolve: (outcome: FileOutcome) => void;
  reject: (err: Error) => void;
}

class ParserThread {
  readonly worker = new Worker(new URL('./overlay-worker.js', import.meta.url));
  readonly pending = new Map<number, Pending>();
  parsed = 0;
  private retired = false;

  constructor() {
    this.worker.unref();
    this.worker.on('message', (reply: OverlayReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.error !== undefined) waiting.reject(new Error(`parser thread: ${reply.error}`));
      else waiting.resolve(reply.outcome ?? {});
      if (this.retired && this.pending.size === 0) void this.worker.terminate();
    });
    const fail = (err: Error) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`parser thread exited (${code})`)));
  }

  /** Ends the thread once the replies it owes are sent. */
  retire(): void {
    this.retired = true;
    if (this.pending.size === 0) void this.worker.terminate();
  }
}

export class OverlayParser {
  private thread: ParserThread | undefined;
  private nextId = 0;

  private send(thread: ParserThread, req: Omit<OverlayRequest, 'id'>): Promise<FileOutcome> {
    const id = this.nextId++;
    return new Promise<FileOutcome>((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ ...req, id } satisfies OverlayRequest);
    });
  }

  private current(options: ParseOptions): ParserThread {
    if (!this.thread) {
      this.thread = new ParserThread();
      void this.send(this.thread, { text: '', file: '', options, warmUp: true }).catch(() => {});
    }
    return this.thread;
  }

  /** Starts a thread with the parser loaded, so that the first edit does not wait for it. */
  prepare(options: ParseOptions): void {
    this.current(options);
  }

  async summarize(text: string, file: string, options: ParseOptions): Promise<FileOutcome> {
    const thread = this.current(options);
    try {
      return await this.send(thread, { text, file, options });
    } catch (err) {
      if (this.thread === thread) this.thread = undefined; // a dead thread is replaced on the next edit
      throw err;
    } finally {
      thread.parsed += Buffer.byteLength(text);
      if (thread.parsed >= PARSE_BUDGET && this.thread === thread) {
        this.thread = undefined;
        thread.retire();
        this.current(options);
      }
    }
  }

  async close(): Promise<void> {
    const thread = this.thread;
    this.thread = undefined;
    await thread?.worker.terminate();
  }
}
