// machined: serves the API on its unix socket for the whole life of the process, and runs boots
// one after another. Reboot, shutdown, reset and leaving maintenance are lifecycle transitions,
// queued so that two never overlap; each one runs as a sequence with its events.
import { mkdir } from 'node:fs/promises';
import { ApiError, diffConfigs, type ConfigBundle } from '@bronze/machinery';
import type { DefinitionRegistry, State } from '@bronze/runtime';
import type { CertificateRequester } from '../controllers/api-certificates-controller.ts';
import { configHostname } from '../controllers/config-facts.ts';
import { ObservedValue } from '../controllers/observed.ts';
import { EventRing } from '../events/event-ring.ts';
import type { Logger } from '../log/logger.ts';
import type { Platform } from '../platform/platform.ts';
import { nodeResourceRegistry } from '../resources/registry.ts';
import type { MachineStage } from '../resources/runtime-resources.ts';
import { startMachineApi, type MachineApiServer } from '../server/api.ts';
import type { ApplyRequest, ApplyResult, NodeApi, ResetRequest } from '../server/node-api.ts';
import { phase, task } from '../sequencer/sequence.ts';
import { Sequencer } from '../sequencer/sequencer.ts';
import type { Supervisor } from '../services/supervisor.ts';
import { Boot, storeConfig } from './boot.ts';
import { loadBootConfig, validationModeOf } from './boot-config.ts';
import { ConfigApplier } from './config-apply.ts';
import { checkConfig } from './config-source.ts';
import { persistConfig } from './config-store.ts';
import { nodeUnhealthy } from './node-health.ts';
import type { NodeEtcd } from './node-etcd.ts';
import { wipeNode } from './wipe.ts';

export interface MachinedOptions {
  platform: Platform;
  logger: Logger;
  /** `--config FILE`: used first, until a config is applied through the API. */
  configFile?: string;
  requestCertificate: CertificateRequester;
}

export class Machined implements NodeApi {
  readonly platform: Platform;
  readonly events = new EventRing();
  readonly registry: DefinitionRegistry = nodeResourceRegistry();
  readonly #logger: Logger;
  readonly #sequencer: Sequencer;
  readonly #requestCertificate: CertificateRequester;
  readonly #stage = new ObservedValue<MachineStage>('booting');
  readonly #done = Promise.withResolvers<undefined>();
  #configFile: string | undefined;
  #config: ConfigBundle | undefined;
  #boot: Boot | undefined;
  #api: MachineApiServer | undefined;
  #queue: Promise<void> = Promise.resolve();
  #ending = false;
  #applying = false;
  readonly #applier: ConfigApplier;

  constructor(options: MachinedOptions) {
    this.platform = options.platform;
    this.#logger = options.logger;
    this.#sequencer = new Sequencer({ events: this.events, logger: options.logger.child({ component: 'sequencer' }) });
    this.#configFile = options.configFile;
    this.#requestCertificate = options.requestCertificate;
    this.#applier = new ConfigApplier({
      configFile: this.platform.paths.configFile,
      validationMode: validationModeOf(this.platform),
      logger: options.logger.child({ component: 'apply-config' }),
      active: () => {
        if (this.#config === undefined) throw new ApiError('failed-precondition', 'the node is in maintenance mode');
        return this.#config;
      },
      activate: async (config) => {
        this.#config = config;
        await storeConfig(this.#current().state, config);
        await this.#current().etcd?.reconfigure(config, AbortSignal.timeout(60_000));
      },
      persisted: () => {
        this.#configFile = undefined;
      },
      unhealthy: () => nodeUnhealthy(this.#current()),
    });
  }

  /** Resolves when the node has shut down (Shutdown, Reset without reboot, or stop()). */
  get done(): Promise<undefined> {
    return this.#done.promise;
  }

  get bootId(): string {
    return this.#current().id;
  }

  async start(): Promise<void> {
    const { paths } = this.platform;
    for (const dir of [paths.stateDir, paths.ephemeralDir, paths.apidRunDir, paths.trustdRunDir]) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
    }
    this.#api = await startMachineApi(this, { logger: this.#logger.child({ component: 'api' }) });
    this.#logger.info('api listening', { socket: this.#api.socket });
    await this.#enqueue(() => this.#bootUp(''));
    if (this.#boot === undefined) {
      // The first boot failed (logged above): say so with a non-zero exit rather than serve nothing.
      await this.#close();
      throw new Error(`machined could not boot the node under ${paths.root}; see the error logged above`);
    }
  }

  /** The shutdown sequence, then the API closes: what SIGTERM does. */
  async stop(): Promise<void> {
    if (!this.#ending) {
      this.#ending = true;
      void this.#enqueue(() => this.#finish('shutdown', 'shutting down', ''));
    }
    await this.done;
  }

  /** machined's own log lines, kept in the `machined` service's log ring (osctl logs machined). */
  writeOwnLog(text: string): void {
    try {
      this.#boot?.supervisor.logs('machined').write(text);
    } catch {
      // between boots: the line still went to stderr
    }
  }

  hostname(): string {
    const fromConfig = this.#config === undefined ? undefined : configHostname(this.#config);
    return (fromConfig ?? this.platform.defaultHostname()).split('.')[0] ?? '';
  }

  maintenance(): boolean {
    return this.#config === undefined;
  }

  state(): State {
    return this.#current().state;
  }

  supervisor(): Supervisor {
    return this.#current().supervisor;
  }

