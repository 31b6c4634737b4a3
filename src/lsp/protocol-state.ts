// The protocol's order of things, which the library leaves to the server: no request before
// `initialize` (ServerNotInitialized), none but `exit` after `shutdown` (InvalidRequest), and
// `initialize` only once. A client that breaks it gets the error the protocol names, not null.
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';

export class ProtocolState {
  private phase: 'new' | 'running' | 'shut down' = 'new';

  /** Whether `shutdown` came: leaving without it is exit status 1, as the protocol says. */
  get shutDown(): boolean {
    return this.phase === 'shut down';
  }

  /** `initialize`: the first one starts the server, a second one is an error. */
  initialize(): void {
    if (this.phase !== 'new') throw new ResponseError(ErrorCodes.InvalidRequest, 'initialize was already received');
    this.phase = 'running';
  }

  /** `shutdown`, after which only `exit` is accepted. */
  shutdown(): void {
    this.check();
    this.phase = 'shut down';
  }

  /** Throws the protocol's error for a request that comes too early or too late. */
  check(): void {
    if (this.phase === 'new') throw new ResponseError(ErrorCodes.ServerNotInitialized, 'initialize was not received');
    if (this.phase === 'shut down') throw new ResponseError(ErrorCodes.InvalidRequest, 'the server is shut down');
  }

  /** `handler`, answering with the protocol's error outside the running phase. */
  guard<P extends unknown[], R>(handler: (...params: P) => R): (...params: P) => R {
    return (...params: P) => {
      this.check();
      return handler(...params);
    };
  }
}
