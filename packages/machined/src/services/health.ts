// Health checks: a periodic async probe with a timeout. The monitor reports each change of the
// health state (healthy or not, and the message) and nothing in between.
import { setTimeout as sleep } from 'node:timers/promises';

export interface HealthSettings {
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
}

/** Talos's defaults: 1 s initial delay, 5 s period, 500 ms timeout. */
export const DefaultHealthSettings: HealthSettings = { initialDelayMs: 1000, periodMs: 5000, timeoutMs: 500 };

/** Resolves when healthy; rejects (with the reason as message) when not. */
export type HealthCheck = (signal: AbortSignal) => Promise<void>;

export interface HealthResult {
  healthy: boolean;
  message: string;
}

/** Runs `check` until `signal` aborts, calling `onChange` when the result differs from the last. */
export async function monitorHealth(
  check: HealthCheck,
  options: { settings: HealthSettings; signal: AbortSignal; onChange: (r: HealthResult) => void },
): Promise<void> {
  const { settings, signal, onChange } = options;
  let last: HealthResult | undefined;
  let wait = settings.initialDelayMs;
  for (;;) {
    try {
      await sleep(wait, undefined, { signal });
    } catch {
      return;
    }
    wait = settings.periodMs;
    const r = await probe(check, settings.timeoutMs, signal);
    if (signal.aborted) return;
    if (last?.healthy !== r.healthy || last.message !== r.message) onChange(r);
    last = r;
  }
}

/** One check, bounded by `timeoutMs`. */
export async function probe(check: HealthCheck, timeoutMs: number, signal: AbortSignal): Promise<HealthResult> {
  const ac = new AbortController();
  const onAbort = (): void => {
    ac.abort(signal.reason);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<HealthResult>((resolve) => {
    timer = setTimeout(() => {
      ac.abort(new Error('timeout'));
      resolve({ healthy: false, message: `health check timed out after ${timeoutMs} ms` });
    }, timeoutMs);
  });
  const run = check(ac.signal).then(
    (): HealthResult => ({ healthy: true, message: 'health check successful' }),
    (err: unknown): HealthResult => ({
      healthy: false,
      message: `health check failed: ${err instanceof Error ? err.message : String(err)}`,
    }),
  );
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
