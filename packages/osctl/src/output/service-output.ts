// How services print: the list (talosctl's columns) and one service's status with its events.
import { timestampDate, type machineApi, type Timestamp } from '@bronze/machinery';
import { formatTable } from './table.ts';
import { goDuration } from './units.ts';

export function healthText(info: machineApi.ServiceInfo): string {
  if (info.health === undefined || info.health.unknown) return '?';
  return info.health.healthy ? 'OK' : 'Fail';
}

function ago(ts: Timestamp | undefined, now: Date): string {
  return ts === undefined ? '' : `${goDuration(now.getTime() - timestampDate(ts).getTime())} ago`;
}

export function formatServiceList(rows: { node: string; service: machineApi.ServiceInfo }[], now: Date): string {
  return formatTable(
    ['NODE', 'SERVICE', 'STATE', 'HEALTH', 'LAST CHANGE', 'LAST EVENT'],
    rows.map(({ node, service }) => {
      const events = service.events?.events ?? [];
      return [
        node,
        service.id,
        service.state,
        healthText(service),
        ago(service.health?.lastChange, now),
        events.at(-1)?.msg ?? '',
      ];
    }),
  );
}

/** One service as `NODE`, `ID`, `STATE`, `HEALTH`, `LAST HEALTH MESSAGE` and `EVENTS` rows, newest event first. */
export function formatServiceStatus(node: string, service: machineApi.ServiceInfo, now: Date): string {
  const rows: [string, string][] = [
    ['NODE', node],
    ['ID', service.id],
    ['STATE', service.state],
    ['HEALTH', healthText(service)],
  ];
  const last = service.health?.lastMessage ?? '';
  if (last !== '') rows.push(['LAST HEALTH MESSAGE', last]);
  const events = [...(service.events?.events ?? [])].reverse();
  events.forEach((e, i) => {
    rows.push([i === 0 ? 'EVENTS' : '', `[${e.state}]: ${e.msg} (${ago(e.ts, now)})`]);
  });
  const width = Math.max(...rows.map(([k]) => k.length)) + 3;
  return rows.map(([k, v]) => `${k.padEnd(width)}${v}`.trimEnd()).join('\n') + '\n';
}
