// The thread that parses a language server's edited buffers (see overlay-parser.ts).
import { parentPort } from 'node:worker_threads';
import { type FileOutcome, type ParseOptions, loadParser, summarizeText } from '../parser/parse-file.js';

export interface OverlayRequest {
  id: number;
  text: string;
  file: string;
  options: ParseOptions;
  /** Only load the parser, so that the thread is ready before the next edit. */
  warmUp?: boolean;
}

export interface OverlayReply {
  id: number;
  outcome?: FileOutcome;
  error?: string;
}

parentPort!.on('message', (req: OverlayRequest) => {
  let reply: OverlayReply;
  try {
    if (req.warmUp) {
      loadParser(req.options);
      reply = { id: req.id };
    } else {
      reply = { id: req.id, outcome: summarizeText(req.text, req.file, req.options) };
    }
  } catch (err) {
    reply = { id: req.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  parentPort!.postMessage(reply);
});
