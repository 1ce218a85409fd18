// The one way a health wait fails: a check did not pass before the wait timeout (or the wait was
// interrupted); it names the check and carries the check's last error as the cause.

export class HealthCheckError extends Error {
  override readonly name = 'HealthCheckError' as const;
  /** The check that had not passed, in talosctl's words ("etcd to be healthy"). */
  readonly check: string;
  /** True when the wait was stopped by its signal rather than by the timeout. */
  readonly interrupted: boolean;

  constructor(check: string, options: { lastError?: unknown; interrupted?: boolean; timeoutMs?: number }) {
    const interrupted = options.interrupted === true;
    const why = interrupted
      ? 'interrupted'
      : `timed out after ${formatMs(options.timeoutMs ?? 0)}: raise --wait-timeout if the cluster is still converging`;
    super(`waiting for ${check}: ${why}`, options.lastError === undefined ? {} : { cause: options.lastError });
    this.check = check;
    this.interrupted = interrupted;
  }
}

export function isHealthCheckError(err: unknown): err is HealthCheckError {
  return err instanceof Error && err.name === 'HealthCheckError';
}

function formatMs(ms: number): string {
  if (ms < 1000) return `${String(ms)}ms`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${String(s)}s` : `${String(Math.floor(s / 60))}m${String(s % 60)}s`;
}
