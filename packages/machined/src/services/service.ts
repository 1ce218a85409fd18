// A service's definition and what the supervisor reports about it (ServiceList's ServiceInfo).
import type { ServiceHealth, ServiceState } from '../events/runtime-event.ts';
import type { BackoffSettings, RestartPolicy } from './backoff.ts';
import type { Condition } from './conditions.ts';
import type { HealthCheck, HealthSettings } from './health.ts';
import type { Runner } from './runner.ts';

export interface ServiceSpec {
  /** `apid`, `etcd`, `ext-foo`: lowercase letters, digits, `-`, `_` and `.`. */
  id: string;
  runner: Runner;
  /** Services that must be Running (and healthy, when they have a health check) first. */
  dependsOn?: readonly string[];
  conditions?: readonly Condition[];
  health?: { check: HealthCheck; settings?: Partial<HealthSettings> };
  /** `always` unless told. */
  restart?: RestartPolicy;
  backoff?: Partial<BackoffSettings>;
  /** Work before each run (Talos's PreFunc): create directories, write config files. */
  prepare?: (signal: AbortSignal) => Promise<void>;
  /** Why this service cannot run on this platform (it is Skipped with that message), or undefined. */
  unsupported?: () => string | undefined;
}

export interface ServiceEvent {
  state: ServiceState;
  message: string;
  time: Date;
}

export interface ServiceInfo {
  id: string;
  state: ServiceState;
  /** The last 64 state changes, oldest first. */
  events: ServiceEvent[];
  health: ServiceHealth;
}

export const MaxServiceEvents = 64;

export class ServiceNotFoundError extends Error {
  override readonly name = 'ServiceNotFoundError' as const;
}

export function isServiceNotFoundError(err: unknown): err is ServiceNotFoundError {
  return err instanceof Error && err.name === 'ServiceNotFoundError';
}

/** A service definition that cannot work: a duplicate id, an unknown dependency, a cycle. */
export class ServiceSpecError extends Error {
  override readonly name = 'ServiceSpecError' as const;
}

export function isServiceSpecError(err: unknown): err is ServiceSpecError {
  return err instanceof Error && err.name === 'ServiceSpecError';
}
