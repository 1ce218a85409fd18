// One boot of the node: its resource state (durable config and secrets namespaces, memory for the
// rest), the controller engine and the service supervisor. A reboot on the process platform ends
// this object and makes a new one with a new boot id, as a real reboot would.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DurableState, Engine, isNotFoundError, type Controller, type State } from '@bronze/runtime';
import { writeFileAtomic, type ConfigBundle } from '@bronze/machinery';
import { apiCertificatesController, type CertificateRequester } from '../controllers/api-certificates-controller.ts';
import { osPkiOf } from '../controllers/config-facts.ts';
import { etcdResourcesController } from '../controllers/etcd-resources-controller.ts';
import { hostnameController } from '../controllers/hostname-controller.ts';
import { machineStatusController } from '../controllers/machine-status-controller.ts';
import { machineTypeController } from '../controllers/machine-type-controller.ts';
import { metaController } from '../controllers/meta-controller.ts';
import { nodeAddressController } from '../controllers/node-address-controller.ts';
import { ObservedValue } from '../controllers/observed.ts';
import { osRootSecretsController } from '../controllers/os-root-secrets-controller.ts';
import { serviceController, type ServiceStatus } from '../controllers/service-controller.ts';
import { versionController } from '../controllers/version-controller.ts';
import type { EventRing } from '../events/event-ring.ts';
import type { EventPublisher, RuntimeEventPayload } from '../events/runtime-event.ts';
import { kubernetesNode, prepareKubernetesDirs } from '../cri/kubernetes-node.ts';
import { kubernetesControllers } from '../kubernetes/kubernetes-controllers.ts';
import type { Logger } from '../log/logger.ts';
import type { Platform } from '../platform/platform.ts';
import { MachineConfig, MachineConfigId } from '../resources/config-resources.ts';
import { DurableNamespaces } from '../resources/namespaces.ts';
import { NodeResourceDefinitions } from '../resources/registry.ts';
import {
  MachineStatus,
  MachineStatusId,
  type MachineStage,
  type MachineStatusSpec,
} from '../resources/runtime-resources.ts';
import { Supervisor } from '../services/supervisor.ts';
import { NodeEtcd } from './node-etcd.ts';
import { nodeServices } from './node-services.ts';

export interface BootOptions {
  platform: Platform;
  logger: Logger;
  events: EventRing;
  stage: ObservedValue<MachineStage>;
  /** The validated config, or undefined in maintenance mode. */
  config: ConfigBundle | undefined;
  requestCertificate: CertificateRequester;
}

/**
 * The id of this boot: a new one recorded in the platform's boot id file where reboots happen in
 * place (clients read it with `Read /proc/sys/kernel/random/boot_id`), else the kernel's own.
 */
async function bootId(platform: Platform): Promise<string> {
  if (platform.bootIdFile !== undefined) {
    const id = randomUUID();
    await mkdir(dirname(platform.bootIdFile), { recursive: true });
    // Atomically: a client reading the boot id while a reboot writes it sees the old id or the new one.
    await writeFileAtomic({ path: platform.bootIdFile, data: `${id}\n`, mode: 0o644 }, { force: true });
    return id;
  }
  const kernel = await readFile(join(platform.procRoot, 'sys/kernel/random/boot_id'), 'utf8').catch(() => '');
  return kernel.trim() === '' ? randomUUID() : kernel.trim();
}

export class Boot {
  readonly id: string;
  readonly state: State;
  readonly engine: Engine;
  readonly supervisor: Supervisor;
  /** etcd on a control-plane node with an etcd CA; undefined elsewhere. */
  etcd: NodeEtcd | undefined;
  readonly #abort = new AbortController();

