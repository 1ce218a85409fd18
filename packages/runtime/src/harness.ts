// A test harness for controllers: the real engine over in-memory state, an `eventually` to
// assert on, and a stop that leaves nothing running.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Controller } from './controller.ts';
import { Engine } from './engine.ts';
import { recordingLogger, type LogEntry, type Logger } from './logger.ts';
import { MemoryState } from './memory-state.ts';
import type { Backoff } from './runner.ts';
import type { State } from './state.ts';

export interface HarnessOptions {
  controllers: readonly Controller[];
  /** Defaults to a fresh MemoryState. */
  state?: State;
  /** Defaults to quick restarts (5 ms doubling up to 50 ms). */
  backoff?: Backoff;
}

export interface EventuallyOptions {
  /** Default 2000 ms. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface Harness {
  readonly state: State;
  readonly engine: Engine;
  readonly logger: Logger & { readonly entries: LogEntry[] };
  /** Retries `check` until it stops throwing; past the timeout, throws its last error. */
  eventually<T>(check: () => T | Promise<T>, options?: EventuallyOptions): Promise<T>;
  stop(): Promise<void>;
}

export function startHarness(options: HarnessOptions): Harness {
  const state = options.state ?? new MemoryState();
  const logger = recordingLogger();
  const engine = new Engine(state, { logger, backoff: options.backoff ?? { initialMs: 5, maxMs: 50 } });
  engine.register(...options.controllers);
  engine.start();
  return { state, engine, logger, eventually, stop: () => engine.stop() };
}

export async function eventually<T>(check: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<T> {
  const deadline = performance.now() + (options.timeoutMs ?? 2000);
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (performance.now() >= deadline) throw err;
    }
    await sleep(2, undefined, options.signal === undefined ? {} : { signal: options.signal });
  }
}
