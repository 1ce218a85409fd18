// etcd on a control-plane node: the `etcd` service, the PKI it runs with, and the decision of how it
// starts. With data in var/lib/etcd it restarts from it (then finishes an interrupted promotion);
// without, a join task finds the cluster through the control-plane endpoint and joins as a learner,
// until Bootstrap aborts it and creates a single-member cluster instead. Until one of them decides
// the launch, the service waits in its prepare step (Preparing, as Talos shows it).
import { mkdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConfigBundle } from '@bronze/machinery';
import { configHostname } from '../controllers/config-facts.ts';
import type { Logger } from '../log/logger.ts';
import type { Platform } from '../platform/platform.ts';
import { etcdPeerHosts, exists, healthOverride, untilAborted } from './node-etcd-support.ts';
import type { ServiceSpec } from '../services/service.ts';
import type { Supervisor } from '../services/supervisor.ts';
import { DefaultEtcdPath, snapshotRestoreTool } from '../etcd/etcd-binary.ts';
import { bootstrap } from '../etcd/etcd-bootstrap.ts';
import { openEtcdClient, type EtcdClient, type EtcdClientTls } from '../etcd/etcd-client.ts';
import { etcdCaFromConfig, etcdExtraArgs } from '../etcd/etcd-config.ts';
import { hasEtcdData } from '../etcd/etcd-data.ts';
import { EtcdError } from '../etcd/etcd-error.ts';
import { ensurePromoted, join, type PromoteOptions } from '../etcd/etcd-join.ts';
import { etcdPaths, type EtcdPaths } from '../etcd/etcd-paths.ts';
import { issueEtcdPki, writeEtcdPki, type EtcdPki } from '../etcd/etcd-pki.ts';
import {
  RestartFromData,
  clientUrlOf,
  etcdCommand,
  etcdServiceSpec,
  peerUrlOf,
  type EtcdLaunch,
} from '../etcd/etcd-spec.ts';

/** The etcd program this node runs: /usr/bin/etcd unless BRONZE_ETCD_BINARY names another. */
function etcdBinary(): string {
  return process.env.BRONZE_ETCD_BINARY ?? DefaultEtcdPath;
}

export interface NodeEtcdOptions {
  platform: Platform;
  config: ConfigBundle;
  logger: Logger;
  supervisor: Supervisor;
  /** Ends with the boot: the join task and every wait stop with it. */
  signal: AbortSignal;
}

export interface BootstrapRequest {
  /** Restore the snapshot uploaded through EtcdRecover first. */
  recover: boolean;
  skipHashCheck: boolean;
}

export class NodeEtcd {
  readonly name: string;
  readonly address: string;
  readonly paths: EtcdPaths;
  readonly #options: NodeEtcdOptions;
  /** The config the node runs now: applied configs replace it (see reconfigure). */
  #config: ConfigBundle;
  readonly #pki: EtcdPki;
  readonly #tls: EtcdClientTls;
  #local: EtcdClient;
  readonly #logger: Logger;
  #launch: EtcdLaunch | undefined;
  #version: string | undefined;
  #decided = Promise.withResolvers<undefined>();
  #join: { abort: AbortController; done: Promise<void> } | undefined;

  private constructor(options: NodeEtcdOptions, pki: EtcdPki) {
    this.#options = options;
    this.#config = options.config;
    this.#pki = pki;
    this.#logger = options.logger.child({ component: 'etcd' });
    this.name = (configHostname(options.config) ?? options.platform.defaultHostname()).split('.')[0] ?? '';
    this.address = options.platform.address();
    this.paths = etcdPaths(options.platform.paths.root);
    this.#tls = { ca: pki.ca, cert: pki.admin.crt, key: pki.admin.key };
    this.#local = openEtcdClient(clientUrlOf(this.address), { tls: this.#tls });
    options.signal.addEventListener('abort', () => {
      this.#local.close();
    });
  }

  /** Issues the node's etcd PKI from cluster.etcd.ca (EtcdError `no-ca` without one). */
  static async create(options: NodeEtcdOptions): Promise<NodeEtcd> {
    const ca = etcdCaFromConfig(options.config.v1alpha1()?.cluster);
    const name = configHostname(options.config) ?? options.platform.defaultHostname();
    const pki = await issueEtcdPki(ca, {
      hostname: name.split('.')[0] ?? name,
      addresses: [options.platform.address()],
    });
    return new NodeEtcd(options, pki);
  }

