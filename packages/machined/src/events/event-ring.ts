// The runtime event ring: the last `capacity` (1000) events with sortable ids, read by tail count,
// since an id or by age, and followed live. Publishing never waits: a subscriber only holds a
// cursor, and one that falls more than `maxLag` events behind gets EventsLaggedError (naming the
// last id it saw, so it can resubscribe with `sinceId`) instead of slowing anyone down.
import { wakeAll, waitForChange, type Waiters } from '../log/waiters.ts';
import { EventQueryError, EventsLaggedError } from './event-errors.ts';
import type { EventPublisher, RuntimeEvent, RuntimeEventPayload } from './runtime-event.ts';
import { UlidFactory, isUlid } from './ulid.ts';

export interface EventQuery {
  /** Past events to start with: a count (negative for all retained); none unless told. */
  tailEvents?: number;
  /** Start after the event with this id (ids sort in time). Wins over the others. */
  sinceId?: string;
  /** Start with events at most this many seconds old. Wins over tailEvents. */
  tailSeconds?: number;
  /** Only events of this actor. */
  actorId?: string;
}

export interface EventSubscribeOptions extends EventQuery {
  signal: AbortSignal;
  /** How far behind the newest event a subscriber may fall; the ring's capacity unless told. */
  maxLag?: number;
}

export interface EventRingOptions {
  capacity?: number;
  now?: () => number;
}

export class EventRing implements EventPublisher {
  readonly capacity: number;
  readonly #buf: (RuntimeEvent | undefined)[];
  readonly #ids: UlidFactory;
  readonly #now: () => number;
  readonly #waiters: Waiters = new Set();
  #next = 0;

  constructor(options: EventRingOptions = {}) {
    this.capacity = options.capacity ?? 1000;
    this.#now = options.now ?? Date.now;
    this.#ids = new UlidFactory({ now: this.#now });
    this.#buf = new Array<RuntimeEvent | undefined>(this.capacity);
  }

  get #first(): number {
    return Math.max(0, this.#next - this.capacity);
  }

  /** Events retained. */
  get size(): number {
    return this.#next - this.#first;
  }

  /** Subscribers waiting for an event right now. */
  get waiting(): number {
    return this.#waiters.size;
  }

  publish(payload: RuntimeEventPayload, options: { actorId?: string } = {}): RuntimeEvent {
    // Times never go back, so that ages can be searched like ids.
    const time = Math.max(this.#now(), this.#at(this.#next - 1)?.time ?? 0);
    const event: RuntimeEvent = { id: this.#ids.next(), time, actorId: options.actorId ?? '', payload };
    this.#buf[this.#next % this.capacity] = event;
    this.#next++;
    wakeAll(this.#waiters);
    return event;
  }

  /** Retained events matching the query (with no start option: none). */
  list(query: EventQuery): RuntimeEvent[] {
    const out: RuntimeEvent[] = [];
    for (let seq = this.#start(query); seq < this.#next; seq++) {
      const e = this.#at(seq);
      if (e !== undefined && matches(e, query)) out.push(e);
    }
    return out;
  }

  /**
   * Yields the events the query selects, then new ones until `signal` aborts. The starting point is
   * fixed by this call. Throws EventsLaggedError when the subscriber falls behind by over `maxLag`.
   */
  subscribe(options: EventSubscribeOptions): AsyncGenerator<RuntimeEvent, void, undefined> {
    const maxLag = Math.min(options.maxLag ?? this.capacity, this.capacity);
    return this.#follow(this.#start(options), { ...options, maxLag });
  }

  async *#follow(
    from: number,
    options: EventSubscribeOptions & { maxLag: number },
  ): AsyncGenerator<RuntimeEvent, void, undefined> {
    const { signal, maxLag } = options;
    let seq = from;
    let lastId = seq > 0 ? (this.#at(seq - 1)?.id ?? '') : '';
    while (!signal.aborted) {
      if (seq < this.#next) {
        if (this.#next - seq > maxLag || seq < this.#first) {
          throw new EventsLaggedError(
            `event subscriber fell ${this.#next - seq} events behind (limit ${maxLag}); resubscribe with sinceId ${lastId || '(none)'} and read faster`,
            { lastId },
          );
        }
        const e = this.#at(seq++);
        if (e === undefined) continue;
        lastId = e.id;
        if (matches(e, options)) yield e;
        continue;
      }
      await waitForChange(this.#waiters, signal);
    }
  }

  #at(seq: number): RuntimeEvent | undefined {
    return seq >= this.#first && seq < this.#next ? this.#buf[seq % this.capacity] : undefined;
  }

  #start(query: EventQuery): number {
    const { sinceId, tailSeconds, tailEvents } = query;
    if (sinceId !== undefined) {
      if (!isUlid(sinceId))
        throw new EventQueryError(
          `event id "${sinceId}" is not an event id (26 base32 characters); pass an id from an earlier event`,
        );
      return this.#firstWhere((e) => e.id > sinceId);
    }
    if (tailSeconds !== undefined) {
      if (!(tailSeconds >= 0)) throw new EventQueryError(`tail seconds must be zero or more, got ${tailSeconds}`);
      const since = this.#now() - tailSeconds * 1000;
      return this.#firstWhere((e) => e.time >= since);
    }
    if (tailEvents === undefined || tailEvents === 0) return this.#next;
    if (tailEvents < 0) return this.#first;
    return Math.max(this.#first, this.#next - Math.floor(tailEvents));
  }

  /** The first retained seq whose event satisfies a predicate monotone in seq (binary search). */
  #firstWhere(pred: (e: RuntimeEvent) => boolean): number {
    let lo = this.#first;
    let hi = this.#next;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const e = this.#at(mid);
      if (e !== undefined && pred(e)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

function matches(e: RuntimeEvent, query: EventQuery): boolean {
  return query.actorId === undefined || query.actorId === '' || e.actorId === query.actorId;
}
