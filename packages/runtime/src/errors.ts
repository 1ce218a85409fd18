// Domain errors of the resource state and the controller engine. Each has a literal `name`, and a
// predicate that checks it, so that errors keep their meaning across module copies and the wire.
import type { Pointer } from './resource.ts';

function describePointer(p: Pointer): string {
  return `${p.namespace}/${p.type}/${p.id}`;
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError' as const;
  readonly pointer: Pointer;
  constructor(pointer: Pointer, options?: ErrorOptions) {
    super(`resource ${describePointer(pointer)} does not exist`, options);
    this.pointer = pointer;
  }
}

/** A create of a resource that exists, or an update from a version that is no longer current. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError' as const;
  readonly pointer: Pointer;
  constructor(pointer: Pointer, detail: string, options?: ErrorOptions) {
    super(`resource ${describePointer(pointer)}: ${detail}`, options);
    this.pointer = pointer;
  }
}

/** The resource is in a phase that does not allow the operation (for example tearing down). */
export class PhaseConflictError extends Error {
  override readonly name = 'PhaseConflictError' as const;
  readonly pointer: Pointer;
  constructor(pointer: Pointer, detail: string, options?: ErrorOptions) {
    super(`resource ${describePointer(pointer)}: ${detail}`, options);
    this.pointer = pointer;
  }
}

/** The resource belongs to another owner (a controller name, or "" for users). */
export class OwnerConflictError extends Error {
  override readonly name = 'OwnerConflictError' as const;
  readonly pointer: Pointer;
  constructor(pointer: Pointer, options: { owner: string; want: string }) {
    super(
      `resource ${describePointer(pointer)} is owned by ${JSON.stringify(options.owner)}, ` +
        `not ${JSON.stringify(options.want)}; only its owner may change it`,
    );
    this.pointer = pointer;
  }
}

/** Destroy of a resource that still has finalizers: tear it down and wait for them to go. */
export class PendingFinalizersError extends Error {
  override readonly name = 'PendingFinalizersError' as const;
  readonly pointer: Pointer;
  readonly finalizers: readonly string[];
  constructor(pointer: Pointer, finalizers: readonly string[]) {
    super(
      `resource ${describePointer(pointer)} has pending finalizers ${JSON.stringify(finalizers)}; ` +
        `tear it down and destroy it once they are removed`,
    );
    this.pointer = pointer;
    this.finalizers = finalizers;
  }
}

/** A watcher fell behind the bounded history of its kind (or asked for a revision no longer kept). */
export class WatchOverflowError extends Error {
  override readonly name = 'WatchOverflowError' as const;
}

/** A controller touched a resource outside its declared inputs and outputs. */
export class AccessError extends Error {
  override readonly name = 'AccessError' as const;
}

function hasName(err: unknown, name: string): boolean {
  return err instanceof Error && err.name === name;
}

export function isNotFoundError(err: unknown): err is NotFoundError {
  return hasName(err, 'NotFoundError');
}
export function isConflictError(err: unknown): err is ConflictError {
  return hasName(err, 'ConflictError');
}
export function isPhaseConflictError(err: unknown): err is PhaseConflictError {
  return hasName(err, 'PhaseConflictError');
}
export function isOwnerConflictError(err: unknown): err is OwnerConflictError {
  return hasName(err, 'OwnerConflictError');
}
export function isPendingFinalizersError(err: unknown): err is PendingFinalizersError {
  return hasName(err, 'PendingFinalizersError');
}
export function isWatchOverflowError(err: unknown): err is WatchOverflowError {
  return hasName(err, 'WatchOverflowError');
}
export function isAccessError(err: unknown): err is AccessError {
  return hasName(err, 'AccessError');
}
