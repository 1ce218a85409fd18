// The service supervisor: registers services, starts and stops them by id, stops them all in reverse
// dependency order, and answers ServiceList, Logs and LogsContainers. Services wait for each other
// through one change notification, so nothing polls except conditions.
import type { EventPublisher, ServiceState } from '../events/runtime-event.ts';
import type { LogRing, LogRingOptions } from '../log/log-ring.ts';
import { nullLogger, type Logger } from '../log/logger.ts';
import { waitForChange, wakeAll, type Waiters } from '../log/waiters.ts';
import { ServiceRunner, type ServiceHost } from './service-runner.ts';
import { ServiceNotFoundError, ServiceSpecError, type ServiceInfo, type ServiceSpec } from './service.ts';
import { stopOrder } from './stop-order.ts';

export interface SupervisorOptions {
  logger?: Logger;
  events?: EventPublisher;
  logs?: LogRingOptions;
  /** How often conditions are checked again while a service waits; 1 s unless told. */
  conditionPollMs?: number;
}

const idPattern = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export class Supervisor {
  readonly #services = new Map<string, ServiceRunner>();
  readonly #changes: Waiters = new Set();
  readonly #host: ServiceHost;
  readonly #logs: LogRingOptions | undefined;
  #closed = false;

  constructor(options: SupervisorOptions = {}) {
    const changes = this.#changes;
    const services = this.#services;
    this.#logs = options.logs;
    this.#host = {
      logger: options.logger ?? nullLogger(),
      events: options.events,
      changes,
      conditionPollMs: options.conditionPollMs ?? 1000,
      isUp: (id) => services.get(id)?.up ?? false,
      changed: () => {
        wakeAll(changes);
      },
    };
  }

  /** Adds a service (not started). Refuses a duplicate id, an unknown dependency or a cycle. */
  register(spec: ServiceSpec): void {
    if (this.#closed) throw new ServiceSpecError(`cannot register service "${spec.id}": the supervisor is closed`);
    if (!idPattern.test(spec.id)) {
      throw new ServiceSpecError(
        `service id "${spec.id}" is not valid; use lowercase letters, digits, ".", "-" and "_"`,
      );
    }
    if (this.#services.has(spec.id)) throw new ServiceSpecError(`service "${spec.id}" is registered already`);
    for (const dep of spec.dependsOn ?? []) {
      if (dep === spec.id) throw new ServiceSpecError(`service "${spec.id}" depends on itself`);
      if (!this.#services.has(dep)) {
        throw new ServiceSpecError(
          `service "${spec.id}" depends on "${dep}", which is not registered; register "${dep}" first`,
        );
      }
    }
    this.#services.set(
      spec.id,
      new ServiceRunner(spec, { host: this.#host, ...(this.#logs ? { logs: this.#logs } : {}) }),
    );
  }

  /** Service ids in registration order (dependencies first). */
  ids(): string[] {
    return [...this.#services.keys()];
  }

  list(): ServiceInfo[] {
    return [...this.#services.values()].map((s) => s.info());
  }

  get(id: string): ServiceInfo {
    return this.#service(id).info();
  }

  /** The service's log ring, for Logs (tail and follow). */
  logs(id: string): LogRing {
    return this.#service(id).logs;
  }

  /** Starts a service (it waits for its dependencies); a service in progress is left alone. */
  start(id: string): void {
    if (this.#closed) throw new ServiceSpecError(`cannot start service "${id}": the supervisor is closed`);
    this.#service(id).start();
  }

  startAll(): void {
    for (const id of this.#services.keys()) this.start(id);
  }

  /**
   * Stops one service (not its dependants) and waits until it has stopped. An abort of `signal`
   * ends the wait (rejecting with its reason), not the stop.
   */
  async stop(id: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await untilAborted(this.#service(id).stop(), options.signal);
  }

  async restart(id: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.stop(id, options);
    this.start(id);
  }

  /** Stops every service, dependants before what they depend on, independent ones in parallel. */
  async stopAll(options: { signal?: AbortSignal } = {}): Promise<void> {
    const deps = new Map([...this.#services].map(([id, s]) => [id, s.spec.dependsOn ?? []]));
    const all = (async () => {
      for (const wave of stopOrder(deps)) {
        await Promise.all(wave.map((id) => this.#services.get(id)?.stop() ?? Promise.resolve()));
      }
    })();
    await untilAborted(all, options.signal);
  }

  /** Resolves when the service is in one of `states`; rejects with the signal's reason on abort. */
  async waitFor(id: string, states: readonly ServiceState[], options: { signal: AbortSignal }): Promise<ServiceInfo> {
    const service = this.#service(id);
    const { signal } = options;
    while (!states.includes(service.state)) {
      signal.throwIfAborted();
      await waitForChange(this.#changes, signal);
    }
    return service.info();
  }

  /** Resolves when the service is Running and healthy (or has no health check). */
  async waitUp(id: string, options: { signal: AbortSignal }): Promise<ServiceInfo> {
    const service = this.#service(id);
    while (!service.up) {
      options.signal.throwIfAborted();
      await waitForChange(this.#changes, options.signal);
    }
    return service.info();
  }

  /**
   * SIGKILLs every running program's process group, synchronously: for machined's last moments
   * (`process.on('exit')`, a fatal error), when there is no time for a graceful stop. Programs left
   * running after machined would be orphans.
   */
  killAllSync(): void {
    for (const s of this.#services.values()) s.killSync();
  }

  /** Stops everything and ends every log follower; the supervisor cannot be used afterwards. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.stopAll();
    for (const s of this.#services.values()) s.logs.close();
    wakeAll(this.#changes);
  }

  #service(id: string): ServiceRunner {
    const s = this.#services.get(id);
    if (s === undefined) {
      throw new ServiceNotFoundError(`service "${id}" not found; known services: ${this.ids().join(', ') || '(none)'}`);
    }
    return s;
  }
}

/** `work`, or a rejection with the signal's reason as soon as it aborts (the work goes on). */
function untilAborted(work: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return work;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    void work.then(resolve, reject).finally(() => {
      signal.removeEventListener('abort', onAbort);
    });
  });
}
