// Wake-ups for readers waiting on a producer (log rings, event rings). A waiter is registered only
// while it waits, and removed when woken or aborted, so a reader that goes away leaves nothing.

export type Waiters = Set<() => void>;

/** Resolves at the next wake-up of `waiters` or when `signal` aborts (never rejects). */
export function waitForChange(waiters: Waiters, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => {
      waiters.delete(done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    waiters.add(done);
    signal.addEventListener('abort', done, { once: true });
  });
}
