export {};

// Logging: the structured logger and per-service log rings.
export { createLogger, nullLogger, isLogLevel, logfmt, LogLevels } from './log/logger.ts';
export type { Logger, LoggerOptions, LogLevel, LogFormat, LogFields, LogSink } from './log/logger.ts';
export { redact, isSecretFieldName, Redacted } from './log/redact.ts';
export { LogRing } from './log/log-ring.ts';
export type { LogRingOptions, LogFollowOptions, LogRingStats } from './log/log-ring.ts';
export { LineSplitter } from './log/line-splitter.ts';

// Runtime events: the bounded ring served by the Events RPC.
export { EventRing } from './events/event-ring.ts';
export type { EventQuery, EventSubscribeOptions, EventRingOptions } from './events/event-ring.ts';
export { EventQueryError, isEventQueryError, EventsLaggedError, isEventsLaggedError } from './events/event-errors.ts';
export { ServiceStates } from './events/runtime-event.ts';
export type {
  RuntimeEvent,
  RuntimeEventPayload,
  EventPublisher,
  ServiceState,
  ServiceHealth,
  SequenceEventPayload,
  PhaseEventPayload,
  TaskEventPayload,
  ServiceStateEventPayload,
  ConfigLoadErrorEventPayload,
  ConfigValidationErrorEventPayload,
  AddressEventPayload,
  MachineStatusEventPayload,
  RestartEventPayload,
} from './events/runtime-event.ts';
export { UlidFactory, isUlid, ulidTime } from './events/ulid.ts';

// Services: the supervisor, runners, conditions and health checks.
export { Supervisor } from './services/supervisor.ts';
export type { SupervisorOptions } from './services/supervisor.ts';
export {
  ServiceNotFoundError,
  isServiceNotFoundError,
  ServiceSpecError,
  isServiceSpecError,
  MaxServiceEvents,
} from './services/service.ts';
export type { ServiceSpec, ServiceInfo, ServiceEvent } from './services/service.ts';
export type { Runner, RunContext, RunResult } from './services/runner.ts';
export { processRunner } from './services/process-runner.ts';
export type { ProcessRunnerOptions } from './services/process-runner.ts';
export { taskRunner } from './services/task-runner.ts';
export type { ServiceTask } from './services/task-runner.ts';
export { condition, fileExists, portAnswers, tcpAnswers } from './services/conditions.ts';
export type { Condition } from './services/conditions.ts';
export { DefaultHealthSettings, probe } from './services/health.ts';
export type { HealthCheck, HealthSettings, HealthResult } from './services/health.ts';
export { DefaultBackoff, backoffDelay, shouldRestart } from './services/backoff.ts';
export type { BackoffSettings, RestartPolicy } from './services/backoff.ts';

// Sequences: boot, shutdown, reboot and reset as phases of parallel tasks.
export { Sequencer, DefaultTakeOver } from './sequencer/sequencer.ts';
export type { SequencerOptions, SequenceRunOptions, TakeOverRules } from './sequencer/sequencer.ts';
export { task, phase, checkSequence } from './sequencer/sequence.ts';
export type { Sequence, Phase, Task, TaskContext } from './sequencer/sequence.ts';
export {
  SequenceLockedError,
  isSequenceLockedError,
  SequenceFailedError,
  isSequenceFailedError,
  SequenceCanceledError,
  isSequenceCanceledError,
} from './sequencer/sequencer-errors.ts';
export { lifecycleSequences } from './sequencer/lifecycle.ts';
export type { LifecycleActions, LifecycleOptions, LifecycleSequences } from './sequencer/lifecycle.ts';

// etcd: the upstream etcd as a service, its PKI, a v3 client, and membership (bootstrap, self-join
// as a learner, leave, leadership, snapshots and restore, maintenance).
export { EtcdError, isEtcdError, etcdErrorStatus } from './etcd/etcd-error.ts';
export type { EtcdErrorCode } from './etcd/etcd-error.ts';
export {
  DefaultEtcdPath,
  DefaultEtcdctlPath,
  etcdVersion,
  parseEtcdVersion,
  supportsLearners,
  assertLearnerSupport,
} from './etcd/etcd-binary.ts';
export type { EtcdVersion } from './etcd/etcd-binary.ts';
export { etcdPaths, etcdPkiFiles } from './etcd/etcd-paths.ts';
export type { EtcdPaths } from './etcd/etcd-paths.ts';
export { issueEtcdPki, writeEtcdPki } from './etcd/etcd-pki.ts';
export type { EtcdPki, EtcdPemPair, EtcdPkiOptions } from './etcd/etcd-pki.ts';
export {
  EtcdClientPort,
  EtcdPeerPort,
  DefaultQuotaBackendBytes,
  RestartFromData,
  EtcdHealthSettings,
  etcdUrl,
  peerUrlOf,
  clientUrlOf,
  initialClusterFlag,
  etcdCommand,
  etcdHealthCheck,
  etcdServiceSpec,
} from './etcd/etcd-spec.ts';
export type {
  EtcdLaunch,
  EtcdClusterMember,
  EtcdCommandOptions,
  CommandDescription,
  EtcdServiceOptions,
} from './etcd/etcd-spec.ts';
export {
  openEtcdClient,
  endpointTarget,
  etcdMessage,
  isLearnerNotReady,
  isMemberNotLearner,
  isTooManyLearners,
  isQuorumGuard,
  isMemberNotFound,
} from './etcd/etcd-client.ts';
export type {
  EtcdClient,
  EtcdClientTls,
  OpenEtcdClientOptions,
  EtcdMember,
  EtcdStatus,
  EtcdAlarm,
  EtcdAlarmType,
  EtcdCallOptions,
} from './etcd/etcd-client.ts';
export { hasEtcdData, wipeEtcdData } from './etcd/etcd-data.ts';
export { etcdCaFromConfig, etcdExtraArgs } from './etcd/etcd-config.ts';
export { bootstrap as bootstrapEtcd } from './etcd/etcd-bootstrap.ts';
export type { BootstrapOptions as EtcdBootstrapOptions } from './etcd/etcd-bootstrap.ts';
export { join as joinEtcd, ensurePromoted as ensureEtcdPromoted, hex as etcdMemberIdHex } from './etcd/etcd-join.ts';
export type {
  JoinOptions as EtcdJoinOptions,
  JoinResult as EtcdJoinResult,
  PromoteOptions as EtcdPromoteOptions,
} from './etcd/etcd-join.ts';
export { forfeitLeadership, leave as leaveEtcd, removeMember as removeEtcdMember } from './etcd/etcd-membership.ts';
export type { ForfeitResult, LeaveOptions as EtcdLeaveOptions } from './etcd/etcd-membership.ts';
export {
  snapshot as etcdSnapshot,
  saveSnapshot as saveEtcdSnapshot,
  restoreSnapshot as restoreEtcdSnapshot,
} from './etcd/etcd-snapshot.ts';
export type {
  SnapshotResult as EtcdSnapshotResult,
  RestoreOptions as EtcdRestoreOptions,
} from './etcd/etcd-snapshot.ts';
export {
  memberStatus as etcdMemberStatus,
  defragment as defragmentEtcd,
  alarmList as etcdAlarmList,
  alarmDisarm as etcdAlarmDisarm,
} from './etcd/etcd-maintenance.ts';
