// Restart policies and their backoff: the delay doubles after each failed run, up to a cap, and
// starts over once a run has lasted long enough to count as healthy.

export type RestartPolicy = 'always' | 'on-failure' | 'never';

export interface BackoffSettings {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** A run lasting this long resets the backoff. */
  resetAfterMs: number;
}

export const DefaultBackoff: BackoffSettings = { initialMs: 500, maxMs: 30_000, factor: 2, resetAfterMs: 60_000 };

/** Delay before restart number `attempt` (0 for the first restart). */
export function backoffDelay(attempt: number, settings: BackoffSettings): number {
  const d = settings.initialMs * settings.factor ** Math.max(0, attempt);
  return Math.min(settings.maxMs, Number.isFinite(d) ? d : settings.maxMs);
}

/** Whether a run that ended so (`ok` for exit 0) is followed by a restart. */
export function shouldRestart(policy: RestartPolicy, ok: boolean): boolean {
  switch (policy) {
    case 'always':
      return true;
    case 'on-failure':
      return !ok;
    case 'never':
      return false;
  }
}