  etcd(): NodeEtcd | undefined {
    return this.#current().etcd;
  }

  bootSignal(): AbortSignal {
    return this.#current().signal;
  }

  reboot(): string {
    const actorId = crypto.randomUUID();
    this.#refuseWhileEnding('reboot');
    void this.#enqueue(async () => {
      await this.#bringDown('reboot', 'rebooting', actorId);
      // LINUX_REBOOT_CMD_RESTART, as Talos reports a reboot.
      this.events.publish({ type: 'restart', cmd: 0x1234567 }, { actorId });
      await this.#bootUp(actorId);
    });
    return actorId;
  }

  shutdown(): string {
    const actorId = crypto.randomUUID();
    this.#refuseWhileEnding('shut down');
    this.#ending = true;
    void this.#enqueue(() => this.#finish('shutdown', 'shutting down', actorId));
    return actorId;
  }

  reset(request: ResetRequest): string {
    const actorId = crypto.randomUUID();
    this.#refuseWhileEnding('reset');
    if (!request.reboot) this.#ending = true;
    void this.#enqueue(async () => {
      await this.#bringDown('reset', 'resetting', actorId);
      await wipeNode(this.platform, request.wipe);
      this.#config = undefined;
      if (request.reboot) await this.#bootUp(actorId);
      else await this.#close();
    });
    return actorId;
  }

  async applyConfiguration(request: ApplyRequest): Promise<ApplyResult> {
    if (!this.maintenance() && !this.#applying) return this.#applier.apply(request);
    if (this.#applying) {
      throw new ApiError(
        'failed-precondition',
        'a config is being applied already; wait for the node to leave maintenance',
      );
    }
    const { text } = request;
    const checked = checkConfig(text, { source: 'ApplyConfiguration', mode: validationModeOf(this.platform) });
    if (!checked.ok) {
      throw new ApiError('invalid-argument', `the config is not valid:\n${checked.errors.join('\n')}`);
    }
    if (request.dryRun) {
      const diff = diffConfigs('', text, { oldSource: 'maintenance', newSource: 'new' });
      return {
        warnings: checked.warnings,
        mode: request.mode,
        details: `Dry run: the node would leave maintenance mode with this config:\n\n${diff}`,
      };
    }
    this.#applying = true;
    try {
      await persistConfig(this.platform.paths.configFile, text);
    } catch (err) {
      this.#applying = false;
      throw err;
    }
    this.#configFile = undefined;
    const actorId = crypto.randomUUID();
    void this.#enqueue(async () => {
      try {
        await this.#bringDown('maintenance', 'booting', actorId);
        await this.#bootUp(actorId);
      } finally {
        this.#applying = false;
      }
    });
    return {
      warnings: checked.warnings,
      mode: request.mode,
      details: 'Applied configuration: leaving maintenance mode',
    };
  }

  #current(): Boot {
    if (this.#boot === undefined) throw new ApiError('unavailable', 'machined is between boots; retry in a moment');
    return this.#boot;
  }

  #refuseWhileEnding(what: string): void {
    if (this.#ending) throw new ApiError('failed-precondition', `cannot ${what}: the node is shutting down`);
  }

  #enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(step).catch((err: unknown) => {
      this.#logger.error('lifecycle transition failed', { error: err instanceof Error ? err.message : String(err) });
    });
    this.#queue = next;
    return next;
  }

  async #bootUp(actorId: string): Promise<void> {
    this.#stage.set('booting');
    this.#config = await this.#loadConfig();
    const boot = await Boot.open({
      platform: this.platform,
      logger: this.#logger,
      events: this.events,
      stage: this.#stage,
      config: this.#config,
      requestCertificate: this.#requestCertificate,
    });
    this.#boot = boot;
    const startServices = task('startServices', async () => {
      boot.supervisor.startAll();
      await boot.etcd?.begin();
    });
    await this.#sequencer.run(
      { name: 'boot', phases: [phase('services', startServices)] },
      { actorId, signal: boot.signal },
    );
    this.events.publish(
      { type: 'address', hostname: this.hostname(), addresses: [this.platform.address()] },
      { actorId },
    );
    this.#stage.set(this.#config === undefined ? 'maintenance' : 'running');
    this.#logger.info('boot done', { bootId: boot.id, maintenance: this.maintenance() });
  }

  async #loadConfig(): Promise<ConfigBundle | undefined> {
    return loadBootConfig({
      platform: this.platform,
      flagPath: this.#configFile,
      events: this.events,
      logger: this.#logger,
    });
  }

  async #bringDown(sequence: string, stage: MachineStage, actorId: string): Promise<void> {
    const boot = this.#current();
    this.#applier.cancelPending();
    this.#stage.set(stage);
    const phases = [
      phase(
        'stopServices',
        task('stopAllServices', () => boot.stopServices()),
      ),
      phase(
        'stopControllers',
        task('stopControllers', () => boot.stopControllers()),
      ),
    ];
    await this.#sequencer.run({ name: sequence, phases }, { actorId });
    this.#boot = undefined;
  }

  async #finish(sequence: string, stage: MachineStage, actorId: string): Promise<void> {
    if (this.#boot !== undefined) await this.#bringDown(sequence, stage, actorId);
    await this.#close();
  }

  async #close(): Promise<void> {
    await this.#api?.stop();
    this.#logger.info('machined stopped');
    this.#done.resolve(undefined);
  }
}
