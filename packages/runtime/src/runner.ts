// Runs one controller: coalesces its wakes, and restarts its run loop with exponential backoff
// (capped) when it throws, logging each failure.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Controller } from './controller.ts';
import { EngineContext, type WakeSource } from './controller-context.ts';
import type { Logger } from './logger.ts';
import { pointerKey, type Pointer } from './resource.ts';
import type { State } from './state.ts';

export interface Backoff {
  /** First restart delay (default 100 ms). */
  initialMs?: number;
  /** Longest delay (default 30 s). */
  maxMs?: number;
  /** A run that lasted this long starts the next backoff from the beginning (default 60 s). */
  resetAfterMs?: number;
}

export class Runner implements WakeSource {
  readonly controller: Controller;
  readonly #state: State;
  readonly #logger: Logger;
  readonly #backoff: Required<Backoff>;
  #pending = new Map<string, Pointer>();
  #dirty = true;
  #wake: (() => void) | undefined;

  constructor(controller: Controller, options: { state: State; logger: Logger; backoff: Backoff }) {
    this.controller = controller;
    this.#state = options.state;
    this.#logger = options.logger.child({ controller: controller.name });
    this.#backoff = {
      initialMs: options.backoff.initialMs ?? 100,
      maxMs: options.backoff.maxMs ?? 30_000,
      resetAfterMs: options.backoff.resetAfterMs ?? 60_000,
    };
  }

  /** Marks a change (or, without a pointer, asks for a pass) and wakes the loop if it waits. */
  touch(pointer?: Pointer): void {
    if (pointer !== undefined) this.#pending.set(pointerKey(pointer), pointer);
    this.#dirty = true;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  queueReconcile(): void {
    this.touch();
  }

  async *changes(signal: AbortSignal): AsyncGenerator<ReadonlyMap<string, Pointer>> {
    while (!signal.aborted) {
      if (!this.#dirty) {
        await this.#waitWake(signal);
        continue;
      }
      this.#dirty = false;
      const batch = this.#pending;
      this.#pending = new Map();
      yield batch;
    }
  }

  #waitWake(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        if (this.#wake === done) this.#wake = undefined;
        resolve();
      };
      this.#wake = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Runs until `signal` aborts or the controller returns by itself. */
  async run(signal: AbortSignal): Promise<void> {
    const { initialMs, maxMs, resetAfterMs } = this.#backoff;
    let delay = initialMs;
    while (!signal.aborted) {
      const started = performance.now();
      const ctx = new EngineContext(this.controller, {
        state: this.#state,
        signal,
        logger: this.#logger,
        wakes: this,
      });
      try {
        await this.controller.run(ctx);
        if (!aborted(signal)) this.#logger.info('controller returned; it is not restarted');
        return;
      } catch (err) {
        if (aborted(signal)) return;
        if (performance.now() - started >= resetAfterMs) delay = initialMs;
        this.#logger.error('controller failed; restarting', { error: err, restartInMs: delay });
      }
      try {
        await sleep(delay, undefined, { signal });
      } catch {
        return; // aborted while waiting
      }
      delay = Math.min(delay * 2, maxMs);
      this.touch();
    }
  }
}

/** Read through a call, so that the compiler does not assume it is unchanged across an await. */
function aborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
