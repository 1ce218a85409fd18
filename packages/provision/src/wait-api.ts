// Readiness of a process cluster until etcd bootstrap exists: every node's apid answers Version
// over mutual TLS with the cluster's admin certificate.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createClient,
  dial,
  machineApi,
  mutualTlsChannelCredentials,
  parsePrivateKeyPem,
  type TlsMaterial,
} from '@bronze/machinery';

export const ApidPort = 50000;

/** One Version call to `address:50000`; resolves with the node's tag or rejects with why not. */
export async function callVersion(
  address: string,
  tls: TlsMaterial,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<string> {
  const channel = dial(`${address}:${ApidPort}`, { credentials: mutualTlsChannelCredentials(opensslTls(tls)) });
  try {
    const machine = createClient(machineApi.MachineService, channel);
    const reply = await machine.version(
      {},
      { deadline: new Date(Date.now() + options.timeoutMs), ...(options.signal ? { signal: options.signal } : {}) },
    );
    return reply.messages[0]?.version?.tag ?? '';
  } finally {
    channel.close();
  }
}

export interface WaitApiOptions {
  tls: TlsMaterial;
  deadline: number;
  /** Checked between attempts: a reason to stop waiting (the process died), or undefined. */
  fatal: () => Promise<string | undefined>;
  /** Called after each failed attempt with the reason the node did not answer. */
  onWaiting: (reason: string, elapsedMs: number) => void;
  signal?: AbortSignal;
}

export type WaitResult = { ok: true; tag: string; ms: number } | { ok: false; reason: string };

export async function waitForApi(address: string, options: WaitApiOptions): Promise<WaitResult> {
  const started = Date.now();
  let reason = 'no answer yet';
  for (;;) {
    options.signal?.throwIfAborted();
    const fatal = await options.fatal();
    if (fatal !== undefined) return { ok: false, reason: fatal };
    const left = options.deadline - Date.now();
    if (left <= 0)
      return { ok: false, reason: `no answer from apid on ${address}:${ApidPort} in time (last: ${reason})` };
    try {
      const tag = await callVersion(address, options.tls, {
        timeoutMs: Math.min(left, 2000),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return { ok: true, tag, ms: Date.now() - started };
    } catch (err) {
      options.signal?.throwIfAborted();
      reason = shortReason(err);
    }
    options.onWaiting(reason, Date.now() - started);
    await sleep(200, undefined, options.signal ? { signal: options.signal } : {});
  }
}

/**
 * The talosconfig holds keys under Talos's PEM labels (`ED25519 PRIVATE KEY`), which OpenSSL does
 * not read; TLS gets the same key as PKCS#8.
 */
export function opensslTls(tls: TlsMaterial): TlsMaterial {
  const key = parsePrivateKeyPem(tls.key.toString()).privateKey.export({ format: 'pem', type: 'pkcs8' });
  return { ...tls, key };
}

/** The first line of a call failure, without grpc-js's empty resolution note. */
function shortReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n')[0] ?? text)
    .replace(/\.? ?Resolution note: ?$/, '')
    .replace(/^\/machine\.MachineService\/Version: /, '');
}
