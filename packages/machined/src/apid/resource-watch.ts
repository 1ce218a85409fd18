// Follows one resource on machined's socket (cosi.resource.State Watch) and reports its spec, parsed
// from the YAML machined sends, every time it changes. machined may not be up yet or may restart: the
// watch is re-opened with a capped backoff, and the first failure of each kind is logged so an
// operator sees what apid or trustd is waiting for.
import type { Client } from '@grpc/grpc-js';
import { Metadata } from '@grpc/grpc-js';
import { AuthzRole, cosiStateApi, createClient, RoleMetadataKey } from '@bronze/machinery';
import type { Logger } from '@bronze/runtime';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'yaml';

export interface ResourceRef {
  namespace: string;
  type: string;
  id: string;
}

export interface WatchResourceOptions {
  /** Called with the spec (a plain object) on every change, and `undefined` when it does not exist. */
  onChange: (spec: unknown) => void;
  signal: AbortSignal;
  logger: Logger;
  /** The longest pause between attempts to reach machined (default 2 s). */
  maxBackoffMs?: number;
}

const EventType = { created: 0, updated: 1, destroyed: 2, bootstrapped: 3, errored: 4 } as const;

/** Watches `ref` on `channel` until `signal` aborts; never throws except for the abort. */
export async function watchResource(channel: Client, ref: ResourceRef, options: WatchResourceOptions): Promise<void> {
  const state = createClient(cosiStateApi.State, channel);
  const what = `${ref.type} ${ref.namespace}/${ref.id}`;
  let backoff = 50;
  let lastProblem = '';
  const stopped = (): boolean => options.signal.aborted;
  while (!stopped()) {
    // apid and trustd read sensitive resources: machined trusts roles in metadata on its socket.
    const metadata = new Metadata();
    metadata.set(RoleMetadataKey, AuthzRole.admin);
    try {
      const events = state.watch(
        { namespace: ref.namespace, type: ref.type, id: ref.id, apiVersion: 1, options: { bootstrapContents: true } },
        { signal: options.signal, metadata },
      );
      for await (const response of events) {
        for (const event of response.event) {
          if (event.eventType === EventType.errored) throw new Error(`watch of ${what} failed: ${event.error ?? ''}`);
          if (event.eventType === EventType.bootstrapped) continue;
          if (event.eventType === EventType.destroyed) options.onChange(undefined);
          else options.onChange(parse(event.resource?.spec?.yamlSpec ?? '') as unknown);
          backoff = 50;
          lastProblem = '';
        }
      }
      throw new Error(`machined ended the watch of ${what}`);
    } catch (err) {
      if (stopped()) return;
      const problem = err instanceof Error ? err.message : String(err);
      if (problem !== lastProblem) options.logger.warn(`waiting for ${what} from machined`, { error: problem });
      lastProblem = problem;
    }
    await sleep(backoff, undefined, { signal: options.signal }).catch(() => undefined);
    backoff = Math.min(backoff * 2, options.maxBackoffMs ?? 2000);
  }
}

/** PEM text from a spec value: PEM as is, or base64 of PEM (as Go's YAML writes []byte). */
export function pemOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (value.includes('-----BEGIN')) return value;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  return decoded.includes('-----BEGIN') ? decoded : undefined;
}
