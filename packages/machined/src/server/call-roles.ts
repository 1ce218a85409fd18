// Authorization on machined's socket: the caller's roles come from the `talos-role` metadata apid
// sets; a call without it was made by a local tool (only apid and root-owned tools can open the
// 0600 socket) and is trusted as os:admin.
import { ApiError, RoleMetadataKey, type CallContext } from '@bronze/machinery';

export function callerRoles(ctx: CallContext): string[] {
  const values = ctx.metadata.get(RoleMetadataKey).map((v) => (typeof v === 'string' ? v : v.toString('utf8')));
  if (values.length === 0) return ['os:admin'];
  return values
    .flatMap((v) => v.split(','))
    .map((r) => r.trim())
    .filter((r) => r !== '');
}

// TEMPORARY: the one call site of the authorization table. packages/machinery/src/api/authz-rules.ts
// (another engineer) is not exported from @bronze/machinery yet; once it is, replace this function's
// body with `assertAuthorized(ctx.method, callerRoles(ctx), { maintenance })` and drop the sets.
const readers = new Set(['os:admin', 'os:operator', 'os:reader']);
const operators = new Set(['os:admin', 'os:operator']);
const readMethods = new Set(
  [
    'Version',
    'Hostname',
    'ServiceList',
    'Logs',
    'LogsContainers',
    'Dmesg',
    'Events',
    'List',
    'DiskUsage',
    'Processes',
    'Memory',
    'LoadAvg',
    'SystemStat',
    'CPUInfo',
    'Mounts',
  ]
    .map((m) => `/machine.MachineService/${m}`)
    .concat(['Get', 'List', 'Watch'].map((m) => `/cosi.resource.State/${m}`)),
);
const operateMethods = new Set(
  ['Reboot', 'Shutdown', 'ServiceStart', 'ServiceStop', 'ServiceRestart'].map((m) => `/machine.MachineService/${m}`),
);

export function checkAuthorized(ctx: CallContext, options: { maintenance: boolean }): void {
  const roles = callerRoles(ctx);
  let allowed: ReadonlySet<string> = new Set(['os:admin']);
  if (readMethods.has(ctx.method)) allowed = readers;
  else if (operateMethods.has(ctx.method)) allowed = operators;
  else if (ctx.method === '/machine.MachineService/ApplyConfiguration' && options.maintenance) {
    allowed = new Set(['os:admin', 'os:reader']);
  }
  if (roles.some((r) => allowed.has(r))) return;
  throw new ApiError(
    'permission-denied',
    `not authorized: ${ctx.method} needs one of ${[...allowed].join(', ')}, the caller has ${roles.join(', ') || 'no roles'}`,
  );
}

export function canReadSensitive(ctx: CallContext): boolean {
  return callerRoles(ctx).includes('os:admin');
}
