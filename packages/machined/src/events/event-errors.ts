// Errors of the event ring: a bad query (InvalidArgument on the wire) and a subscriber that fell
// behind (ResourceExhausted/Aborted on the wire: the client resubscribes with `sinceId`).

export class EventQueryError extends Error {
  override readonly name = 'EventQueryError' as const;
}

export function isEventQueryError(err: unknown): err is EventQueryError {
  return err instanceof Error && err.name === 'EventQueryError';
}

export class EventsLaggedError extends Error {
  override readonly name = 'EventsLaggedError' as const;
  /** The last event the subscriber received, to resume from with `sinceId`, or '' if none. */
  readonly lastId: string;

  constructor(message: string, options: { lastId: string }) {
    super(message);
    this.lastId = options.lastId;
  }
}

export function isEventsLaggedError(err: unknown): err is EventsLaggedError {
  return err instanceof Error && err.name === 'EventsLaggedError';
}
