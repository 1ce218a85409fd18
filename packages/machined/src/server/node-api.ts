// What the API handlers need from the running node. The daemon implements it; handler tests can
// implement it over in-memory pieces.
import type { DefinitionRegistry, State } from '@bronze/runtime';
import type { EventRing } from '../events/event-ring.ts';
import type { NodeEtcd } from '../machined/node-etcd.ts';
import type { Platform } from '../platform/platform.ts';
import type { Supervisor } from '../services/supervisor.ts';

export interface ResetRequest {
  /** Partition labels to wipe (STATE, EPHEMERAL); empty for both. */
  wipe: readonly string[];
  /** Reboot afterwards (true), or shut down. */
  reboot: boolean;
}

export type ApplyMode = 'reboot' | 'auto' | 'no-reboot' | 'staged' | 'try';

export interface ApplyRequest {
  text: string;
  mode: ApplyMode;
  dryRun: boolean;
  /** try mode: roll back after this long (default 1 min). */
  tryTimeoutMs?: number;
  /** try mode: also roll back as soon as the node is unhealthy (metadata `bronze-until-healthy`). */
  untilHealthy: boolean;
}

export interface ApplyResult {
  warnings: string[];
  /** The mode used (auto becomes no-reboot). */
  mode: ApplyMode;
  details: string;
}

export interface NodeApi {
  readonly platform: Platform;
  readonly events: EventRing;
  readonly registry: DefinitionRegistry;
  hostname(): string;
  /** Whether the node runs without a valid config (maintenance mode). */
  maintenance(): boolean;
  /** The resource state of the current boot. */
  state(): State;
  /** The service supervisor of the current boot. */
  supervisor(): Supervisor;
  /** etcd of the current boot: undefined on workers (and control planes without an etcd CA). */
  etcd(): NodeEtcd | undefined;
  /** Aborts when the current boot ends (reboot, shutdown): long streams end with it. */
  bootSignal(): AbortSignal;
  /** Starts a reboot after the reply is sent; returns the actor id of its events. */
  reboot(): string;
  shutdown(): string;
  reset(request: ResetRequest): string;
  /** Validates, persists and uses a config as the mode says; throws ApiError when refused. */
  applyConfiguration(request: ApplyRequest): Promise<ApplyResult>;
}
