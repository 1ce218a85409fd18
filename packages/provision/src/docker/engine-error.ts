// Errors from the Docker Engine API: which call, the HTTP status, and the engine's own message.

export class EngineError extends Error {
  override readonly name = 'EngineError';
  /** The call, e.g. `POST /containers/create`. */
  readonly call: string;
  /** The HTTP status; 0 when the engine could not be reached. */
  readonly status: number;
  /** The engine's message (its JSON `message`, else the body), or the socket error. */
  readonly engineMessage: string;

  constructor(call: string, status: number, engineMessage: string, options?: { cause?: unknown; hint?: string }) {
    const what = status === 0 ? 'could not reach the engine' : `status ${status}`;
    const hint = options?.hint === undefined ? '' : `: ${options.hint}`;
    super(`docker engine ${call}: ${what}: ${engineMessage}${hint}`, options);
    this.call = call;
    this.status = status;
    this.engineMessage = engineMessage;
  }
}

export function isEngineError(err: unknown, status?: number): err is EngineError {
  if (!(err instanceof Error) || err.name !== 'EngineError') return false;
  return status === undefined || ('status' in err && err.status === status);
}
