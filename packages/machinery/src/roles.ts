import { certificateInfo, type Certificate } from './pki/certificate.ts';

/** The Talos API roles, carried as Organization values of a client certificate. */
export const Role = {
  admin: 'os:admin',
  operator: 'os:operator',
  reader: 'os:reader',
  etcdBackup: 'os:etcd:backup',
  impersonator: 'os:impersonator',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const AllRoles: readonly Role[] = Object.values(Role);

/** Prefix every Talos role shares; an Organization without it is not a role. */
export const RolePrefix = 'os:';

export function isRole(value: string): value is Role {
  return (AllRoles as readonly string[]).includes(value);
}

export interface ParsedRoles {
  roles: Role[];
  /** Values that look like roles but are unknown to this build (kept for forward compatibility). */
  unknown: string[];
}

/** Splits role strings into known roles and unknown ones, without duplicates, keeping order. */
export function parseRoles(values: readonly string[]): ParsedRoles {
  const roles: Role[] = [];
  const unknown: string[] = [];
  for (const raw of values) {
    const value = raw.trim();
    if (value === '') continue;
    if (isRole(value)) {
      if (!roles.includes(value)) roles.push(value);
    } else if (!unknown.includes(value)) {
      unknown.push(value);
    }
  }
  return { roles, unknown };
}

/**
 * Parses `--roles` input strictly: every value must be a known role.
 * Throws a RolesError that lists the unknown values and the valid ones.
 */
export function parseRolesStrict(values: readonly string[]): Role[] {
  const { roles, unknown } = parseRoles(values.flatMap((v) => v.split(',')));
  if (unknown.length > 0) {
    throw new RolesError(`unknown roles: ${unknown.join(', ')} (valid roles: ${AllRoles.join(', ')})`);
  }
  return roles;
}

/** Roles of a client certificate: every Organization value that starts with `os:`. */
export function rolesFromCertificate(certificate: Certificate): ParsedRoles {
  const orgs = certificateInfo(certificate).organizations.filter((o) => o.startsWith(RolePrefix));
  return parseRoles(orgs);
}

/** Whether a caller holding `held` roles satisfies a rule that allows `allowed`. */
export function hasAnyRole(held: readonly string[], allowed: readonly Role[]): boolean {
  return held.some((r) => (allowed as readonly string[]).includes(r));
}

export class RolesError extends Error {
  override readonly name = 'RolesError';
}

export function isRolesError(err: unknown): err is RolesError {
  return err instanceof Error && err.name === 'RolesError';
}
