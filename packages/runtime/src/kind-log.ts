// The resources of one kind and a bounded ring of its latest changes. Watchers read the ring with
// their own cursor, so a writer never waits for a watcher and memory stays bounded however slow one is.
import type { Resource } from './resource.ts';
import type { WatchEvent } from './state.ts';

export type ChangeEvent = Exclude<WatchEvent, { type: 'bootstrapped' } | { type: 'errored' }>;

export class KindLog {
  readonly resources = new Map<string, Resource>();
  #revision = 0;
  readonly #ring: (ChangeEvent | undefined)[];
  readonly #capacity: number;
  #waiters: (() => void)[] = [];

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`history capacity ${capacity} must be a positive integer`);
    this.#capacity = capacity;
    this.#ring = new Array<ChangeEvent | undefined>(capacity);
  }

  get revision(): number {
    return this.#revision;
  }

  /** The oldest revision still kept (revision + 1 when nothing is kept yet). */
  get oldest(): number {
    return Math.max(1, this.#revision - this.#capacity + 1);
  }

  /** Records a change (the caller has already applied it to `resources`) and wakes the waiters. */
  append(make: (revision: number) => ChangeEvent): void {
    const rev = ++this.#revision;
    this.#ring[rev % this.#capacity] = make(rev);
    if (this.#waiters.length === 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  /** The change with this revision; the caller checks `oldest <= revision <= this.revision`. */
  at(revision: number): ChangeEvent {
    const ev = this.#ring[revision % this.#capacity];
    if (ev === undefined) throw new Error(`kind log: revision ${revision} is not kept`);
    return ev;
  }

  /** Calls `wake` once, at the next append (a watcher registers at most once at a time). */
  waitOnce(wake: () => void): void {
    this.#waiters.push(wake);
  }

  cancelWait(wake: () => void): void {
    const i = this.#waiters.indexOf(wake);
    if (i >= 0) this.#waiters.splice(i, 1);
  }
}
