// The one authorization table of the node API: which roles may call which method. apid checks it
// before forwarding a call, machined checks it again for what arrives on its socket. A method that is
// not listed needs os:admin (the fallback), so a new RPC is closed until someone opens it here.
import { ApiError } from './api-error.ts';

/** Every role the table names; a certificate may hold others (kept, never matched). */
export const AuthzRole = {
  admin: 'os:admin',
  operator: 'os:operator',
  reader: 'os:reader',
  etcdBackup: 'os:etcd:backup',
  metaWriter: 'os:meta:writer',
  imageVerifier: 'os:image:verifier',
  impersonator: 'os:impersonator',
} as const;
export type AuthzRole = (typeof AuthzRole)[keyof typeof AuthzRole];

const { admin, operator, reader, etcdBackup, metaWriter, imageVerifier } = AuthzRole;

/** The roles a method not in the table requires. */
export const FallbackRoles: readonly AuthzRole[] = [admin];

/** One row: the roles allowed to call a method, and whether non-admins may call it only in maintenance. */
export interface AuthzRule {
  readonly roles: readonly AuthzRole[];
  /** Open to the listed non-admin roles only while the node has no config (maintenance mode). */
  readonly maintenanceOnly: boolean;
}

const readers = [admin, operator, reader] as const;
const operators = [admin, operator] as const;
const admins = [admin] as const;
const etcdReaders = [admin, operator, reader, etcdBackup] as const;

function group(service: string, roles: readonly AuthzRole[], methods: readonly string[]): [string, AuthzRule][] {
  return methods.map((m) => [`/${service}/${m}`, { roles, maintenanceOnly: false }]);
}

function maintenance(service: string, methods: readonly string[]): [string, AuthzRule][] {
  return methods.map((m) => [`/${service}/${m}`, { roles: [admin, reader], maintenanceOnly: true }]);
}

const machine = 'machine.MachineService';

/** Full method path (`/machine.MachineService/Reboot`) to its rule. */
export const AuthzRules: ReadonlyMap<string, AuthzRule> = new Map([
  ...group(machine, readers, [
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
    'CPUFreqStats',
    'DiskStats',
    'Mounts',
    'NetworkDeviceStats',
    'Netstat',
    'Containers',
    'Stats',
    'ImageList',
  ]),
  ...group(machine, etcdReaders, ['EtcdStatus', 'EtcdMemberList', 'EtcdAlarmList']),
  ...group(machine, [admin, operator, etcdBackup], ['EtcdSnapshot']),
  ...group(machine, operators, [
    'Reboot',
    'Shutdown',
    'Restart',
    'ServiceStart',
    'ServiceStop',
    'ServiceRestart',
    'EtcdAlarmDisarm',
    'EtcdDefragment',
    'PacketCapture',
    'ImagePull',
  ]),
  ...group(machine, admins, [
    'Bootstrap',
    'Copy',
    'Read',
    'Kubeconfig',
    'GenerateClientConfiguration',
    'GenerateConfiguration',
    'Reset',
    'Rollback',
    'Upgrade',
    'EtcdForfeitLeadership',
    'EtcdLeaveCluster',
    'EtcdRecover',
    'EtcdRemoveMemberByID',
    'EtcdDowngradeValidate',
    'EtcdDowngradeEnable',
    'EtcdDowngradeCancel',
  ]),
  ...group(machine, [admin, metaWriter], ['MetaWrite', 'MetaDelete']),
  ...maintenance(machine, ['ApplyConfiguration']),
  ...group('cluster.ClusterService', readers, ['HealthCheck']),
  ...group('inspect.InspectService', readers, ['ControllerRuntimeDependencies']),
  // Per-type checks (read verbs only, sensitive types for admins) are the State service's own.
  ...group('cosi.resource.State', readers, ['Get', 'List', 'Watch']),
  ...group('cosi.resource.State', admins, ['Create', 'Update', 'Destroy', 'Teardown', 'TeardownAndDestroy']),
  ...group('machine.ImageService', readers, ['List']),
  ...group('machine.ImageService', operators, ['Pull']),
  ...group('machine.ImageService', admins, ['Import', 'Remove']),
  ...group('machine.ImageService', [admin, imageVerifier], ['Verify']),
  ...group('machine.LifecycleService', admins, ['Install', 'Upgrade']),
  ...group('machine.DebugService', admins, ['ContainerRun']),
  ...group('machine.StorageService', readers, ['Statfs']),
  ...group('storage.StorageService', readers, ['Disks']),
  ...maintenance('storage.StorageService', ['BlockDeviceWipe']),
  ...maintenance('machine.LVMService', ['LogicalVolumeRemove', 'VolumeGroupRemove', 'PhysicalVolumeRemove']),
  ...maintenance('machine.MDService', ['Destroy']),
  ...group('time.TimeService', readers, ['Time', 'TimeCheck']),
]);

/** The rule of a method: its row in the table, or admin only. */
export function authzRuleOf(methodPath: string): AuthzRule {
  return AuthzRules.get(methodPath) ?? { roles: FallbackRoles, maintenanceOnly: false };
}

export interface AuthorizeOptions {
  /** The node has no config yet: maintenance-only rows are open to their non-admin roles. */
  maintenance?: boolean;
}

export type AuthzDecision = { allowed: true } | { allowed: false; error: ApiError };

/**
 * Whether a caller holding `roles` may call `methodPath`. A denial carries the PERMISSION_DENIED
 * error to send ("not authorized", as Talos words it, plus what would have been needed).
 */
export function authorize(methodPath: string, roles: readonly string[], options: AuthorizeOptions = {}): AuthzDecision {
  const rule = authzRuleOf(methodPath);
  const allowed = rule.maintenanceOnly && options.maintenance !== true ? [admin] : (rule.roles as readonly string[]);
  if (roles.some((r) => allowed.includes(r))) return { allowed: true };
  const held = roles.length === 0 ? 'no roles' : `roles ${roles.join(', ')}`;
  const details = `not authorized: ${methodPath} needs one of ${allowed.join(', ')}, the caller has ${held}`;
  return { allowed: false, error: new ApiError('permission-denied', details) };
}

/** authorize, throwing the PERMISSION_DENIED ApiError on denial (for handlers). */
export function assertAuthorized(methodPath: string, roles: readonly string[], options?: AuthorizeOptions): void {
  const decision = authorize(methodPath, roles, options);
  if (!decision.allowed) throw decision.error;
}

/** Sensitive resources (secrets, the machine config) are readable by admins only. */
export function canReadSensitive(roles: readonly string[]): boolean {
  return roles.includes(admin);
}