  private constructor(init: { id: string; state: State; engine: Engine; supervisor: Supervisor }) {
    this.id = init.id;
    this.state = init.state;
    this.engine = init.engine;
    this.supervisor = init.supervisor;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Opens the state, writes the config resource, starts controllers (services start separately). */
  static async open(options: BootOptions): Promise<Boot> {
    const { platform, logger, config } = options;
    const id = await bootId(platform);
    const state = await DurableState.open({ dir: platform.paths.resourcesDir, namespaces: DurableNamespaces });
    await storeConfig(state, config);
    const services = new ObservedValue<readonly ServiceStatus[]>([]);
    const supervisor = new Supervisor({
      logger: logger.child({ component: 'supervisor' }),
      events: watchServices(options.events, () => {
        services.set(statuses(supervisor));
      }),
    });
    for (const spec of nodeServices({ platform, controlPlane: config?.isControlPlane() ?? false })) {
      supervisor.register(spec);
    }
    const kube = kubernetesNode({ platform, config });
    for (const spec of kube.services) supervisor.register(spec);
    services.set(statuses(supervisor));
    if (kube.services.length > 0) await prepareKubernetesDirs(platform.paths.root);
    const engine = new Engine(state, { logger: logger.child({ component: 'controllers' }) });
    engine.register(...controllers(options, services));
    engine.register(...kube.controllers((id) => supervisor.restart(id)));
    const etcdRef: { current?: NodeEtcd } = {};
    if (config?.isControlPlane() === true) engine.register(etcdResourcesController({ etcd: () => etcdRef.current }));
    engine.start();
    const boot = new Boot({ id, state, engine, supervisor });
    if (config?.isControlPlane() === true) {
      boot.etcd = etcdRef.current = await NodeEtcd.create({
        platform,
        config,
        logger,
        supervisor,
        signal: boot.signal,
      });
      supervisor.register(boot.etcd.spec());
    }
    void publishMachineStatus(state, options.events, boot.signal);
    return boot;
  }

  /** Stops services, then controllers; the boot's streams end. */
  async stopServices(): Promise<void> {
    await this.supervisor.close();
  }

  async stopControllers(): Promise<void> {
    this.#abort.abort(new Error('the boot ended (reboot or shutdown)'));
    await this.engine.stop();
  }
}

function controllers(options: BootOptions, services: ObservedValue<readonly ServiceStatus[]>): Controller[] {
  const { platform, config } = options;
  const pki = config === undefined ? undefined : osPkiOf(config);
  return [
    versionController(),
    metaController(NodeResourceDefinitions),
    nodeAddressController({ address: () => platform.address() }),
    hostnameController({ defaultHostname: () => platform.defaultHostname() }),
    machineTypeController(),
    osRootSecretsController(),
    apiCertificatesController({
      requestCertificate: options.requestCertificate,
      trustdHost: () => pki?.controlPlaneHost,
    }),
    serviceController(services),
    machineStatusController(options.stage),
    ...kubernetesControllers({ root: platform.paths.root }),
  ];
}

/** Makes the MachineConfig resource hold `config` (destroyed when undefined). */
export async function storeConfig(state: State, config: ConfigBundle | undefined): Promise<void> {
  const pointer = MachineConfig.pointer(MachineConfigId);
  const current = await state.get<string>(pointer).catch((err: unknown) => {
    if (isNotFoundError(err)) return undefined;
    throw err;
  });
  if (config === undefined) {
    if (current !== undefined) await state.destroy(pointer, { owner: current.metadata.owner });
    return;
  }
  if (current === undefined) await state.create(MachineConfig.make(MachineConfigId, config.text));
  else if (current.spec !== config.text) {
    await state.update({ metadata: current.metadata, spec: config.text }, { owner: current.metadata.owner });
  }
}

function statuses(supervisor: Supervisor): ServiceStatus[] {
  return supervisor.list().map((s) => ({
    id: s.id,
    state: s.state,
    healthy: s.health.healthy,
    unknown: s.health.unknown,
  }));
}

/** Publishes to the ring and calls `onService` after each service state event. */
function watchServices(events: EventRing, onService: () => void): EventPublisher {
  return {
    publish(payload: RuntimeEventPayload, options?: { actorId?: string }) {
      const event = events.publish(payload, options);
      if (payload.type === 'service-state') queueMicrotask(onService);
      return event;
    },
  };
}

/** A MachineStatusEvent for every change of the MachineStatus resource, as Talos publishes them. */
async function publishMachineStatus(state: State, events: EventRing, signal: AbortSignal): Promise<void> {
  const watcher = state.watch<MachineStatusSpec>(MachineStatus.pointer(MachineStatusId), { signal });
  try {
    for await (const e of watcher) {
      if (e.type !== 'created' && e.type !== 'updated') continue;
      const { stage, status } = e.resource.spec;
      events.publish({
        type: 'machine-status',
        stage: stage === 'shutting down' ? 'shutting-down' : stage,
        ready: status.ready,
        unmetConditions: status.unmetConditions.map((c) => ({ ...c })),
      });
    }
  } catch {
    // the boot ended
  } finally {
    watcher.close();
  }
}
