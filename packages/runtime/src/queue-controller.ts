// A controller that reconciles one item at a time: changed inputs queue items (deduplicated), a
// failing item is retried with its own backoff, and an item can ask to come back after a delay.
import type { Controller, ControllerContext, Input, Output } from './controller.ts';
import { pointerKey, type Pointer } from './resource.ts';

export interface QueueResult {
  /** Reconcile this item again after so many milliseconds. */
  requeueAfterMs?: number;
}

export interface QueueControllerOptions {
  name: string;
  inputs: readonly Input[];
  outputs: readonly Output[];
  /** Which items a changed input resource queues (default: the resource itself). */
  map?: (changed: Pointer) => readonly Pointer[];
  reconcile: (ctx: ControllerContext, item: Pointer) => Promise<QueueResult | undefined>;
  /** Items reconciled at once (default 1). */
  concurrency?: number;
  /** Retry delays of a failing item (defaults 100 ms doubling up to 30 s). */
  retry?: { initialMs?: number; maxMs?: number };
}

export function queueController(options: QueueControllerOptions): Controller {
  return {
    name: options.name,
    inputs: options.inputs,
    outputs: options.outputs,
    run: (ctx) => new ItemQueue(options, ctx).run(),
  };
}

class ItemQueue {
  readonly #options: QueueControllerOptions;
  readonly #ctx: ControllerContext;
  readonly #queued = new Map<string, Pointer>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #failures = new Map<string, number>();

  constructor(options: QueueControllerOptions, ctx: ControllerContext) {
    this.#options = options;
    this.#ctx = ctx;
  }

  async run(): Promise<void> {
    const map = this.#options.map ?? ((p: Pointer) => [p]);
    const clear = (): void => {
      for (const t of this.#timers.values()) clearTimeout(t);
      this.#timers.clear();
    };
    this.#ctx.signal.addEventListener('abort', clear, { once: true });
    try {
      for await (const batch of this.#ctx.changes()) {
        for (const changed of batch.values()) for (const item of map(changed)) this.#queued.set(pointerKey(item), item);
        const workers = Array.from({ length: Math.max(1, this.#options.concurrency ?? 1) }, () => this.#work());
        await Promise.all(workers);
      }
    } finally {
      clear();
      this.#ctx.signal.removeEventListener('abort', clear);
    }
  }

  async #work(): Promise<void> {
    while (!this.#ctx.signal.aborted) {
      const next = this.#queued.entries().next();
      if (next.done === true) return;
      const [key, item] = next.value;
      this.#queued.delete(key);
      let delay: number | undefined;
      try {
        delay = (await this.#options.reconcile(this.#ctx, item))?.requeueAfterMs;
        this.#failures.delete(key);
      } catch (err) {
        const n = (this.#failures.get(key) ?? 0) + 1;
        this.#failures.set(key, n);
        const { initialMs = 100, maxMs = 30_000 } = this.#options.retry ?? {};
        delay = Math.min(initialMs * 2 ** (n - 1), maxMs);
        this.#ctx.logger.error('item failed; retrying', {
          item: key.replaceAll('\u0000', '/'),
          error: err,
          retryInMs: delay,
        });
      }
      if (delay !== undefined) this.#later(key, item, delay);
    }
  }

  #later(key: string, item: Pointer, delayMs: number): void {
    if (this.#ctx.signal.aborted) return;
    clearTimeout(this.#timers.get(key));
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.#queued.set(key, item);
      this.#ctx.queueReconcile();
    }, delayMs);
    this.#timers.set(key, timer);
  }
}
