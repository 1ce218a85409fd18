// The context one run of a controller gets: reads limited to its inputs and outputs, writes
// limited to its outputs (always as their owner), finalizers on its strong inputs, output tracking.
import type { ControllerContext, Controller, KindRef, ModifyTarget } from './controller.ts';
import { AccessError, isNotFoundError } from './errors.ts';
import type { LabelQuery } from './labels.ts';
import type { Logger } from './logger.ts';
import {
  copySpec,
  deepEqual,
  formatPointer,
  kindKey,
  newResource,
  Phase,
  pointerKey,
  withSpec,
  type Kind,
  type Pointer,
  type Resource,
} from './resource.ts';
import type { State } from './state.ts';

/** Where wakes come from: the engine's runner for this controller. */
export interface WakeSource {
  changes(signal: AbortSignal): AsyncIterable<ReadonlyMap<string, Pointer>>;
  queueReconcile(): void;
}

export interface ContextOptions {
  state: State;
  signal: AbortSignal;
  logger: Logger;
  wakes: WakeSource;
}

export class EngineContext implements ControllerContext {
  readonly name: string;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly #state: State;
  readonly #wakes: WakeSource;
  readonly #readable = new Set<string>();
  readonly #writable = new Set<string>();
  readonly #strong = new Set<string>();
  readonly #outputs: readonly Kind[];
  #touched: Set<string> | undefined;

  constructor(controller: Controller, options: ContextOptions) {
    this.name = controller.name;
    this.signal = options.signal;
    this.logger = options.logger;
    this.#state = options.state;
    this.#wakes = options.wakes;
    this.#outputs = controller.outputs;
    for (const i of controller.inputs) {
      this.#readable.add(kindKey(i));
      if (i.kind === 'strong') this.#strong.add(kindKey(i));
    }
    for (const o of controller.outputs) {
      this.#readable.add(kindKey(o));
      this.#writable.add(kindKey(o));
    }
  }

  changes(): AsyncIterable<ReadonlyMap<string, Pointer>> {
    return this.#wakes.changes(this.signal);
  }

  queueReconcile(): void {
    this.#wakes.queueReconcile();
  }

  get<S>(ref: KindRef<S>, id: string): Promise<Resource<S>> {
    return this.#state.get<S>({ ...this.#read(ref), id });
  }

  async find<S>(ref: KindRef<S>, id: string): Promise<Resource<S> | undefined> {
    try {
      return await this.get(ref, id);
    } catch (err) {
      if (isNotFoundError(err)) return undefined;
      throw err;
    }
  }

  list<S>(ref: KindRef<S>, options: { labels?: LabelQuery } = {}): Promise<Resource<S>[]> {
    return this.#state.list<S>(this.#read(ref), options);
  }

  async modify<S>(
    target: ModifyTarget<S>,
    fn: (spec: S, current: Resource<S> | undefined) => void | Promise<void>,
  ): Promise<Resource<S>> {
    const kind = target.type.kind(target.namespace);
    const ptr = { ...this.#write(kind, 'modify'), id: target.id };
    const current = await this.find<S>(kind, target.id);
    const spec = current === undefined ? target.type.empty() : copySpec(current.spec);
    await fn(spec, current);
    this.#touched?.add(pointerKey(ptr));
    const labels = target.labels ?? current?.metadata.labels ?? {};
    const annotations = target.annotations ?? current?.metadata.annotations ?? {};
    if (current === undefined) {
      return this.#state.create(newResource(ptr, spec, { labels, annotations }), { owner: this.name });
    }
    const same =
      deepEqual(spec, current.spec) &&
      deepEqual(labels, current.metadata.labels) &&
      deepEqual(annotations, current.metadata.annotations);
    if (same) return current;
    return this.#state.update(withSpec(current, spec, { labels, annotations }), { owner: this.name });
  }

  create<S>(res: Resource<S>): Promise<Resource<S>> {
    this.#write(res.metadata, 'create');
    this.#touched?.add(pointerKey(res.metadata));
    return this.#state.create(res, { owner: this.name });
  }

  update<S>(res: Resource<S>): Promise<Resource<S>> {
    this.#write(res.metadata, 'update');
    this.#touched?.add(pointerKey(res.metadata));
    return this.#state.update(res, { owner: this.name });
  }

  teardown(pointer: Pointer): Promise<boolean> {
    this.#write(pointer, 'teardown');
    return this.#state.teardown(pointer, { owner: this.name });
  }

  destroy(pointer: Pointer): Promise<void> {
    this.#write(pointer, 'destroy');
    return this.#state.destroy(pointer, { owner: this.name });
  }

  async addFinalizer(pointer: Pointer): Promise<void> {
    this.#finalizable(pointer);
    await this.#state.addFinalizer(pointer, this.name);
  }

  async removeFinalizer(pointer: Pointer): Promise<void> {
    this.#finalizable(pointer);
    await this.#state.removeFinalizer(pointer, this.name);
  }

  startTrackingOutputs(): void {
    this.#touched = new Set();
  }

  async cleanupOutputs(): Promise<void> {
    const touched = this.#touched;
    if (touched === undefined) {
      throw new AccessError(`controller ${this.name}: cleanupOutputs without startTrackingOutputs first`);
    }
    for (const kind of this.#outputs) {
      for (const res of await this.#state.list(kind)) {
        const m = res.metadata;
        if (m.owner !== this.name || touched.has(pointerKey(m))) continue;
        const ready = m.phase === Phase.Running ? await this.teardown(m) : m.finalizers.length === 0;
        if (ready) await this.destroy(m);
      }
    }
  }

  #read(ref: KindRef<unknown>): Kind {
    const kind: Kind = 'definition' in ref ? ref.kind() : ref;
    if (!this.#readable.has(kindKey(kind))) {
      throw new AccessError(
        `controller ${this.name} read ${kind.namespace}/${kind.type}, which is not among its inputs or outputs; declare it`,
      );
    }
    return { namespace: kind.namespace, type: kind.type };
  }

  #write(kind: Kind, op: string): Kind {
    if (!this.#writable.has(kindKey(kind))) {
      throw new AccessError(
        `controller ${this.name} tried to ${op} ${kind.namespace}/${kind.type}, which is not among its outputs; declare it`,
      );
    }
    return { namespace: kind.namespace, type: kind.type };
  }

  #finalizable(p: Pointer): void {
    if (!this.#strong.has(kindKey(p))) {
      throw new AccessError(
        `controller ${this.name} may hold finalizers only on strong inputs, not on ${formatPointer(p)}; declare it strong`,
      );
    }
  }
}
