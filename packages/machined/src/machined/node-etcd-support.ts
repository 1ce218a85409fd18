// Small helpers of machined's etcd wiring: where the other members are, test-only health
// settings, and waits.
import { stat } from 'node:fs/promises';
import type { ConfigBundle } from '@bronze/machinery';
import { osPkiOf } from '../controllers/config-facts.ts';

/**
 * Where the other members are: the control-plane endpoint's host (on the process platform the
 * first control plane), plus BRONZE_ETCD_ENDPOINTS (comma-separated addresses), minus this node.
 */
export function etcdPeerHosts(config: ConfigBundle, self: string): string[] {
  const host = osPkiOf(config)?.controlPlaneHost;
  const extra = (process.env.BRONZE_ETCD_ENDPOINTS ?? '').split(',').map((s) => s.trim());
  return [...new Set([host ?? '', ...extra])].filter((h) => h !== '' && h !== self);
}

/** Health settings: Talos's unless BRONZE_ETCD_HEALTH_PERIOD_MS asks for faster checks (tests). */
export function healthOverride(): { initialDelayMs: number; periodMs: number } | undefined {
  const ms = Number(process.env.BRONZE_ETCD_HEALTH_PERIOD_MS ?? '');
  return Number.isFinite(ms) && ms > 0 ? { initialDelayMs: ms, periodMs: ms } : undefined;
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
