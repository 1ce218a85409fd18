// The events machined publishes (served by the Events RPC). Payloads follow Talos's event messages
// (SequenceEvent, PhaseEvent, TaskEvent, ServiceStateEvent, ...) with durations and errors added.

/** Service states, as Talos's ServiceStateEvent actions. */
export const ServiceStates = [
  'Initialized',
  'Preparing',
  'Waiting',
  'Running',
  'Stopping',
  'Finished',
  'Failed',
  'Skipped',
  'Starting',
] as const;
export type ServiceState = (typeof ServiceStates)[number];

export interface ServiceHealth {
  /** True until the first health check ends (or when the service has no health check). */
  unknown: boolean;
  healthy: boolean;
  lastMessage: string;
  lastChange: Date;
}

export interface SequenceEventPayload {
  type: 'sequence';
  sequence: string;
  action: 'start' | 'stop' | 'noop';
  durationMs?: number;
  error?: string;
}

export interface PhaseEventPayload {
  type: 'phase';
  sequence: string;
  phase: string;
  action: 'start' | 'stop';
  durationMs?: number;
  error?: string;
}

export interface TaskEventPayload {
  type: 'task';
  sequence: string;
  phase: string;
  task: string;
  action: 'start' | 'stop';
  durationMs?: number;
  error?: string;
}

export interface ServiceStateEventPayload {
  type: 'service-state';
  service: string;
  state: ServiceState;
  message: string;
  health: ServiceHealth;
}

export interface ConfigLoadErrorEventPayload {
  type: 'config-load-error';
  error: string;
}

export interface ConfigValidationErrorEventPayload {
  type: 'config-validation-error';
  error: string;
}

export interface AddressEventPayload {
  type: 'address';
  hostname: string;
  addresses: string[];
}

export interface MachineStatusEventPayload {
  type: 'machine-status';
  stage:
    | 'unknown'
    | 'booting'
    | 'installing'
    | 'maintenance'
    | 'running'
    | 'rebooting'
    | 'shutting-down'
    | 'resetting'
    | 'upgrading';
  ready: boolean;
  unmetConditions: { name: string; reason: string }[];
}

export interface RestartEventPayload {
  type: 'restart';
  /** The reboot command (Talos's RestartEvent.cmd). */
  cmd: number;
}

export type RuntimeEventPayload =
  | SequenceEventPayload
  | PhaseEventPayload
  | TaskEventPayload
  | ServiceStateEventPayload
  | ConfigLoadErrorEventPayload
  | ConfigValidationErrorEventPayload
  | AddressEventPayload
  | MachineStatusEventPayload
  | RestartEventPayload;

export interface RuntimeEvent {
  /** A ULID: ids sort in publication order. */
  id: string;
  /** Milliseconds since the epoch. */
  time: number;
  /** The id of the action that caused this event (e.g. a reboot request), or ''. */
  actorId: string;
  payload: RuntimeEventPayload;
}

/** Where components publish events; an EventRing, or a test double. */
export interface EventPublisher {
  publish(payload: RuntimeEventPayload, options?: { actorId?: string }): RuntimeEvent;
}
