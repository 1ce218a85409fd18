/** No endpoint could be reached, or a connection was refused; the message says what to check. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError' as const;
  /** The endpoints tried, in order, each with what went wrong. */
  readonly attempts: readonly EndpointFailure[];

  constructor(message: string, options: ErrorOptions & { attempts?: readonly EndpointFailure[] } = {}) {
    super(message, options);
    this.attempts = options.attempts ?? [];
  }
}

export interface EndpointFailure {
  endpoint: string;
  reason: string;
}

export function isConnectionError(err: unknown): err is ConnectionError {
  return err instanceof Error && err.name === 'ConnectionError';
}
