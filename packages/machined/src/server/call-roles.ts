// Authorization on machined's socket: the caller's roles come from the `talos-role` metadata apid
// sets; a call without it was made by a local tool (only apid and root-owned tools can open the
// 0600 socket) and is trusted as os:admin. The rules are the one table of @bronze/machinery.
import {
  assertAuthorized,
  canReadSensitive as rolesReadSensitive,
  RoleMetadataKey,
  type CallContext,
} from '@bronze/machinery';

export function callerRoles(ctx: CallContext): string[] {
  const values = ctx.metadata.get(RoleMetadataKey).map((v) => (typeof v === 'string' ? v : v.toString('utf8')));
  if (values.length === 0) return ['os:admin'];
  return values
    .flatMap((v) => v.split(','))
    .map((r) => r.trim())
    .filter((r) => r !== '');
}

export function checkAuthorized(ctx: CallContext, options: { maintenance: boolean }): void {
  assertAuthorized(ctx.method, callerRoles(ctx), { maintenance: options.maintenance });
}

export function canReadSensitive(ctx: CallContext): boolean {
  return rolesReadSensitive(callerRoles(ctx));
}
