// Errors of the sequencer. SequenceLockedError maps to FailedPrecondition on the wire,
// SequenceCanceledError to Canceled, SequenceFailedError to Internal (its message names the task).

/** Another sequence is running and this one may not take over. */
export class SequenceLockedError extends Error {
  override readonly name = 'SequenceLockedError' as const;
  readonly running: string;

  constructor(message: string, options: { running: string }) {
    super(message);
    this.running = options.running;
  }
}

export function isSequenceLockedError(err: unknown): err is SequenceLockedError {
  return err instanceof Error && err.name === 'SequenceLockedError';
}

/** A task failed: its phase and its sequence failed with it. */
export class SequenceFailedError extends Error {
  override readonly name = 'SequenceFailedError' as const;
  readonly sequence: string;
  readonly phase: string;
  readonly task: string;

  constructor(message: string, options: { sequence: string; phase: string; task: string; cause: unknown }) {
    super(message, { cause: options.cause });
    this.sequence = options.sequence;
    this.phase = options.phase;
    this.task = options.task;
  }
}

export function isSequenceFailedError(err: unknown): err is SequenceFailedError {
  return err instanceof Error && err.name === 'SequenceFailedError';
}

/** The sequence was cancelled by its caller or taken over by another sequence. */
export class SequenceCanceledError extends Error {
  override readonly name = 'SequenceCanceledError' as const;
}

export function isSequenceCanceledError(err: unknown): err is SequenceCanceledError {
  return err instanceof Error && err.name === 'SequenceCanceledError';
}
