export { Phase, newResource, withSpec, copySpec, deepEqual, formatPointer } from './resource.ts';
export type { Kind, Pointer, Metadata, Resource, NewResourceOptions } from './resource.ts';
export { defineResource, DefinitionRegistry } from './definition.ts';
export type { ResourceDefinition, ResourceType, PrintColumn, DefineResourceOptions } from './definition.ts';
export { compileJsonPath, formatColumnValue } from './json-path.ts';
export type { Getter, JsonPathError } from './json-path.ts';
export { matchLabels } from './labels.ts';
export type { LabelQuery, LabelTerm } from './labels.ts';
export { EventType } from './state.ts';
export type {
  State,
  WatchEvent,
  Watcher,
  WatchOptions,
  WatchKindOptions,
  OwnerOptions,
  ListOptions,
  UpdateOptions,
} from './state.ts';
export { MemoryState } from './memory-state.ts';
export type { MemoryStateOptions } from './memory-state.ts';
export { DurableState } from './durable-state.ts';
export type { DurableStateOptions } from './durable-state.ts';
export {
  NotFoundError,
  ConflictError,
  PhaseConflictError,
  OwnerConflictError,
  PendingFinalizersError,
  WatchOverflowError,
  AccessError,
  isNotFoundError,
  isConflictError,
  isPhaseConflictError,
  isOwnerConflictError,
  isPendingFinalizersError,
  isWatchOverflowError,
  isAccessError,
} from './errors.ts';
export type { Logger, LogFields, LogLevel, LogEntry } from './logger.ts';
export { nullLogger, sinkLogger, recordingLogger } from './logger.ts';
export { weak, strong, destroyReady, exclusive, shared } from './controller.ts';
export type {
  Controller,
  ControllerContext,
  Input,
  InputKind,
  Output,
  OutputKind,
  KindRef,
  ModifyTarget,
} from './controller.ts';
export { Engine } from './engine.ts';
export type { EngineOptions } from './engine.ts';
export type { Backoff } from './runner.ts';
export { transformController } from './transform-controller.ts';
export type { TransformControllerOptions } from './transform-controller.ts';
export { queueController } from './queue-controller.ts';
export type { QueueControllerOptions, QueueResult } from './queue-controller.ts';
export { dependencyGraph, toDot } from './dependency-graph.ts';
export type { DependencyGraph, DependencyEdge, EdgeType } from './dependency-graph.ts';
export { startHarness, eventually } from './harness.ts';
export type { Harness, HarnessOptions, EventuallyOptions } from './harness.ts';
export { publishMeta, definitionSpec, ResourceDefinitions, Namespaces, MetaNamespace } from './meta.ts';
export type { ResourceDefinitionSpec, NamespaceSpec } from './meta.ts';
export { singular } from './type-names.ts';
