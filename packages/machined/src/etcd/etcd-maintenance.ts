// Maintenance of the local member, as the EtcdStatus, EtcdDefragment and EtcdAlarm* RPCs serve it.
import type { EtcdAlarm, EtcdClient, EtcdStatus } from './etcd-client.ts';

export type { EtcdStatus };

/** Status of the member `client` talks to. */
export function memberStatus(client: EtcdClient, options: { signal?: AbortSignal } = {}): Promise<EtcdStatus> {
  return client.status(options);
}

/** Defragments the member's backend (blocks its reads and writes while it runs). */
export function defragment(client: EtcdClient, options: { signal?: AbortSignal } = {}): Promise<void> {
  return client.defragment(options);
}

/** Active alarms of the whole cluster. */
export async function alarmList(client: EtcdClient, options: { signal?: AbortSignal } = {}): Promise<EtcdAlarm[]> {
  return (await client.alarmList(options)).filter((a) => a.alarm !== 'NONE');
}

/** Clears every active alarm, one by one; returns those it cleared. */
export async function alarmDisarm(client: EtcdClient, options: { signal?: AbortSignal } = {}): Promise<EtcdAlarm[]> {
  const active = await alarmList(client, options);
  for (const alarm of active) await client.alarmDisarm(alarm, options);
  return active;
}
