// The State interface every backend implements (memory-state.ts, durable-state.ts) and the shape of
// watch events. Operations that fail throw the domain errors of errors.ts.
import type { LabelQuery } from './labels.ts';
import type { Kind, Phase, Pointer, Resource } from './resource.ts';

export const EventType = {
  Created: 'created',
  Updated: 'updated',
  Destroyed: 'destroyed',
  Bootstrapped: 'bootstrapped',
  Errored: 'errored',
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

/**
 * One change seen by a watcher. `revision` numbers the changes of one kind (namespace and type) in
 * order, starting at 1; `Bootstrapped` carries the revision the bootstrap contents reflect.
 */
export type WatchEvent<S = unknown> =
  | { readonly type: 'created'; readonly resource: Resource<S>; readonly revision: number }
  | { readonly type: 'updated'; readonly resource: Resource<S>; readonly old: Resource<S>; readonly revision: number }
  /** `resource` and `old` are both the last state of the destroyed resource. */
  | { readonly type: 'destroyed'; readonly resource: Resource<S>; readonly old: Resource<S>; readonly revision: number }
  | { readonly type: 'bootstrapped'; readonly revision: number }
  /** The last event of a watcher: it fell behind the history, or asked for a revision no longer kept. */
  | { readonly type: 'errored'; readonly error: Error };

export interface WatchOptions {
  /** Aborting ends the watch (the iterator finishes). */
  signal?: AbortSignal;
  /** Deliver the current contents first as Created events, then a Bootstrapped marker. */
  bootstrap?: boolean;
  /**
   * Deliver every change after this kind revision from the bounded history, then live changes (the
   * revision of an event or of a Bootstrapped marker). A revision no longer kept gives an Errored event.
   */
  sinceRevision?: number;
  /** Deliver (up to) the last N changes kept in the history first, then live changes. */
  tailEvents?: number;
}

export interface WatchKindOptions extends WatchOptions {
  labels?: LabelQuery;
  /** Only resources whose id matches (COSI's IDQuery). */
  idPattern?: RegExp;
}

/** A stream of events for one resource or one kind; `for await` it, or call `next()`. */
export interface Watcher<S = unknown> extends AsyncIterableIterator<WatchEvent<S>> {
  /** Ends the watch now (the same as aborting its signal). */
  close(): void;
}

export interface OwnerOptions {
  /** The controller acting, or "" (the default) for a user. Must match the resource's owner. */
  owner?: string;
}

export interface ListOptions {
  labels?: LabelQuery;
  /** Only resources whose id matches (COSI's IDQuery). */
  idPattern?: RegExp;
}

export interface UpdateOptions extends OwnerOptions {
  /** The phase the resource must be in (default running). */
  expectedPhase?: Phase;
}

export interface State {
  /** Throws NotFoundError. */
  get<S = unknown>(pointer: Pointer): Promise<Resource<S>>;
  /** Resources of one kind, sorted by id. */
  list<S = unknown>(kind: Kind, options?: ListOptions): Promise<Resource<S>[]>;
  /** Stores a new resource at version 1 owned by `owner`. Throws ConflictError if it exists. */
  create<S>(res: Resource<S>, options?: OwnerOptions): Promise<Resource<S>>;
  /**
   * Replaces spec, labels and annotations. `res.metadata.version` must be the current version
   * (ConflictError otherwise); the stored one is version + 1. Phase and finalizers are kept: they
   * change only through teardown and the finalizer operations. A resource not in the expected
   * phase (running unless told) gives PhaseConflictError.
   */
  update<S>(res: Resource<S>, options?: UpdateOptions): Promise<Resource<S>>;
  /** Removes a resource; PendingFinalizersError while it has finalizers. */
  destroy(pointer: Pointer, options?: OwnerOptions): Promise<void>;
  /** Moves a resource to the tearing-down phase; true when it has no finalizers (ready to destroy). */
  teardown(pointer: Pointer, options?: OwnerOptions): Promise<boolean>;
  /** Adds finalizers (any caller may); refused with PhaseConflictError while tearing down. */
  addFinalizer(pointer: Pointer, ...finalizers: string[]): Promise<Resource>;
  removeFinalizer(pointer: Pointer, ...finalizers: string[]): Promise<Resource>;
  watch<S = unknown>(pointer: Pointer, options?: WatchOptions): Watcher<S>;
  watchKind<S = unknown>(kind: Kind, options?: WatchKindOptions): Watcher<S>;
  /** The revision of the last change to a kind (0 when none). */
  revision(kind: Kind): number;
}
