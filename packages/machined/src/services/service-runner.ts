// One service's life: Waiting (dependencies and conditions) -> Preparing -> Running -> Finished or
// Failed, restarts by policy with capped exponential backoff, health checks while Running, and the
// last 64 events. Stopping aborts one signal, which reaches every wait, the runner and the checks.
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventPublisher, ServiceHealth, ServiceState } from '../events/runtime-event.ts';
import { LogRing, type LogRingOptions } from '../log/log-ring.ts';
import type { Logger } from '../log/logger.ts';
import { waitForChange, type Waiters } from '../log/waiters.ts';
import { DefaultBackoff, backoffDelay, shouldRestart, type BackoffSettings } from './backoff.ts';
import { DefaultHealthSettings, monitorHealth, type HealthResult } from './health.ts';
import type { RunResult } from './runner.ts';
import { MaxServiceEvents, type ServiceEvent, type ServiceInfo, type ServiceSpec } from './service.ts';

/** What a service needs from its supervisor. */
export interface ServiceHost {
  readonly logger: Logger;
  readonly events: EventPublisher | undefined;
  /** Wakes services waiting on others; woken on every state or health change. */
  readonly changes: Waiters;
  /** How often conditions are checked again while Waiting. */
  readonly conditionPollMs: number;
  isUp(id: string): boolean;
  changed(): void;
}

type LifecycleEnd = [state: ServiceState, message: string];

export class ServiceRunner {
  readonly spec: ServiceSpec;
  readonly logs: LogRing;
  readonly #host: ServiceHost;
  readonly #log: Logger;
  readonly #backoff: BackoffSettings;
  #state: ServiceState = 'Initialized';
  #events: ServiceEvent[] = [];
  #health: ServiceHealth = unknownHealth();
  #run: { ac: AbortController; done: Promise<void> } | undefined;
  #processGroup: number | undefined;

  constructor(spec: ServiceSpec, options: { host: ServiceHost; logs?: LogRingOptions }) {
    this.spec = spec;
    this.#host = options.host;
    this.#log = options.host.logger.child({ service: spec.id });
    this.#backoff = { ...DefaultBackoff, ...spec.backoff };
    this.logs = new LogRing(options.logs);
    this.#push('Initialized', 'service registered');
  }

  get state(): ServiceState {
    return this.#state;
  }

  /** Whether the service's lifecycle is in progress (waiting, running or restarting). */
  get active(): boolean {
    return this.#run !== undefined;
  }

  /** Running, and healthy when it has a health check: what dependants wait for. */
  get up(): boolean {
    return this.#state === 'Running' && (this.spec.health === undefined || this.#health.healthy);
  }

  info(): ServiceInfo {
    return {
      id: this.spec.id,
      state: this.#state,
      events: this.#events.map((e) => ({ ...e })),
      health: { ...this.#health },
    };
  }

  /** Starts the lifecycle; does nothing when it is already in progress. */
  start(): void {
    if (this.#run !== undefined) return;
    const ac = new AbortController();
    const done = this.#lifecycle(ac.signal).then(
      (end) => end,
      (err: unknown): LifecycleEnd => [
        'Failed',
        `service supervisor error: ${err instanceof Error ? err.message : String(err)}`,
      ],
    );
    this.#run = {
      ac,
      // The run is over before its last state is told, so whoever sees it can start the service again.
      done: done.then(([state, message]) => {
        this.#run = undefined;
        this.#set(state, message);
      }),
    };
  }

