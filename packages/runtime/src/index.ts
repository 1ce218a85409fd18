export { Phase, newResource, withSpec, copySpec, deepEqual, formatPointer } from './resource.ts';
export type { Kind, Pointer, Metadata, Resource, NewResourceOptions } from './resource.ts';
export { defineResource, DefinitionRegistry } from './definition.ts';
export type { ResourceDefinition, ResourceType, PrintColumn, DefineResourceOptions } from './definition.ts';
export { compileJsonPath, formatColumnValue } from './json-path.ts';
export type { Getter, JsonPathError } from './json-path.ts';
export { matchLabels } from './labels.ts';
export type { LabelQuery, LabelTerm } from './labels.ts';
export { EventType } from './state.ts';
export type { State, WatchEvent, Watcher, WatchOptions, WatchKindOptions, OwnerOptions, ListOptions } from './state.ts';
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
