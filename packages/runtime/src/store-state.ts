// The State both backends are: the in-memory store, plus (for the durable backend) a persistence
// step that runs before a change to a persisted namespace is committed. Changes to memory-only
// namespaces validate and commit in one synchronous step.
import { Phase, type Kind, type Pointer, type Resource } from './resource.ts';
import type {
  ListOptions,
  OwnerOptions,
  State,
  UpdateOptions,
  WatchKindOptions,
  WatchOptions,
  Watcher,
} from './state.ts';
import { Store, type Change, type StoreOptions } from './store.ts';

/** Saves a planned change before it is committed; a failure leaves the state unchanged. */
export interface Persistence {
  persists(namespace: string): boolean;
  save(change: Change): Promise<void>;
}

export class StoreState implements State {
  readonly #store: Store;
  readonly #persistence: Persistence | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: StoreOptions, persistence: Persistence | undefined, initial: readonly Resource[] = []) {
    this.#store = new Store(options);
    this.#persistence = persistence;
    for (const r of initial) this.#store.restore(r);
  }

  get<S = unknown>(pointer: Pointer): Promise<Resource<S>> {
    return settle(() => this.#store.get(pointer) as Resource<S>);
  }

  list<S = unknown>(kind: Kind, options: ListOptions = {}): Promise<Resource<S>[]> {
    return settle(() => this.#store.list(kind, options) as Resource<S>[]);
  }

  create<S>(res: Resource<S>, options: OwnerOptions = {}): Promise<Resource<S>> {
    const plan = () => this.#store.planCreate(res, options.owner ?? '');
    return this.#change(res.metadata, plan, (c) => c?.next as Resource<S>);
  }

  update<S>(res: Resource<S>, options: UpdateOptions = {}): Promise<Resource<S>> {
    const plan = () =>
      this.#store.planUpdate(res, {
        owner: options.owner ?? '',
        expectedPhase: options.expectedPhase ?? Phase.Running,
      });
    return this.#change(res.metadata, plan, (c) => c?.next as Resource<S>);
  }

  destroy(pointer: Pointer, options: OwnerOptions = {}): Promise<void> {
    const plan = () => this.#store.planDestroy(pointer, options.owner ?? '');
    return this.#change(pointer, plan, () => undefined);
  }

  teardown(pointer: Pointer, options: OwnerOptions = {}): Promise<boolean> {
    const plan = () => this.#store.planTeardown(pointer, options.owner ?? '');
    return this.#change(pointer, plan, () => this.#store.get(pointer).metadata.finalizers.length === 0);
  }

  addFinalizer(pointer: Pointer, ...finalizers: string[]): Promise<Resource> {
    const plan = () => this.#store.planFinalizers(pointer, { add: true, finalizers });
    return this.#change(pointer, plan, () => this.#store.get(pointer));
  }

  removeFinalizer(pointer: Pointer, ...finalizers: string[]): Promise<Resource> {
    const plan = () => this.#store.planFinalizers(pointer, { add: false, finalizers });
    return this.#change(pointer, plan, () => this.#store.get(pointer));
  }

  watch<S = unknown>(pointer: Pointer, options?: WatchOptions): Watcher<S> {
    return this.#store.watch(pointer, options);
  }

  watchKind<S = unknown>(kind: Kind, options?: WatchKindOptions): Watcher<S> {
    return this.#store.watchKind(kind, options);
  }

  revision(kind: Kind): number {
    return this.#store.log(kind).revision;
  }

  /** Plans, persists when the namespace is durable (one change at a time), commits, then reports. */
  #change<T>(at: Pointer, plan: () => Change | undefined, result: (c: Change | undefined) => T): Promise<T> {
    const p = this.#persistence;
    if (p === undefined || !p.persists(at.namespace)) {
      return settle(() => {
        const c = plan();
        if (c !== undefined) this.#store.commit(c);
        return result(c);
      });
    }
    const run = this.#queue.then(async () => {
      const c = plan();
      if (c !== undefined) {
        await p.save(c);
        this.#store.commit(c);
      }
      return result(c);
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

/** A synchronous step as a promise, so that no error escapes synchronously. */
function settle<T>(step: () => T): Promise<T> {
  return new Promise((resolve) => {
    resolve(step());
  });
}
