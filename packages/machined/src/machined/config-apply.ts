// ApplyConfiguration on a running node (docs/NODE.md, "Applying a config"): validate, refuse what
// cannot change live, then per mode persist (no-reboot, staged), activate live (no-reboot, try) and,
// for try, roll back to the config that ran before after the timeout or, with until-healthy, as
// soon as the node's health fails. One apply at a time; a dry run only returns the diff.
import { ApiError, diffConfigs, type ConfigBundle, type ValidationMode } from '@bronze/machinery';
import type { Logger } from '../log/logger.ts';
import type { ApplyMode, ApplyRequest, ApplyResult } from '../server/node-api.ts';
import { checkConfig } from './config-source.ts';
import { persistConfig } from './config-store.ts';

export const DefaultTryTimeoutMs = 60_000;
/** How often an until-healthy try checks health, and how many failed checks in a row roll back. */
const HealthPollMs = 250;
const HealthFailuresToRollBack = 2;

/** Fields a running node cannot take without a reinstall or a new identity. */
const NotLiveFields: readonly (readonly string[])[] = [
  ['machine', 'type'],
  ['machine', 'ca', 'crt'],
  ['machine', 'ca', 'key'],
  ['cluster', 'id'],
  ['cluster', 'secret'],
];

export interface ApplyHost {
  readonly configFile: string;
  readonly validationMode: ValidationMode;
  readonly logger: Logger;
  /** The config the node runs now. */
  active(): ConfigBundle;
  /** Makes `config` the running one: the MachineConfig resource changes and controllers reconcile. */
  activate(config: ConfigBundle): Promise<void>;
  /** The config file now holds what boots next: `--config FILE` is no longer read. */
  persisted(): void;
  /** Undefined when healthy, else why not (MachineStatus not ready, a service unhealthy). */
  unhealthy(): Promise<string | undefined>;
}

interface PendingTry {
  previous: ConfigBundle;
  abort: AbortController;
}

export class ConfigApplier {
  readonly #host: ApplyHost;
  #busy = false;
  #pending: PendingTry | undefined;

  constructor(host: ApplyHost) {
    this.#host = host;
  }

  /** Whether a try is waiting for its rollback. */
  get trying(): boolean {
    return this.#pending !== undefined;
  }

  /** Forgets a pending rollback (the boot ends: the persisted config loads anyway). */
  cancelPending(): void {
    this.#pending?.abort.abort();
    this.#pending = undefined;
  }

  async apply(request: ApplyRequest): Promise<ApplyResult> {
    if (this.#busy) {
      throw new ApiError(
        'failed-precondition',
        'another ApplyConfiguration is in progress on this node; retry when it has finished',
      );
    }
    this.#busy = true;
    try {
      return await this.#apply(request);
    } finally {
      this.#busy = false;
    }
  }

  async #apply(request: ApplyRequest): Promise<ApplyResult> {
    const mode: ApplyMode = request.mode === 'auto' ? 'no-reboot' : request.mode;
    if (mode === 'reboot') {
      throw new ApiError(
        'invalid-argument',
        'mode reboot is deprecated and only accepted in maintenance mode; use --mode auto, no-reboot, staged or try',
      );
    }
    const checked = checkConfig(request.text, { source: 'ApplyConfiguration', mode: this.#host.validationMode });
    if (!checked.ok) {
      throw new ApiError('invalid-argument', `the config is not valid:\n${checked.errors.join('\n')}`);
    }
    const current = this.#host.active();
    if (mode !== 'staged') refuseNotLive(current, checked.config);
    if (request.dryRun) {
      const diff = diffConfigs(current.text, request.text, { oldSource: 'current', newSource: 'new' });
      const details = `Dry run summary:\nApplied configuration with mode ${mode} (dry run: nothing changed).\n${
        diff === '' ? 'No changes.' : `Config diff:\n\n${diff}`
      }`;
      return { warnings: checked.warnings, mode, details };
    }
    const previous = this.#pending?.previous ?? current;
    this.cancelPending();
    if (mode === 'staged') {
      await persistConfig(this.#host.configFile, request.text);
      this.#host.persisted();
      return { warnings: checked.warnings, mode, details: 'Staged configuration to be applied after the next reboot' };
    }
    if (mode === 'no-reboot') {
      await persistConfig(this.#host.configFile, request.text);
      this.#host.persisted();
      await this.#host.activate(checked.config);
      return { warnings: checked.warnings, mode, details: 'Applied configuration without a reboot' };
    }
    await this.#host.activate(checked.config);
    const timeoutMs = request.tryTimeoutMs ?? DefaultTryTimeoutMs;
    this.#startTry(previous, { timeoutMs, untilHealthy: request.untilHealthy });
    const gate = request.untilHealthy ? ', or as soon as the node is unhealthy' : '';
    return {
      warnings: checked.warnings,
      mode,
      details: `Applied configuration in try mode: it is rolled back in ${formatMs(timeoutMs)}${gate} unless another config is applied`,
    };
  }

  #startTry(previous: ConfigBundle, options: { timeoutMs: number; untilHealthy: boolean }): void {
    const pending: PendingTry = { previous, abort: new AbortController() };
    this.#pending = pending;
    const { signal } = pending.abort;
    const timer = setTimeout(() => {
      void this.#rollBack(pending, `the try timeout of ${formatMs(options.timeoutMs)} passed`);
    }, options.timeoutMs);
    timer.unref();
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
    });
    if (options.untilHealthy) void this.#watchHealth(pending);
  }

  async #watchHealth(pending: PendingTry): Promise<void> {
    let failures = 0;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, HealthPollMs).unref());
      if (this.#pending !== pending) return;
      const reason = await this.#host.unhealthy().catch((err: unknown) => String(err));
      failures = reason === undefined ? 0 : failures + 1;
      if (reason !== undefined && failures >= HealthFailuresToRollBack) {
        await this.#rollBack(pending, `the node is unhealthy: ${reason}`);
        return;
      }
    }
  }

  async #rollBack(pending: PendingTry, why: string): Promise<void> {
    if (this.#pending !== pending) return;
    this.#pending = undefined;
    pending.abort.abort();
    this.#host.logger.warn(`rolling back the config applied in try mode: ${why}`);
    try {
      await this.#host.activate(pending.previous);
    } catch (err) {
      this.#host.logger.error('the rollback of a try config failed', {
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
}

/** Throws InvalidArgument naming the first field that differs and cannot change live. */
export function refuseNotLive(current: ConfigBundle, next: ConfigBundle): void {
  const changed = NotLiveFields.filter((path) => valueAt(current, path) !== valueAt(next, path)).map((p) =>
    p.join('.'),
  );
  if (changed.length > 0) {
    throw new ApiError(
      'invalid-argument',
      `${changed.join(', ')} cannot change on a running node: keep the current value, or reset the node and apply the new config in maintenance mode`,
    );
  }
}

function valueAt(config: ConfigBundle, path: readonly string[]): unknown {
  // init and join are the old names of controlplane and worker: not a change.
  if (path.join('.') === 'machine.type') return config.machineType();
  let value: unknown = config.v1alpha1();
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${String(ms / 1000)}s` : `${String(ms)}ms`;
}
