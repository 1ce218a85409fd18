// Waits until a cluster is healthy: the checks run in order, each retried until it passes or the
// wait timeout (shared by all checks) runs out. Used by `osctl health` and, through the same
// function, by whatever provisions a cluster and must wait for it.
import { setTimeout as sleep } from 'node:timers/promises';
import { checkEtcdConsistent, checkEtcdHealthy, checkEtcdMembersAreControlPlanes } from './etcd-checks.ts';
import type { CheckContext, HealthClient, HealthNodes } from './health-client.ts';
import { HealthCheckError } from './health-error.ts';
import { checkApidReady, checkBootFinished, checkServicesHealthy } from './node-checks.ts';

export interface HealthCheck {
  /** Printed as "waiting for NAME: ..." (talosctl's wording). */
  name: string;
  run: (ctx: CheckContext) => Promise<void>;
}

/** The checks, in the order they run. */
export const defaultHealthChecks: readonly HealthCheck[] = [
  { name: 'apid to be ready', run: checkApidReady },
  { name: 'all nodes to finish boot sequence', run: checkBootFinished },
  { name: 'all services to be healthy', run: checkServicesHealthy },
  { name: 'etcd to be healthy', run: checkEtcdHealthy },
  { name: 'etcd members to be consistent across nodes', run: checkEtcdConsistent },
  { name: 'etcd members to be control plane nodes', run: checkEtcdMembersAreControlPlanes },
];

export type HealthProgress =
  { kind: 'start'; check: string } | { kind: 'retry'; check: string; error: Error } | { kind: 'pass'; check: string };

export interface WaitHealthyOptions extends HealthNodes {
  /** The whole wait, all checks together (ms). */
  timeout: number;
  signal?: AbortSignal;
  onProgress?: (event: HealthProgress) => void;
  /** Pause between attempts of a check (ms, default 1000). */
  interval?: number;
  /** Longest a single attempt may take (ms, default 10000). */
  attemptTimeout?: number;
  checks?: readonly HealthCheck[];
}

// a function, so the compiler does not narrow `aborted` across the awaits in between
function stopped(signal: AbortSignal): boolean {
  return signal.aborted;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Resolves when every check passed; throws HealthCheckError naming the check that had not passed
 * when the timeout ran out (its last error as the cause) or when `signal` aborted.
 */
export async function waitHealthy(client: HealthClient, options: WaitHealthyOptions): Promise<void> {
  const deadline = AbortSignal.timeout(options.timeout);
  const stop = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const interval = options.interval ?? 1000;
  const attemptTimeout = options.attemptTimeout ?? 10_000;
  for (const check of options.checks ?? defaultHealthChecks) {
    options.onProgress?.({ kind: 'start', check: check.name });
    let lastError: Error | undefined;
    for (;;) {
      const failed = (): HealthCheckError =>
        new HealthCheckError(check.name, {
          ...(lastError === undefined ? {} : { lastError }),
          interrupted: options.signal?.aborted === true,
          timeoutMs: options.timeout,
        });
      if (stop.aborted) throw failed();
      const signal = AbortSignal.any([stop, AbortSignal.timeout(attemptTimeout)]);
      const ctx: CheckContext = { ...options, client, signal };
      try {
        await check.run(ctx);
        break;
      } catch (err) {
        if (stopped(stop)) throw failed();
        lastError = signal.aborted
          ? new Error(`no answer within ${String(attemptTimeout)}ms`, { cause: err })
          : asError(err);
        options.onProgress?.({ kind: 'retry', check: check.name, error: lastError });
      }
      try {
        await sleep(interval, undefined, { signal: stop });
      } catch {
        throw failed();
      }
    }
    options.onProgress?.({ kind: 'pass', check: check.name });
  }
}
