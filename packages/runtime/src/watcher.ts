// A watcher: first any bootstrap events, then the kind's changes from its cursor on, filtered to
// the resource or labels it asked for. Falling out of the history ends it with one Errored event.
import { WatchOverflowError } from './errors.ts';
import type { KindLog } from './kind-log.ts';
import type { WatchEvent, Watcher } from './state.ts';

export interface LogWatcherOptions {
  /** Events delivered before the log (bootstrap contents and marker). */
  initial: WatchEvent[];
  /** The last revision already covered; changes after it are delivered. */
  cursor: number;
  filter: ((ev: WatchEvent) => boolean) | undefined;
  signal: AbortSignal | undefined;
  describe: string;
}

const done: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

export class LogWatcher<S> implements Watcher<S> {
  readonly #log: KindLog;
  readonly #filter: ((ev: WatchEvent) => boolean) | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #describe: string;
  #initial: WatchEvent[];
  #initialAt = 0;
  #cursor: number;
  #closed = false;
  #resolve: ((r: IteratorResult<WatchEvent<S>>) => void) | undefined;

  constructor(log: KindLog, options: LogWatcherOptions) {
    this.#log = log;
    this.#filter = options.filter;
    this.#signal = options.signal;
    this.#describe = options.describe;
    this.#initial = options.initial;
    this.#cursor = options.cursor;
    if (this.#signal?.aborted === true) this.#closed = true;
    else this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<WatchEvent<S>>> {
    if (this.#closed) return Promise.resolve(done);
    if (this.#resolve !== undefined)
      return Promise.reject(new Error('watcher: next() called while another is pending'));
    const ev = this.#take();
    if (ev !== undefined) return Promise.resolve({ done: false, value: ev });
    return new Promise((resolve) => {
      this.#resolve = resolve;
      this.#log.waitOnce(this.#wake);
    });
  }

  return(): Promise<IteratorResult<WatchEvent<S>>> {
    this.close();
    return Promise.resolve(done);
  }

  close(): void {
    this.#detach();
    const resolve = this.#resolve;
    this.#resolve = undefined;
    resolve?.(done);
  }

  /** Ends the watch but leaves a pending next() to the caller (which delivers a last event). */
  #detach(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#initial = [];
    this.#initialAt = 0;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#log.cancelWait(this.#wake);
  }

  readonly #onAbort = (): void => {
    this.close();
  };

  readonly #wake = (): void => {
    const resolve = this.#resolve;
    if (resolve === undefined || this.#closed) return;
    const ev = this.#take();
    if (ev === undefined) {
      this.#log.waitOnce(this.#wake);
      return;
    }
    this.#resolve = undefined;
    resolve({ done: false, value: ev });
  };

  #take(): WatchEvent<S> | undefined {
    if (this.#initialAt < this.#initial.length) {
      const ev = this.#initial[this.#initialAt++];
      if (this.#initialAt === this.#initial.length) {
        this.#initial = [];
        this.#initialAt = 0;
      }
      if (ev?.type === 'errored') this.#detach();
      return ev as WatchEvent<S>;
    }
    const log = this.#log;
    while (this.#cursor < log.revision) {
      if (this.#cursor + 1 < log.oldest) return this.#overflow();
      const ev = log.at(++this.#cursor);
      if (this.#filter === undefined || this.#filter(ev)) return ev as WatchEvent<S>;
    }
    return undefined;
  }

  #overflow(): WatchEvent<S> {
    const error = new WatchOverflowError(
      `watch of ${this.#describe} fell behind: it is at revision ${this.#cursor} but the history keeps ` +
        `${this.#log.oldest}..${this.#log.revision}; read events faster, or watch again with bootstrap`,
    );
    this.#detach();
    return { type: 'errored', error };
  }
}

/** A watcher that delivers one Errored event and ends. */
export function erroredWatcher<S>(
  log: KindLog,
  options: { error: Error; signal: AbortSignal | undefined },
): LogWatcher<S> {
  return new LogWatcher<S>(log, {
    initial: [{ type: 'errored', error: options.error }],
    cursor: Number.POSITIVE_INFINITY,
    filter: undefined,
    signal: options.signal,
    describe: '',
  });
}
