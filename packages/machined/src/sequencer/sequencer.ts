// Runs one sequence at a time, phase after phase, the tasks of a phase in parallel, and reports each
// start and stop (with durations and errors) as Sequence/Phase/Task events. A later sequence may
// take over a running one when the rules allow it (a reboot during boot): the running one is
// cancelled and awaited first. Otherwise a second sequence is refused with SequenceLockedError.
import type { EventPublisher } from '../events/runtime-event.ts';
import { nullLogger, type Logger } from '../log/logger.ts';
import { checkSequence, type Phase, type Sequence, type Task } from './sequence.ts';
import { SequenceCanceledError, SequenceFailedError, SequenceLockedError } from './sequencer-errors.ts';

/** Which running sequence (key) each sequence may take over (values). */
export type TakeOverRules = Readonly<Record<string, readonly string[]>>;

export const DefaultTakeOver: TakeOverRules = {
  initialize: ['reboot', 'shutdown', 'reset'],
  boot: ['reboot', 'shutdown', 'reset'],
};

export interface SequencerOptions {
  events?: EventPublisher;
  logger?: Logger;
  takeOver?: TakeOverRules;
}

export interface SequenceRunOptions {
  signal?: AbortSignal;
  /** Recorded on every event of this run (e.g. the id of the Reboot request). */
  actorId?: string;
}

interface Current {
  readonly name: string;
  readonly ac: AbortController;
  readonly settled: Promise<unknown>;
}

export class Sequencer {
  readonly #events: EventPublisher | undefined;
  readonly #logger: Logger;
  readonly #takeOver: TakeOverRules;
  #current: Current | undefined;

  constructor(options: SequencerOptions = {}) {
    this.#events = options.events;
    this.#logger = options.logger ?? nullLogger();
    this.#takeOver = options.takeOver ?? DefaultTakeOver;
  }

  /** The name of the running sequence, if any. */
  get running(): string | undefined {
    return this.#current?.name;
  }

  /**
   * Runs `seq` to the end. Rejects with SequenceLockedError when another sequence runs and may not
   * be taken over, SequenceFailedError naming the failed task, or SequenceCanceledError.
   */
  async run(seq: Sequence, options: SequenceRunOptions = {}): Promise<{ durationMs: number }> {
    const problems = checkSequence(seq);
    if (problems.length > 0) throw new Error(`sequence "${seq.name}" is not valid: ${problems.join('; ')}`);
    const actorId = options.actorId ?? '';
    while (this.#current !== undefined) {
      const cur = this.#current;
      if (!(this.#takeOver[cur.name] ?? []).includes(seq.name)) {
        const error = `sequence "${cur.name}" is running; "${seq.name}" cannot take over, try again when it ends`;
        this.#events?.publish({ type: 'sequence', sequence: seq.name, action: 'noop', error }, { actorId });
        throw new SequenceLockedError(error, { running: cur.name });
      }
      this.#logger.info('sequence takes over', { sequence: seq.name, running: cur.name });
      cur.ac.abort(new SequenceCanceledError(`sequence "${cur.name}" was taken over by "${seq.name}"`));
      await cur.settled;
    }
    const ac = new AbortController();
    const signal = options.signal === undefined ? ac.signal : AbortSignal.any([ac.signal, options.signal]);
    const run = this.#run(seq, { signal, actorId });
    const current: Current = { name: seq.name, ac, settled: run.catch(() => undefined) };
    this.#current = current;
    try {
      return await run;
    } finally {
      if (this.#current === current) this.#current = undefined;
    }
  }

  async #run(seq: Sequence, ctx: { signal: AbortSignal; actorId: string }): Promise<{ durationMs: number }> {
    const t0 = performance.now();
    const log = this.#logger.child({ sequence: seq.name });
    this.#publish({ type: 'sequence', sequence: seq.name, action: 'start' }, ctx.actorId);
    log.info('sequence started');
    try {
      for (const p of seq.phases) {
        if (ctx.signal.aborted) throw canceled(seq.name, ctx.signal);
        await this.#phase(seq.name, p, { ...ctx, log });
      }
      if (ctx.signal.aborted) throw canceled(seq.name, ctx.signal);
    } catch (err) {
      const durationMs = performance.now() - t0;
      const error = err instanceof Error ? err.message : String(err);
      this.#publish({ type: 'sequence', sequence: seq.name, action: 'stop', durationMs, error }, ctx.actorId);
      log.error('sequence failed', { error, durationMs: Math.round(durationMs) });
      throw err;
    }
    const durationMs = performance.now() - t0;
    this.#publish({ type: 'sequence', sequence: seq.name, action: 'stop', durationMs }, ctx.actorId);
    log.info('sequence finished', { durationMs: Math.round(durationMs) });
    return { durationMs };
  }

  async #phase(sequence: string, p: Phase, ctx: { signal: AbortSignal; actorId: string; log: Logger }): Promise<void> {
    const t0 = performance.now();
    this.#publish({ type: 'phase', sequence, phase: p.name, action: 'start' }, ctx.actorId);
    // A failed task aborts its siblings; the phase ends when all of them have.
    const phaseAc = new AbortController();
    const signal = AbortSignal.any([ctx.signal, phaseAc.signal]);
    let failure: SequenceFailedError | undefined;
    await Promise.all(
      p.tasks.map(async (t) => {
        const err = await this.#task(sequence, p.name, t, { ...ctx, signal });
        if (err === undefined || failure !== undefined) return;
        failure = ctx.signal.aborted
          ? undefined
          : new SequenceFailedError(
              `sequence "${sequence}" failed: phase "${p.name}": task "${t.name}" failed: ${message(err)}`,
              {
                sequence,
                phase: p.name,
                task: t.name,
                cause: err,
              },
            );
        phaseAc.abort(failure);
      }),
    );
    const durationMs = performance.now() - t0;
    const error = failure?.message ?? (ctx.signal.aborted ? canceled(sequence, ctx.signal).message : undefined);
    this.#publish(
      { type: 'phase', sequence, phase: p.name, action: 'stop', durationMs, ...(error === undefined ? {} : { error }) },
      ctx.actorId,
    );
    if (failure !== undefined) throw failure;
    if (ctx.signal.aborted) throw canceled(sequence, ctx.signal);
  }

  /** Runs one task; returns its error, if any. */
  async #task(
    sequence: string,
    phase: string,
    t: Task,
    ctx: { signal: AbortSignal; actorId: string; log: Logger },
  ): Promise<unknown> {
    const t0 = performance.now();
    this.#publish({ type: 'task', sequence, phase, task: t.name, action: 'start' }, ctx.actorId);
    const logger = ctx.log.child({ phase, task: t.name });
    let error: unknown;
    try {
      await t.run({ signal: ctx.signal, logger });
    } catch (err) {
      error = err;
    }
    const durationMs = performance.now() - t0;
    const msg = error === undefined ? undefined : message(error);
    this.#publish(
      {
        type: 'task',
        sequence,
        phase,
        task: t.name,
        action: 'stop',
        durationMs,
        ...(msg === undefined ? {} : { error: msg }),
      },
      ctx.actorId,
    );
    return error;
  }

  #publish(payload: Parameters<EventPublisher['publish']>[0], actorId: string): void {
    this.#events?.publish(payload, { actorId });
  }
}

function canceled(sequence: string, signal: AbortSignal): SequenceCanceledError {
  const reason: unknown = signal.reason;
  if (reason instanceof SequenceCanceledError) return reason;
  return new SequenceCanceledError(
    `sequence "${sequence}" was cancelled${reason instanceof Error ? `: ${reason.message}` : ''}`,
  );
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