  get logger(): Logger {
    return this.#logger;
  }

  get peerUrl(): string {
    return peerUrlOf(this.address);
  }

  /** machined's client of this node's member (the admin certificate); do not close it. */
  client(): EtcdClient {
    return this.#local;
  }

  /** A client of another member; close it when done. */
  connect(endpoint: string): EtcdClient {
    return openEtcdClient(endpoint, { tls: this.#tls });
  }

  spec(): ServiceSpec {
    const { platform } = this.#options;
    const health = healthOverride();
    return etcdServiceSpec({
      command: () =>
        etcdCommand({
          binary: etcdBinary(),
          name: this.name,
          address: this.address,
          dataDir: this.paths.dataDir,
          pkiDir: this.paths.pkiDir,
          launch: this.#launch ?? RestartFromData,
          listenLocalhost: platform.name !== 'process',
          extraArgs: etcdExtraArgs(this.#config.v1alpha1()?.cluster),
        }),
      client: () => this.#local,
      prepare: (signal) => this.#prepare(signal),
      ...(health === undefined ? {} : { health }),
    });
  }

  /** What EtcdSpec and Endpoint (controlplane) show. */
  facts(): { listenClientAddresses: string[]; image: string; extraArgs: Record<string, string>; endpoints: string[] } {
    const binary = etcdBinary();
    return {
      listenClientAddresses: this.#options.platform.name === 'process' ? [this.address] : [this.address, '127.0.0.1'],
      image: this.#version === undefined ? binary : `${binary} v${this.#version}`,
      extraArgs: etcdExtraArgs(this.#config.v1alpha1()?.cluster),
      endpoints: [...new Set([...etcdPeerHosts(this.#config, this.address), this.address])],
    };
  }

  /** The local member's id in hex, or undefined while no member answers here. */
  async localMemberId(signal: AbortSignal): Promise<string | undefined> {
    try {
      const s = await this.#local.status({ signal: AbortSignal.any([signal, AbortSignal.timeout(2000)]) });
      this.#version = s.version;
      return s.memberId.toString(16);
    } catch {
      return undefined;
    }
  }

  /** After the services started: restart from data, or run the join task until bootstrap or join. */
  async begin(): Promise<void> {
    if (await hasEtcdData(this.paths.dataDir)) {
      void this.#afterRestart();
      return;
    }
    const abort = new AbortController();
    const signal = AbortSignal.any([abort.signal, this.#options.signal]);
    const done = this.#runJoin(signal);
    this.#join = { abort, done };
  }

  async bootstrap(request: BootstrapRequest, signal: AbortSignal): Promise<void> {
    if (this.#launch !== undefined && this.#launch.state === 'new') {
      throw new EtcdError('already-bootstrapped', `etcd on ${this.name} was bootstrapped already during this boot`);
    }
    if (await this.#running(signal)) {
      throw new EtcdError(
        'already-bootstrapped',
        `etcd is already running on ${this.name} (${this.peerUrl}): the cluster is bootstrapped; bootstrap runs once per cluster`,
      );
    }
    if (await hasEtcdData(this.paths.dataDir)) {
      throw new EtcdError(
        'data-exists',
        `etcd data directory ${this.paths.dataDir} is not empty: etcd restarts from its data; reset the node to bootstrap a new cluster`,
      );
    }
    if (request.recover && !(await exists(this.paths.recoverSnapshot))) {
      throw new EtcdError(
        'snapshot',
        'no snapshot was uploaded: upload one with EtcdRecover (osctl bootstrap --recover-from FILE)',
      );
    }
    const join = this.#join;
    if (join !== undefined) {
      join.abort.abort(new Error('Bootstrap was called'));
      await join.done;
      this.#join = undefined;
    }
    await bootstrap({
      name: this.name,
      peerUrl: this.peerUrl,
      dataDir: this.paths.dataDir,
      running: (s) => this.#running(s),
      start: (launch, s) => this.#start(launch, s),
      ...(request.recover
        ? {
            recoverFrom: {
              snapshot: this.paths.recoverSnapshot,
              skipHashCheck: request.skipHashCheck,
              etcdctl: snapshotRestoreTool(etcdBinary()),
            },
          }
        : {}),
      logger: this.#logger,
      signal,
    });
  }

  /**
   * Takes an applied config. When etcd's arguments change (cluster.etcd.extraArgs) and etcd runs,
   * it restarts with them from its data, as Talos restarts etcd when EtcdSpec changes; a member
   * that has not started yet simply starts with them. Returns whether etcd was restarted.
   */
  async reconfigure(config: ConfigBundle, signal: AbortSignal): Promise<boolean> {
    const before = JSON.stringify(etcdExtraArgs(this.#config.v1alpha1()?.cluster));
    this.#config = config;
    const after = JSON.stringify(etcdExtraArgs(config.v1alpha1()?.cluster));
    if (before === after || this.#launch === undefined) return false;
    const state = this.#options.supervisor.get('etcd').state;
    if (state !== 'Running') return false;
    this.#logger.info('etcd arguments changed: restarting etcd from its data', { extraArgs: after });
    this.#launch = RestartFromData;
    await this.#options.supervisor.restart('etcd', { signal });
    return true;
  }

  /** Stops the etcd service (EtcdLeaveCluster); it stays stopped until the next boot. */
  async stopService(signal: AbortSignal): Promise<void> {
    await this.#options.supervisor.stop('etcd', { signal });
  }

  async #prepare(signal: AbortSignal): Promise<void> {
    await mkdir(this.paths.dataDir, { recursive: true, mode: 0o700 });
    await writeEtcdPki(this.paths.pkiDir, this.#pki, signal);
    if (await hasEtcdData(this.paths.dataDir)) this.#launch = RestartFromData;
    else if (this.#launch === undefined) await untilAborted(this.#decided.promise, signal);
    this.#reopenLocal();
  }

  /**
   * A fresh local client right before etcd starts: the old channel may have failed to connect for a
   * long while (etcd not running), and grpc-js would wait out its reconnect backoff (up to 2 min).
   */
  #reopenLocal(): void {
    const old = this.#local;
    this.#local = openEtcdClient(clientUrlOf(this.address), { tls: this.#tls });
    old.close();
  }

  async #start(launch: EtcdLaunch, signal: AbortSignal): Promise<void> {
    this.#launch = launch;
    this.#decided.resolve(undefined);
    const { supervisor } = this.#options;
    supervisor.start('etcd');
    await supervisor.waitFor('etcd', ['Running'], { signal });
  }

  async #running(signal: AbortSignal): Promise<boolean> {
    try {
      await this.#local.status({ signal: AbortSignal.any([signal, AbortSignal.timeout(3000)]) });
      return true;
    } catch {
      return false;
    }
  }

  #promoteOptions(signal: AbortSignal): PromoteOptions {
    return {
      discover: () => Promise.resolve(this.#endpoints()),
      connect: (endpoint) => this.connect(endpoint),
      logger: this.#logger,
      signal,
    };
  }

  /** Client URLs of the other members (see etcdPeerHosts). */
  #endpoints(): string[] {
    return etcdPeerHosts(this.#config, this.address).map(clientUrlOf);
  }

  async #runJoin(signal: AbortSignal): Promise<void> {
    const endpoints = this.#endpoints();
    if (endpoints.length === 0) {
      this.#logger.warn(
        `etcd has no data and this node (${this.address}) is the control-plane endpoint: there is no other control plane to join through; run \`osctl bootstrap\` on this node to create the cluster, or set BRONZE_ETCD_ENDPOINTS to a member's address`,
      );
    } else {
      this.#logger.info(
        'etcd has no data on this node: joining the cluster through the other control planes; if no cluster exists yet, run `osctl bootstrap` on exactly one control-plane node',
        { endpoints: endpoints.join(',') },
      );
    }
    try {
      const r = await join({
        name: this.name,
        peerUrl: this.peerUrl,
        ...this.#promoteOptions(signal),
        start: (launch, s) => this.#start(launch, s),
        signal,
      });
      this.#logger.info('joined etcd as a voting member', {
        memberId: r.memberId.toString(16),
        ms: Math.round(r.promotedAfterMs),
      });
    } catch (err) {
      if (signal.aborted) return;
      this.#logger.error('joining etcd failed', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  async #afterRestart(): Promise<void> {
    const signal = this.#options.signal;
    try {
      await this.#options.supervisor.waitFor('etcd', ['Running'], { signal });
      for (;;) {
        try {
          await ensurePromoted(this.#local, this.#promoteOptions(signal));
          return;
        } catch (err) {
          if (signal.aborted) return;
          this.#logger.debug('etcd status not available yet', { error: String(err) });
          await sleep(1000, undefined, { signal });
        }
      }
    } catch {
      // the boot ended
    }
  }
}
