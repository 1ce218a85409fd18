// Wake-ups for readers waiting on a producer (log rings, event rings, services waiting on others).
// A waiter is registered only while it waits, and removed when woken, timed out or aborted, so a
// reader that goes away leaves nothing behind.

export type Waiters = Set<() => void>;

/**
 * Resolves at the next wake-up of `waiters`, after `timeoutMs` when given, or when `signal` aborts;
 * never rejects.
 */
export function waitForChange(waiters: Waiters, signal: AbortSignal, timeoutMs?: number): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(timer);
      waiters.delete(done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    waiters.add(done);
    signal.addEventListener('abort', done, { once: true });
    if (timeoutMs !== undefined) timer = setTimeout(done, timeoutMs);
  });
}

/** Wakes every waiter. */
export function wakeAll(waiters: Waiters): void {
  if (waiters.size === 0) return;
  for (const wake of [...waiters]) wake();
  waiters.clear();
}
