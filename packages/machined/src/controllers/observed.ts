// A value outside the resource state (the sequencer's stage, the supervisor's services) that a
// controller reads and is woken by. Controllers take these instead of the objects themselves, so
// their tests drive them with a plain ObservedValue.
export interface Observed<T> {
  get(): T;
  /** Calls `onChange` after each change until `signal` aborts. */
  watch(onChange: () => void, signal: AbortSignal): void;
}

export class ObservedValue<T> implements Observed<T> {
  #value: T;
  readonly #listeners = new Set<() => void>();

  constructor(initial: T) {
    this.#value = initial;
  }

  get(): T {
    return this.#value;
  }

  set(value: T): void {
    this.#value = value;
    for (const l of [...this.#listeners]) l();
  }

  watch(onChange: () => void, signal: AbortSignal): void {
    if (signal.aborted) return;
    this.#listeners.add(onChange);
    signal.addEventListener(
      'abort',
      () => {
        this.#listeners.delete(onChange);
      },
      { once: true },
    );
  }
}