  /** SIGKILLs the process group of the running program at once; for machined's own exit. */
  killSync(): void {
    if (this.#processGroup === undefined) return;
    try {
      process.kill(-this.#processGroup, 'SIGKILL');
    } catch {
      // ESRCH: gone already.
    }
  }

  /** Stops the service and waits until its process is gone and its lifecycle has ended. */
  async stop(): Promise<void> {
    const run = this.#run;
    if (run === undefined) return;
    if (!run.ac.signal.aborted) {
      this.#set('Stopping', 'stopping service');
      run.ac.abort();
    }
    await run.done;
  }

  /** Runs until stopped or done; returns the final state for `start` to set. */
  async #lifecycle(signal: AbortSignal): Promise<LifecycleEnd> {
    const reason = this.spec.unsupported?.() ?? this.spec.runner.unsupported?.();
    if (reason !== undefined) return ['Skipped', reason];
    let attempt = 0;
    while (await this.#waitReady(signal)) {
      const startedAt = Date.now();
      const result = await this.#runOnce(signal);
      if (signal.aborted) return ['Finished', `service stopped: ${result.message}`];
      const restart = shouldRestart(this.spec.restart ?? 'always', result.ok);
      if (!restart) return [result.ok ? 'Finished' : 'Failed', result.message];
      this.#set(result.ok ? 'Finished' : 'Failed', result.message);
      if (Date.now() - startedAt >= this.#backoff.resetAfterMs) attempt = 0;
      const delay = backoffDelay(attempt++, this.#backoff);
      this.#set('Waiting', `restarting in ${delay} ms (restart ${attempt})`);
      try {
        await sleep(delay, undefined, { signal });
      } catch {
        break;
      }
    }
    return ['Finished', 'service stopped'];
  }

  /** Waits for dependencies and conditions; false when stopped first. */
  async #waitReady(signal: AbortSignal): Promise<boolean> {
    const deps = this.spec.dependsOn ?? [];
    const conditions = this.spec.conditions ?? [];
    for (;;) {
      if (signal.aborted) return false;
      const unmet = deps.filter((d) => !this.#host.isUp(d)).map((d) => `service "${d}"`);
      for (const c of conditions) {
        if (!(await c.check(signal).catch(() => false))) unmet.push(c.description);
      }
      if (unmet.length === 0) return !signal.aborted;
      const message = `waiting for ${unmet.join(', ')}`;
      if (this.#state !== 'Waiting' || this.#events.at(-1)?.message !== message) this.#set('Waiting', message);
      await waitForChange(this.#host.changes, signal, conditions.length > 0 ? this.#host.conditionPollMs : undefined);
    }
  }

  async #runOnce(signal: AbortSignal): Promise<RunResult> {
    try {
      if (this.spec.prepare !== undefined) {
        this.#set('Preparing', 'running pre state');
        await this.spec.prepare(signal);
      }
    } catch (err) {
      return { ok: false, message: `pre state failed: ${err instanceof Error ? err.message : String(err)}` };
    }
    this.#set('Preparing', `creating service runner: ${this.spec.runner.description}`);
    const health = new AbortController();
    let monitor: Promise<void> = Promise.resolve();
    const result = await this.spec.runner.run({
      signal,
      output: this.logs,
      started: (message, info) => {
        this.#processGroup = info?.processGroup;
        this.#set('Running', message);
        if (this.spec.health !== undefined) {
          monitor = monitorHealth(this.spec.health.check, {
            settings: { ...DefaultHealthSettings, ...this.spec.health.settings },
            signal: health.signal,
            onChange: (r) => {
              this.#setHealth(r);
            },
          });
        }
      },
    });
    this.#processGroup = undefined;
    health.abort();
    await monitor;
    this.#health = unknownHealth();
    return result;
  }

  #setHealth(r: HealthResult): void {
    this.#health = { unknown: false, healthy: r.healthy, lastMessage: r.message, lastChange: new Date() };
    this.#set(this.#state, r.message);
  }

  #set(state: ServiceState, message: string): void {
    this.#state = state;
    this.#push(state, message);
    const level =
      state === 'Failed' || (state === 'Running' && !this.#health.unknown && !this.#health.healthy) ? 'warn' : 'info';
    this.#log[level](message, { state });
    this.#host.events?.publish({
      type: 'service-state',
      service: this.spec.id,
      state,
      message,
      health: { ...this.#health },
    });
    this.#host.changed();
  }

  #push(state: ServiceState, message: string): void {
    this.#events.push({ state, message, time: new Date() });
    if (this.#events.length > MaxServiceEvents) this.#events.splice(0, this.#events.length - MaxServiceEvents);
  }
}

function unknownHealth(): ServiceHealth {
  return { unknown: true, healthy: false, lastMessage: '', lastChange: new Date() };
}
