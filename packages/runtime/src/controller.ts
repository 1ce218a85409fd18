// What a controller declares (name, inputs, outputs) and the context its run loop gets.
import type { ResourceType } from './definition.ts';
import type { LabelQuery } from './labels.ts';
import type { Logger } from './logger.ts';
import type { Kind, NewResourceOptions, Pointer, Resource } from './resource.ts';

/**
 * weak: wake on any change. strong: wake on any change, and the controller may hold a finalizer on
 * the input (so a teardown waits for it). destroy-ready: wake only when a resource is tearing down
 * with no finalizers left.
 */
export type InputKind = 'weak' | 'strong' | 'destroy-ready';
/** exclusive: this controller alone writes the type. shared: several may, each its own resources. */
export type OutputKind = 'exclusive' | 'shared';

export interface Input extends Kind {
  readonly kind: InputKind;
  readonly id?: string;
}

export interface Output extends Kind {
  readonly kind: OutputKind;
}

export interface Controller {
  readonly name: string;
  readonly inputs: readonly Input[];
  readonly outputs: readonly Output[];
  /**
   * A loop over `ctx.changes()`: read inputs, write outputs, clean up stale outputs. It returns when
   * `ctx.signal` aborts; a throw makes the engine restart it after a backoff.
   */
  run(ctx: ControllerContext): Promise<void>;
}

/** A resource type (in its default namespace) or an explicit kind. */
export type KindRef<S> = ResourceType<S> | Kind;

/** The output `modify` writes: its type, id, and optionally namespace, labels and annotations. */
export interface ModifyTarget<S> extends NewResourceOptions {
  type: ResourceType<S>;
  id: string;
  /** Defaults to the type's default namespace. */
  namespace?: string;
}

export interface ControllerContext {
  readonly name: string;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /**
   * Wakes: each batch holds the input resources that changed since the last one (bursts coalesce
   * into one batch). The first batch comes at start. Ends when the engine stops.
   */
  changes(): AsyncIterable<ReadonlyMap<string, Pointer>>;
  /** Asks for another batch even without changes. */
  queueReconcile(): void;
  /** Reads are limited to declared inputs and outputs. NotFoundError when missing. */
  get<S>(ref: KindRef<S>, id: string): Promise<Resource<S>>;
  find<S>(ref: KindRef<S>, id: string): Promise<Resource<S> | undefined>;
  list<S>(ref: KindRef<S>, options?: { labels?: LabelQuery }): Promise<Resource<S>[]>;
  /**
   * Creates or updates an output owned by this controller: `fn` edits a copy of the spec (the
   * type's empty spec when new). Nothing is written when spec, labels and annotations are unchanged.
   */
  modify<S>(
    target: ModifyTarget<S>,
    fn: (spec: S, current: Resource<S> | undefined) => void | Promise<void>,
  ): Promise<Resource<S>>;
  create<S>(res: Resource<S>): Promise<Resource<S>>;
  update<S>(res: Resource<S>): Promise<Resource<S>>;
  teardown(pointer: Pointer): Promise<boolean>;
  destroy(pointer: Pointer): Promise<void>;
  /** Holds (or releases) this controller's finalizer on a strong input. */
  addFinalizer(pointer: Pointer): Promise<void>;
  removeFinalizer(pointer: Pointer): Promise<void>;
  /** Starts a pass: outputs written from now on are kept by `cleanupOutputs`. */
  startTrackingOutputs(): void;
  /** Tears down and destroys this controller's outputs not written since `startTrackingOutputs`. */
  cleanupOutputs(): Promise<void>;
}

function refKind(ref: ResourceType<unknown> | Kind, namespace: string | undefined): Kind {
  return 'definition' in ref ? ref.kind(namespace) : { namespace: namespace ?? ref.namespace, type: ref.type };
}

function input(kind: InputKind) {
  return (ref: ResourceType<unknown> | Kind, options: { namespace?: string; id?: string } = {}): Input => ({
    ...refKind(ref, options.namespace),
    kind,
    ...(options.id === undefined ? {} : { id: options.id }),
  });
}

function output(kind: OutputKind) {
  return (ref: ResourceType<unknown> | Kind, options: { namespace?: string } = {}): Output => ({
    ...refKind(ref, options.namespace),
    kind,
  });
}

/** Input declarations: `inputs: [weak(MachineConfig, { id: 'v1alpha1' }), strong(Service)]`. */
export const weak = input('weak');
export const strong = input('strong');
export const destroyReady = input('destroy-ready');
/** Output declarations: `outputs: [exclusive(Hostname)]`. */
export const exclusive = output('exclusive');
export const shared = output('shared');
