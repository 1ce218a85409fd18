// The controller engine: one watch per input kind feeds every controller that declared it, each
// controller runs in its own restartable loop, and stop() ends all of it before it resolves.
import type { Controller, Input } from './controller.ts';
import { dependencyGraph, type DependencyGraph } from './dependency-graph.ts';
import { nullLogger, type Logger } from './logger.ts';
import { kindKey, Phase, type Kind, type Resource } from './resource.ts';
import { Runner, type Backoff } from './runner.ts';
import type { State, WatchEvent } from './state.ts';

export interface EngineOptions {
  logger?: Logger;
  backoff?: Backoff;
}

interface Subscription {
  readonly runner: Runner;
  readonly input: Input;
  /** Only resources this controller owns (its own outputs, watched for destroy-readiness). */
  readonly ownOnly: boolean;
}

export class Engine {
  readonly #state: State;
  readonly #logger: Logger;
  readonly #backoff: Backoff;
  readonly #runners: Runner[] = [];
  #abort: AbortController | undefined;
  #tasks: Promise<void>[] = [];

  constructor(state: State, options: EngineOptions = {}) {
    this.#state = state;
    this.#logger = options.logger ?? nullLogger;
    this.#backoff = options.backoff ?? {};
  }

  /** Adds controllers before start; refuses duplicate names and clashing exclusive outputs. */
  register(...controllers: Controller[]): void {
    if (this.#abort !== undefined) throw new Error('engine: register controllers before start');
    for (const c of controllers) {
      if (this.#runners.some((r) => r.controller.name === c.name)) {
        throw new Error(`engine: controller ${c.name} is registered twice`);
      }
      for (const o of c.outputs) {
        for (const r of this.#runners) {
          const clash = r.controller.outputs.find((x) => kindKey(x) === kindKey(o));
          if (clash !== undefined && (clash.kind === 'exclusive' || o.kind === 'exclusive')) {
            throw new Error(
              `engine: controllers ${r.controller.name} and ${c.name} both write ${o.namespace}/${o.type}; ` +
                `an exclusive output has one writer (declare both shared, or merge them)`,
            );
          }
        }
      }
      this.#runners.push(new Runner(c, { state: this.#state, logger: this.#logger, backoff: this.#backoff }));
    }
  }

  start(): void {
    if (this.#abort !== undefined) throw new Error('engine: already started');
    const abort = new AbortController();
    this.#abort = abort;
    const byKind = new Map<string, { kind: Kind; subs: Subscription[] }>();
    const subscribe = (kind: Kind, sub: Subscription): void => {
      const key = kindKey(kind);
      let entry = byKind.get(key);
      if (entry === undefined) byKind.set(key, (entry = { kind, subs: [] }));
      entry.subs.push(sub);
    };
    for (const runner of this.#runners) {
      for (const input of runner.controller.inputs) subscribe(input, { runner, input, ownOnly: false });
      for (const o of runner.controller.outputs) {
        subscribe(o, { runner, input: { ...o, kind: 'destroy-ready' }, ownOnly: true });
      }
    }
    for (const { kind, subs } of byKind.values()) this.#tasks.push(this.#feed(kind, subs, abort.signal));
    for (const runner of this.#runners) this.#tasks.push(runner.run(abort.signal));
  }

  /** Stops every controller and watch, and resolves once all of them have ended. */
  async stop(): Promise<void> {
    this.#abort?.abort();
    const tasks = this.#tasks;
    this.#tasks = [];
    await Promise.all(tasks);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  dependencyGraph(): DependencyGraph {
    return dependencyGraph(this.#runners.map((r) => r.controller));
  }

  /** Watches one kind and wakes its subscribers; re-watches from a bootstrap if it falls behind. */
  async #feed(kind: Kind, subs: readonly Subscription[], signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      for await (const ev of this.#state.watchKind(kind, { bootstrap: true, signal })) {
        if (ev.type === 'errored') {
          this.#logger.warn('engine watch fell behind; watching again', { error: ev.error, ...kind });
          break;
        }
        if (ev.type === 'bootstrapped') continue;
        for (const sub of subs) if (wants(sub, ev.resource, ev)) sub.runner.touch(ev.resource.metadata);
      }
    }
  }
}

function wants(sub: Subscription, res: Resource, ev: WatchEvent): boolean {
  const m = res.metadata;
  if (sub.input.id !== undefined && sub.input.id !== m.id) return false;
  if (sub.ownOnly && m.owner !== sub.runner.controller.name) return false;
  if (sub.input.kind !== 'destroy-ready') return true;
  return ev.type !== 'destroyed' && m.phase === Phase.TearingDown && m.finalizers.length === 0;
}
